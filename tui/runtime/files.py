"""Files named in an "Attach file" field, read for sending: in the worker thread that sends
them (a slow disk, a pipe or /dev/zero never freezes the form), and no further than the
store's attachment limit (store/files.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from store.errors import BadInput
from store.files import input_limits, read_attachment
from store.views import NewAttachment


class MissingFile(BadInput):
    """The field names a file that can't be read; the message says which."""


def read_files(field: str, limit: int) -> list[NewAttachment]:
    """Reads every path of a field (several separated by ';'), each at most limit bytes, or
    refuses with one sentence."""
    files = []
    for raw in field.split(";"):
        if not raw.strip():
            continue
        path = Path(raw.strip()).expanduser()
        try:
            files.append(read_attachment(path, limit))
        except OSError:
            raise MissingFile(f"There is no readable file at {path}.") from None
    return files


def with_files(call: Callable[..., Any]) -> Callable[..., Any]:
    """call(store, actor, *args, attachments=..., **kwargs) for run_store_call, taking the field's
    text as attach="..." instead: the files are read in the worker, then sent."""

    def read_then_call(store, actor, *args: Any, attach: str, **kwargs: Any) -> Any:
        files = read_files(attach, input_limits(store).attachment_bytes) if attach.strip() else []
        return call(store, actor, *args, attachments=files, **kwargs)

    return read_then_call
