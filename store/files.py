"""Files in and out: reading what a person attaches or writes in a file, never past the size
limits of the global settings; saving an attachment to a folder the user chose, never outside
it, never over another file."""

from __future__ import annotations

import mimetypes
import os
import re
import stat
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

from .errors import BadInput
from .views import NewAttachment

if TYPE_CHECKING:
    from .db import Store

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



# --- reading, bounded ------------------------------------------------------------------------
UTF8_MOST_BYTES = 4  # a character of UTF-8 text takes at most this many bytes


class InputLimits(NamedTuple):
    """The global settings that bound what a person sends (store/settings.py)."""

    message_chars: int
    attachment_bytes: int


def input_limits(store: "Store") -> InputLimits:
    from .settings import read

    with store.sql() as q:
        return InputLimits(read(q, "message_max_chars"), read(q, "attachment_max_bytes"))


def read_bounded(source: BinaryIO, limit: int) -> bytes | None:
    """All of source if it holds at most limit bytes, else None. Never reads more than limit + 1
    bytes: /dev/zero or an endless pipe is refused, not read until memory runs out."""
    data = source.read(limit + 1)
    return None if len(data) > limit else data


def too_large(name: str, size: int | None, limit: int) -> BadInput:
    """The refusal of a file over the attachment limit (size None: not known, as for a pipe)."""
    if size is None:
        return BadInput(f"The file '{safe_file_name(name)}' is over the limit of {limit} bytes.")
    return BadInput(f"The file '{safe_file_name(name)}' is {size} bytes; the limit is {limit} bytes.")


def read_attachment(path: Path, limit: int) -> NewAttachment:
    """The file at path as an attachment. OSError: it can't be read (each face words that);
    BadInput: it is larger than limit bytes."""
    with open(path, "rb") as source:
        data = read_bounded(source, limit)
        if data is None:
            size = os.fstat(source.fileno())
            raise too_large(path.name, size.st_size if stat.S_ISREG(size.st_mode) else None, limit)
    return NewAttachment(path.name, data, mimetypes.guess_type(path.name)[0] or "application/octet-stream")


def read_text(source: BinaryIO, name: str, limit_chars: int) -> str:
    """A message written in a file (UTF-8), refused unread past what limit_chars characters can
    take; the store counts the characters themselves."""
    data = read_bounded(source, UTF8_MOST_BYTES * limit_chars)
    if data is None:
        raise BadInput(f"The text in {name} is longer than the limit of {limit_chars} characters.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(f"The file {name} is not valid text (UTF-8).") from None


# --- saving ---------------------------------------------------------------------------------
# A leading dot would save a hidden file that a shell or a program may read on its own
# (".bashrc", ".profile"), unseen in the folder: saved names show theirs without it.
_HIDDEN = re.compile(r"^[.\s]+")


def save_into(folder: str | Path, name: str, data: bytes) -> Path:
    """Writes data as a new file in folder, named after the attachment (made safe: no path
    separators, no '..', no control characters, no leading dot); "name (2).ext" if the name is
    taken, by a file, a folder or a link (never followed)."""
    target_dir = Path(folder).expanduser()
    if not target_dir.is_dir():
        raise BadInput(f"There is no folder at {target_dir}.")
    target_dir = target_dir.resolve()
    base = _HIDDEN.sub("", safe_file_name(name)) or "attachment"
    stem, dot, ext = base.rpartition(".")
    if not stem or len(ext.encode()) > 32:
        stem, dot, ext = base, "", ""
    for n in range(1, 1000):
        path = target_dir / _fitted(stem, (f" ({n})" if n > 1 else "") + dot + ext)
        if path.parent != target_dir:  # belt and braces: the name can't climb out
            raise BadInput(f"The file name '{name}' can't be used.")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
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
