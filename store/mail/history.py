"""Reading a team's mail history, one mail at a time: an mbox file or a Maildir folder.

Memory stays flat over the file: an mbox is read line by line (never its whole table of
contents, which Python's mailbox.mbox builds first), so at most one mail is held; a Maildir's
file names are listed (one short name a mail) and each file read when its turn comes, through
Python's mailbox.Maildir. An mbox is split as mailbox.mbox splits it: a mail starts at each line
that begins with "From " (the mbox's separator, dropped); ">From " lines are left as written.
"""

from __future__ import annotations

import mailbox
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from ..errors import BadInput


class HistoryMail(NamedTuple):
    raw: bytes
    done: int  # how far the reading is: bytes of an mbox, mails of a Maildir
    total: int  # the same measure for the whole history


def read_history(path: str | os.PathLike) -> Iterator[HistoryMail]:
    """Every mail of an mbox file or a Maildir folder, in the history's order (an mbox's own;
    a Maildir's by the delivery time its file names begin with: delivery_order)."""
    where = Path(path)
    if where.is_dir():
        if not all((where / sub).is_dir() for sub in ("cur", "new")):
            raise BadInput(f"{path} is a folder but not a Maildir (it has no cur/ and new/).")
        return _maildir(where)
    if not where.is_file():
        raise BadInput(f"There is no mbox file or Maildir folder at {path}.")
    try:
        with open(where, "rb") as f:
            start = f.read(5)
    except OSError as error:
        raise BadInput(f"{path} can't be read ({error.strerror}).") from None
    if start and start != b"From ":
        raise BadInput(f"{path} is not an mbox file (it does not begin with a \"From \" line).")
    return _mbox(where)


def _mbox(path: Path) -> Iterator[HistoryMail]:
    total = path.stat().st_size
    with open(path, "rb") as f:
        lines: list[bytes] = []
        done = 0
        for line in f:
            if line.startswith(b"From "):
                if lines:
                    yield HistoryMail(b"".join(lines), done, total)
                lines = []
            else:
                lines.append(line)
            done += len(line)
        if lines:
            yield HistoryMail(b"".join(lines), done, total)


_DELIVERED = re.compile(r"^([0-9]+)(?:\.M([0-9]+))?")


def delivery_order(key: str) -> tuple[int, int, str]:
    """A Maildir file's place in time: its name begins with the delivery's second, then
    (Dovecot, Python's mailbox, most MDAs) `.M` and the microsecond, not zero-padded: compared
    as numbers, or the mails of one second come in a shuffled order."""
    found = _DELIVERED.match(key)
    if found is None:
        return (0, 0, key)
    return (int(found[1]), int(found[2] or 0), key)


def _maildir(path: Path) -> Iterator[HistoryMail]:
    box = mailbox.Maildir(str(path), factory=None, create=False)
    keys = sorted(box.iterkeys(), key=delivery_order)
    for n, key in enumerate(keys, 1):
        try:
            raw = box.get_bytes(key)
        except (KeyError, FileNotFoundError):
            continue  # taken away meanwhile by the mail client that owns the folder
        yield HistoryMail(raw, n, len(keys))
