"""The state machine's model of the rules: tickets, messages, outcomes, and what a search matches."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from store.errors import StoreError


@dataclass
class TicketModel:
    client: str  # email
    subject: str
    department: int
    responsible: int | None = None
    holders: dict[tuple[str, int], bool] = field(default_factory=dict)  # ("dept"|"staff", id)
    locker: int | None = None
    token: str | None = None
    archived: bool = False
    delayed: datetime | None = None
    priority: int = 2  # normal
    unread: list[int] = field(default_factory=list)  # staff replies the client has not read
    summary: str = ""
    abuse: int = 0
    merged_into: int | None = None  # a merged ticket's stub: where it went

    @property
    def is_open(self) -> bool:
        return any(self.holders.values())


@dataclass
class MessageModel:
    ticket: int
    kind: str
    body: str
    files: list[bytes]
    edits: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    ok: bool
    value: object = None
    error: StoreError | None = None


def subject_ok(subject: str) -> bool:
    s = subject.strip()
    return bool(s) and len(s) <= 200 and not any(c in s for c in "\r\n\x00")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_PLAIN_WORD = re.compile(r"[A-Za-z0-9]+|[^\W\d_]+")


def plain_words(text: str) -> list[str]:
    """The words of a text every tokenizer agrees on: pieces between ASCII spaces, tabs and
    newlines that are all ASCII letters and digits, or all letters."""
    return [w for w in re.split(r"[ \t\n]+", text) if w and _PLAIN_WORD.fullmatch(w)
            and (w.isascii() or all(unicodedata.category(c) in ("Lu", "Ll") for c in w))]


def fold(text: str) -> str:
    """Case and accents folded: what a search may treat as the same letters."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()
