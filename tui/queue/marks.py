"""The tickets marked in the list for a bulk action (issue 20).

Two shapes, never a view's ids in memory: a few tickets marked one by one (their ids), or a
whole list marked with `*` (its query) minus the tickets unmarked since (their ids). What the
store is given is a Selection of either shape (store/service/bulk_records.py)."""

from __future__ import annotations

from collections.abc import Iterable

from store import service as sv


class Marks:
    def __init__(self) -> None:
        self.whole: sv.ListSpec | None = None  # `*`: every ticket of this list...
        self.ids: set[int] = set()  # ...except these; or, without whole, just these
        self.whole_total: int | None = None  # the list's count when marked whole (counted apart)

    def __bool__(self) -> bool:
        return self.whole is not None or bool(self.ids)

    def holds(self, ticket_id: int) -> bool:
        return (ticket_id not in self.ids) if self.whole is not None else ticket_id in self.ids

    def mark(self, ticket_id: int, on: bool = True) -> None:
        # Under `*` the ids are the exceptions: marking removes one, unmarking adds one.
        if on != (self.whole is not None):
            self.ids.add(ticket_id)
        else:
            self.ids.discard(ticket_id)

    def toggle(self, ticket_id: int) -> None:
        self.mark(ticket_id, not self.holds(ticket_id))

    def mark_whole(self, spec: sv.ListSpec) -> None:
        self.whole, self.ids, self.whole_total = spec, set(), None

    def clear(self) -> None:
        self.whole, self.ids, self.whole_total = None, set(), None

    def forget(self, ticket_ids: Iterable[int]) -> None:
        """Tickets done: no longer marked (marks made one by one; a whole list stays marked)."""
        if self.whole is None:
            self.ids.difference_update(ticket_ids)

    def list_changed(self, spec: sv.ListSpec) -> None:
        """Another view, filter or search: a whole list's marks were of the list that went."""
        if self.whole is not None and spec != self.whole:
            self.clear()

    @property
    def count(self) -> int | None:
        """How many are marked; None while a whole list is being counted."""
        if self.whole is None:
            return len(self.ids)
        if self.whole_total is None:
            return None
        return max(0, self.whole_total - len(self.ids))

    def words(self) -> str:
        """For the bar: "12 marked", "all 1,000,002 marked", "all but 2 of 1,000,002 marked"."""
        if self.whole is None:
            return f"{len(self.ids):,} marked"
        if self.whole_total is None:
            return "all marked (counting…)"
        if self.ids:
            return f"all but {len(self.ids):,} of {self.whole_total:,} marked"
        return f"all {self.whole_total:,} marked"

    def selection(self) -> sv.Selection:
        if self.whole is not None:
            return sv.Selection.of_list(self.whole, excluded=self.ids)
        return sv.Selection.of_ids(sorted(self.ids))
