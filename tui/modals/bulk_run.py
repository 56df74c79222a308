"""A bulk action running (n of N, a key to stop it between two tickets) and its summary:
"38 closed, 2 locked by others: #12 (alice), #40 (bob)" and each skipped ticket's reason.

The store runs it (store/service/bulk.py: one transaction per ticket) in a worker thread; its
stop is an event it looks at between two tickets, so each ticket is done or untouched."""

from __future__ import annotations

import threading

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from store import service as sv
from store.errors import StoreError

from tui.runtime.safe import text
from tui.modals.base import Modal

REPAINT_SECONDS = 0.25  # the count's repaint: often enough to see it move, rarely enough to cost
# little (at 0.1 s a run through the TUI took visibly longer than the store's own, on 2 cores)
BAR_CELLS = 50  # a bar of plain characters: Textual's ProgressBar cost the run ~15% more time
SHOWN_REFUSALS = 200  # the summary lists at most this many skipped tickets' reasons
DOING = {"assign": "Assigning", "close": "Closing", "delay": "Delaying", "priority": "Setting priority of",
         "favorite": "Adding to favorites", "unfavorite": "Removing from favorites", "take": "Taking",
         "reply": "Answering"}


class BulkRunModal(Modal):
    """Dismissed with the BulkResult once the run ends (done or stopped), None if it could not
    start (the reason is told)."""

    BINDINGS = [Binding("escape,s", "stop", "Stop", id="bulk.stop")]

    def __init__(self, selection: sv.Selection, action: sv.BulkAction, planned: int | None,
                 run_id: str | None = None) -> None:
        """run_id: a stopped run's, to go on with it."""
        super().__init__()
        self.selection, self.action, self.planned, self.run_id = selection, action, planned, run_id
        self.stop = threading.Event()
        self.reached: tuple[int, int | None] = (0, planned)  # written by the worker, read by a timer
        self._shown: tuple | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static(f"{DOING[self.action.name]} the marked tickets…", classes="modal-title")
            yield Static(id="bulk-count")
            yield Static("s or Esc stops it between two tickets: each is done or untouched.",
                         id="bulk-hint", classes="hint")

    def on_mount(self) -> None:
        self._show()
        self.set_interval(REPAINT_SECONDS, self._show)
        self.run_worker(self._run, thread=True, group="bulk", exit_on_error=True)

    def _run(self) -> None:
        app = self.app
        try:
            result = sv.run_bulk(app.store, app.actor, self.selection, self.action,
                                 run_id=self.run_id, progress=self.progressed, stop=self.stop)
        except StoreError as error:
            app.call_from_thread(self._failed, error)
            return
        app.call_from_thread(self.dismiss, result)

    def progressed(self, done: int, total: int) -> None:
        """After each ticket (in the worker): kept for the next repaint, not a call per ticket
        into the UI thread, which would make the run wait for the screen."""
        self.reached = (done, total)

    def _show(self) -> None:
        done, total = self.reached
        shown = (done, total, self.stop.is_set())
        if shown == self._shown:
            return
        self._shown = shown
        if total:
            filled = BAR_CELLS * min(done, total) // total
            line = f"{'█' * filled}{'░' * (BAR_CELLS - filled)}  {done:,} of {total:,}"
        else:
            line = f"{done:,}"
        self.query_one("#bulk-count", Static).update(line + (" · stopping…" if self.stop.is_set() else ""))

    def action_stop(self) -> None:
        self.stop.set()
        self._show()

    def action_dismiss_none(self) -> None:  # Esc stops; the run's end dismisses
        self.action_stop()

    def _failed(self, error: StoreError) -> None:
        self.app.notify(str(error), severity="error", timeout=10, markup=False)
        self.dismiss(None)


class BulkSummaryModal(Modal):
    """What was done, what was skipped and why; Enter or Esc closes it."""

    BINDINGS = [Binding("enter", "dismiss_none", "Close", id="bulk.summary_close")]
    DEFAULT_CSS = "#bulk-refusals { height: auto; max-height: 16; margin: 1 0; }"

    def __init__(self, result: sv.BulkResult) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        result = self.result
        with Vertical(classes="modal-box wide"):
            yield Static("Bulk action stopped" if result.stopped else "Bulk action done",
                         classes="modal-title")
            yield Static(text(result.summary()), id="bulk-summary")
            if result.refused:
                reasons = Text()
                for r in result.refused[:SHOWN_REFUSALS]:
                    reasons.append(f"#{r.id}: ", style="bold")
                    reasons.append_text(text(r.reason, one_line=True))
                    reasons.append("\n")
                if len(result.refused) > SHOWN_REFUSALS:
                    reasons.append(f"and {len(result.refused) - SHOWN_REFUSALS:,} more", style="dim")
                reasons.rstrip()
                with VerticalScroll(id="bulk-refusals"):
                    yield Static(reasons)
            if result.stopped:
                yield Static("What was not done stays marked: b and the same action go on where "
                             "it stopped.", classes="hint")
            elif result.refused:
                yield Static("The tickets skipped stay marked.", classes="hint")
            with Horizontal(classes="modal-buttons"):
                yield Button("Close ⏎", id="close", variant="primary")

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)
