"""Saving an attachment to a folder the user chose: never outside it, never over another file."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from .errors import BadInput

NAME_MAX = 255  # bytes in one file name, on every common file system

# Controls, separators, bidirectional controls (an RLO can make "cod.exe" read "exe.doc") and
# lone surrogates (an undecodable file name; no database stores them).
_UNSAFE_NAME = re.compile(
    r"[\x00-\x1f\x7f-\x9f/\\\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def safe_file_name(name: str) -> str:
    """Only the last path component, no control characters, separators, bidirectional controls or
    lone surrogates, at most 255 chars."""
    base = re.split(r"[/\\]", name)[-1]
    base = unicodedata.normalize("NFC", _UNSAFE_NAME.sub("_", base)).strip()
    if base in ("", ".", ".."):
        base = "attachment"
    if len(base) > 255:
        stem, dot, ext = base.rpartition(".")
        keep = ext[:16] if dot and len(ext) <= 16 else ""
        base = base[: 255 - len(keep) - 1] + "." + keep if keep else base[:255]
    return base



def save_into(folder: str | Path, name: str, data: bytes) -> Path:
    """Writes data as a new file in folder, named after the attachment (made safe: no path
    separators, no '..', no control characters); "name (2).ext" if the name is taken."""
    target_dir = Path(folder).expanduser()
    if not target_dir.is_dir():
        raise BadInput(f"There is no folder at {target_dir}.")
    target_dir = target_dir.resolve()
    base = safe_file_name(name)
    stem, dot, ext = base.rpartition(".")
    if not stem or len(ext.encode()) > 32:
        stem, dot, ext = base, "", ""
    for n in range(1, 1000):
        candidate = _fitted(stem, (f" ({n})" if n > 1 else "") + dot + ext)
        path = target_dir / candidate
        if path.resolve().parent != target_dir:  # belt and braces: the name can't climb out
            raise BadInput(f"The file name '{name}' can't be used.")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        except OSError as exc:
            raise BadInput(f"Can't write into {target_dir}: {exc.strerror}.") from None
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return path
    raise BadInput(f"Too many files named like '{base}' in {target_dir}.")


def _fitted(stem: str, tail: str) -> str:
    """stem + tail, the stem cut short so the name fits NAME_MAX bytes (a long name, or one of
    many-byte characters, is still saved; its extension and number are kept)."""
    room = NAME_MAX - len(tail.encode())
    return stem.encode()[:room].decode("utf-8", "ignore") + tail
