"""Marking tickets in the list and acting on them all at once (issue 20): space, shift+↑/↓,
`*` (the whole list, as a query), Esc; `b` opens the bulk actions. The store runs the action,
one transaction per ticket (store/service/bulk.py); this is the face.

A part of TicketListScreen (tui/queue/screen.py); this uses its table, spec, app, _show_bar()
and _reload()."""

from __future__ import annotations

from textual import work
from textual.binding import Binding

from store import service as sv
from store.errors import StoreError

from tui.queue.marks import Marks

MARK_BINDINGS = [
    # Not in the footer (its line stays as it was); the bar names `b` once tickets are marked.
    Binding("space", "mark", "Mark or unmark", show=False, id="list.mark"),
    Binding("shift+down", "extend(1)", "Mark on down", show=False, id="list.mark_down"),
    Binding("shift+up", "extend(-1)", "Mark on up", show=False, id="list.mark_up"),
    Binding("asterisk", "mark_all", "Mark the whole list", show=False, id="list.mark_all"),
    Binding("escape", "escape", "Clear the marks (or the search)", show=False, id="list.escape"),
    Binding("b", "bulk", "Bulk actions on the marked", show=False, id="list.bulk"),
]


class Marking:
    marks: Marks

    def _start_marking(self) -> None:
        self.marks = Marks()
        self._stopped: tuple | None = None  # (selection, action, run id) of a run stopped
        self.table.marked = self.marks.holds

    def action_mark(self) -> None:
        row = self.table.current
        if row is not None:
            self.marks.toggle(row.id)
            self._marks_changed()

    def action_extend(self, step: int) -> None:
        """Marks the ticket under the cursor and the next one up or down, and moves there:
        held down, shift+↓ marks a run of tickets."""
        table = self.table
        if table.current is None:
            return
        self.marks.mark(table.current.id)
        following = table.cursor + step
        if 0 <= following < len(table.rows):
            self.marks.mark(table.rows[following].id)
        table.action_cursor_down() if step > 0 else table.action_cursor_up()
        self._marks_changed()

    def action_mark_all(self) -> None:
        """Every ticket of the list as it is filtered now, however many: its query, not its ids."""
        self.marks.mark_whole(self.spec)
        self._marks_changed()
        self._count_marked(self.spec)

    @work(thread=True, exclusive=True, group="count-marked")
    def _count_marked(self, spec: sv.ListSpec) -> None:
        try:
            total = sv.count_tickets(self.app.store, self.app.actor, spec)  # exact: it is what we act on
        except StoreError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        self.app.call_from_thread(self._marked_counted, spec, total)

    def _marked_counted(self, spec: sv.ListSpec, total: int) -> None:
        if self.marks.whole == spec:
            self.marks.whole_total = total
            self._show_bar()

    def clear_marks(self) -> bool:
        """Esc: clears the marks; False when there were none (Esc then does its other jobs)."""
        if not self.marks:
            return False
        self.marks.clear()
        self._marks_changed()
        return True

    def _marks_changed(self) -> None:
        self._show_bar()
        self.table.refresh()

    def marks_chip(self) -> list:
        from rich.text import Text

        return [Text(f" {self.marks.words()} · b acts ", style="bold reverse")] if self.marks else []

    # --- the bulk action ----------------------------------------------------------------
    def action_bulk(self) -> None:
        if not self.marks:
            self.notify("Mark tickets first: space marks one, shift+↓ a run, * the whole list.",
                        markup=False)
            return
        from tui.modals import BulkMenu

        self.app.push_screen(BulkMenu(self.marks.words()), self._chosen)

    def _chosen(self, action: sv.BulkAction | None) -> None:
        if action is None:
            return
        from tui.modals import BulkRunModal

        selection = self.marks.selection()
        # The same action on the same marks after a stop goes on where it stopped: the store
        # skips what that run id did already (its tickets are not done twice, nor walked again
        # by hand here).
        run_id = None
        if self._stopped is not None and self._stopped[:2] == (selection, action):
            run_id = self._stopped[2]
        self.app.push_screen(BulkRunModal(selection, action, self.marks.count, run_id), self._ran)

    def _ran(self, result: sv.BulkResult | None) -> None:
        if result is None:  # it could not start (told already)
            return
        from tui.modals import BulkSummaryModal

        self._stopped = (self.marks.selection(), result.action, result.run_id) if result.stopped else None
        # What is left to do stays marked: the skipped tickets (a few, named in the result);
        # after a stop, the rest too (a whole list stays marked whole).
        if not result.stopped:
            self.marks.clear()
            for refusal in result.refused:
                self.marks.mark(refusal.id)
        else:
            self.marks.forget(result.done)
        self._show_bar()
        self._reload(recount=True)
        self.app.push_screen(BulkSummaryModal(result))
