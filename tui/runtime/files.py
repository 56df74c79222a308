"""Files named in an "Attach file" field, read for sending."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from store.views import NewAttachment


class MissingFile(ValueError):
    """The field names a file that can't be read; the message says which."""


def read_files(field: str) -> list[NewAttachment]:
    """Reads every path of a field (several separated by ';'), or refuses with one sentence."""
    files = []
    for raw in field.split(";"):
        if not raw.strip():
            continue
        path = Path(raw.strip()).expanduser()
        try:
            data = path.read_bytes()
        except OSError:
            raise MissingFile(f"There is no readable file at {path}.") from None
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        files.append(NewAttachment(path.name, data, kind))
    return files
