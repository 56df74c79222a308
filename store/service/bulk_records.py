"""What a bulk action is given and what it gives back: the selection, the action, and the result
with its one-line summary in the words of the help desk ("38 closed, 2 locked by others: #12
(alice), #40 (bob)"). Plain records; no database here."""

from __future__ import annotations

from array import array
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


class BulkResult(NamedTuple):
    run_id: str
    action: BulkAction
    done: array  # ticket ids, 8 bytes each: a million done tickets are 8 MB, not 36
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
