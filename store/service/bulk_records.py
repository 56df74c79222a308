"""What a bulk action is given and what it gives back: the selection, the action, and the result
with its one-line summary in the words of the help desk ("38 closed, 2 locked by others: #12
(alice), #40 (bob)"). Plain records; no database here."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from ..errors import BadInput
from ..status import PRIORITIES, parse_priority
from .lists import ListSpec

ACTIONS = ("assign", "close", "delay", "priority", "favorite", "unfavorite", "take", "reply")
NAMED_PER_GROUP = 10  # a summary names at most this many tickets of each kind, then "and N more"


class Selection(NamedTuple):
    """Explicit ticket ids, or a list's query (a view, a search, a client filter), never both.
    A query is walked page by page when the action runs: it is never a list of ids in memory.
    excluded: tickets of the query left out (a list marked whole, then a few unmarked)."""

    ids: tuple[int, ...] | None = None
    spec: ListSpec | None = None
    excluded: frozenset[int] = frozenset()

    @classmethod
    def of_ids(cls, ids) -> "Selection":
        unique = tuple(dict.fromkeys(ids))
        if not unique:
            raise BadInput("Select at least one ticket.")
        return cls(ids=unique)

    @classmethod
    def of_list(cls, spec: ListSpec, excluded=()) -> "Selection":
        return cls(spec=spec, excluded=frozenset(excluded))


class BulkAction(NamedTuple):
    """One action with its options: assign (department or staff), delay (until), priority,
    reply (body, a predefined reply's title or a macro's name, close: Ok)."""

    name: str
    department: str | None = None
    staff: str | None = None
    until: datetime | None = None
    priority: str | None = None
    body: str = ""
    template: str | None = None
    close: bool = False
    macro: str | None = None  # reply: a macro's name (its text before body, its actions after)

    def checked(self) -> "BulkAction":
        """Refuses what would fail on every ticket alike, before any ticket is touched."""
        if self.name not in ACTIONS:
            raise BadInput(f"'{self.name}' is not a bulk action; use one of: {', '.join(ACTIONS)}.")
        if self.name == "assign" and bool(self.department) == bool(self.staff):
            raise BadInput("Assign to a department or to a staff member: give exactly one.")
        if self.name == "delay" and self.until is None:
            raise BadInput("Give the date the tickets are delayed until.")
        if self.name == "priority":
            if self.priority is None:
                raise BadInput("Give the priority: low, normal, high or urgent.")
            parse_priority(self.priority)
        if self.macro is not None and (self.name != "reply" or self.template is not None):
            raise BadInput("A macro goes with bulk reply, instead of a predefined reply.")
        if self.name == "reply" and self.template is None and self.macro is None \
                and not self.body.strip() and not self.close:
            raise BadInput("Write the reply, or name a predefined reply.")
        return self

    def done_words(self) -> str:
        if self.name == "priority":
            return f"given {PRIORITIES[parse_priority(self.priority)]} priority"
        if self.name == "reply":
            return "answered and closed" if self.close else "answered"
        return {"assign": f"assigned to {self.department or self.staff}", "close": "closed",
                "delay": "delayed", "favorite": "added to favorites",
                "unfavorite": "removed from favorites", "take": "taken"}[self.name]


class Refusal(NamedTuple):
    """A ticket the action skipped: kind is "locked", "not visible" or "refused"; reason the
    rule's own sentence; holder the login holding the lock (kind "locked")."""

    id: int
    reason: str
    kind: str
    holder: str | None = None


class DoneIds:
    """The ids of the tickets done, in the order done, kept small: each run of consecutive ids
    is two varints (its start's distance from the previous run's end, and its length). A view
    walked in id order with nothing skipped is one run, whatever its size; scattered ids cost
    two or three bytes each instead of eight. Iterating gives back every id."""

    __slots__ = ("_data", "_count", "_start", "_length", "_end")

    def __init__(self, ids=()) -> None:
        self._data, self._count = bytearray(), 0
        self._start, self._length, self._end = None, 0, 0  # the open run; the last kept run's end
        for ticket_id in ids:
            self.append(ticket_id)

    def append(self, ticket_id: int) -> None:
        self._count += 1
        if self._start is not None and ticket_id == self._start + self._length:
            self._length += 1
            return
        self._keep_run()
        self._start, self._length = ticket_id, 1

    def _keep_run(self) -> None:
        if self._start is not None:
            _put_varint(self._data, _zigzag(self._start - self._end))
            _put_varint(self._data, self._length)
            self._end = self._start + self._length - 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self):
        data, at, end = self._data, 0, 0
        while at < len(data):
            gap, at = _get_varint(data, at)
            length, at = _get_varint(data, at)
            start = end + _unzigzag(gap)
            yield from range(start, start + length)
            end = start + length - 1
        if self._start is not None:
            yield from range(self._start, self._start + self._length)

    def __repr__(self) -> str:
        return f"DoneIds({list(self)!r})"


def _zigzag(n: int) -> int:
    return n * 2 if n >= 0 else -n * 2 - 1


def _unzigzag(n: int) -> int:
    return n // 2 if n % 2 == 0 else -(n + 1) // 2


def _put_varint(data: bytearray, n: int) -> None:
    while n >= 0x80:
        data.append(n & 0x7F | 0x80)
        n >>= 7
    data.append(n)


def _get_varint(data: bytearray, at: int) -> tuple[int, int]:
    n = shift = 0
    while True:
        byte = data[at]
        at += 1
        n |= (byte & 0x7F) << shift
        if byte < 0x80:
            return n, at
        shift += 7


class BulkResult(NamedTuple):
    run_id: str
    action: BulkAction
    done: DoneIds  # every id done, compactly: a view's ten thousand in a few bytes
    earlier: int  # how many of done an earlier, interrupted run of the same run id did
    refused: tuple[Refusal, ...]
    stopped: bool
    untouched: int  # selected tickets not reached (stopped); at least, for a live view

    def summary(self) -> str:
        text = f"{len(self.done)} {self.action.done_words()}"
        if self.earlier:
            text += f" ({self.earlier} of them by the earlier run {self.run_id})"
        groups = [("locked", "locked by others"), ("not visible", "not visible to you"),
                  ("refused", "refused")]
        rest = []
        for kind, words in groups:
            these = [r for r in self.refused if r.kind == kind]
            if these:
                named = ", ".join(f"#{r.id} ({r.holder})" if r.holder else f"#{r.id}"
                                  for r in these[:NAMED_PER_GROUP])
                more = len(these) - NAMED_PER_GROUP
                rest.append(f"{len(these)} {words}: {named}" + (f" and {more} more" if more > 0 else ""))
        if self.stopped:
            rest.append(f"stopped, {self.untouched} not touched")
        # "38 closed, 2 locked by others: #12 (alice), #40 (bob); 1 not visible to you: #7"
        return ", ".join([text, "; ".join(rest)]) if rest else text
