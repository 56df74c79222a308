"""The ticket list: a keyboard-first, virtual table of tickets (the staff queue and the client
area both show it). Renders only the lines on screen from a bounded window of rows fetched by
keyset; Home and End fetch the first and the last page.

Three jobs, three files: this one moves the cursor and tells where it is; the window of rows
and its fetching are RowWindow (tui/widgets/ticket_window.py); painting the lines is
TicketLines (tui/widgets/ticket_lines.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from store.views import TicketRow

from tui.widgets.columns import STAFF_COLUMNS, Column, with_due
from tui.widgets.ticket_lines import CELL_CACHE_PAGES, TicketLines
from tui.widgets.ticket_window import WINDOW_MAX, Fetcher, Page, RowWindow

__all__ = ["CELL_CACHE_PAGES", "WINDOW_MAX", "Page", "TicketTable"]


class TicketTable(RowWindow, TicketLines, Widget, can_focus=True):
    """A keyboard-first, virtual list of tickets."""

    DEFAULT_CSS = """
    TicketTable { height: 1fr; }
    TicketTable > .ticket-table--header { text-style: bold; background: $panel; }
    TicketTable > .ticket-table--cursor { background: $accent 40%; }
    TicketTable:focus > .ticket-table--cursor { background: $accent; color: $text; }
    TicketTable > .ticket-table--new { text-style: bold; }
    TicketTable > .ticket-table--locked { color: $warning; }
    TicketTable > .ticket-table--dim { color: $text-muted; }
    TicketTable > .ticket-table--marked { background: $secondary 20%; }
    TicketTable > .ticket-table--due-soon { color: $warning; }
    TicketTable > .ticket-table--due-breached { color: $error; text-style: bold; }
    """
    COMPONENT_CLASSES = {
        "ticket-table--header", "ticket-table--cursor", "ticket-table--new",
        "ticket-table--locked", "ticket-table--dim", "ticket-table--marked",
        "ticket-table--due-soon", "ticket-table--due-breached",
    }
    DUE_REPAINT_SECONDS = 30  # the Due and Wait texts follow the clock (cells change each minute)
    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("home,g", "first", "First", show=False, id="list.first"),
        Binding("end,G", "last", "Last", show=False, id="list.last"),
        Binding("enter", "open", "Open", id="list.open"),
    ]

    class Opened(Message):
        def __init__(self, ticket_id: int) -> None:
            super().__init__()
            self.ticket_id = ticket_id

    class Moved(Message):
        """The cursor moved or the rows changed: position text for a status line."""

        def __init__(self, row: TicketRow | None, position: str) -> None:
            super().__init__()
            self.row = row
            self.position = position

    # Only the "Loading…" line shows it: no repaint of the whole table each time rows are
    # fetched ahead of the reader (watch_fetching repaints when the table is empty).
    fetching: reactive[bool] = reactive(False, repaint=False)

    def watch_fetching(self) -> None:
        if not self.rows:
            self.refresh()

    def __init__(self, fetcher: Fetcher, columns: tuple[Column, ...] = STAFF_COLUMNS, *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.fetcher = fetcher
        self.columns = columns
        self._plain_columns = columns
        self.due_warning = timedelta(hours=1)  # a due this near is "soon" (show_due)
        self._due_timer = None
        # Whether a ticket is marked for a bulk action (the staff list sets it): such a row
        # starts with ✓ and takes the marked style.
        self.marked: Callable[[int], bool] | None = None
        self.rows: list[TicketRow] = []
        self.top = 0
        self.cursor = 0
        self.at_start = True
        self.at_end = True
        self.first_index: int | None = 0  # absolute index of rows[0], when known
        self.total: int | None = None
        self.total_exact = True  # False: total is a lower bound ("10,000+")
        self.loaded = False  # the first page has arrived
        self._pending: Callable[[], None] | None = None
        self._fetching = False
        self._generation = 0  # bumped by each new or refreshed list
        self._styles: dict | None = None  # Rich styles by part, resolved once per style change
        self._widths_for: tuple[int, list[int]] = (-1, [])
        self._cell_cache: dict[tuple, tuple] = {}

    def show_due(self, warning: timedelta | None) -> None:
        """The Due column (after Prio) with this warning window, or none (None: a desk without
        response targets). While shown, the visible lines are repainted every
        DUE_REPAINT_SECONDS: each row keeps its due moment, and its text ("in 42m", "3m late")
        and colour come from the clock, so time moves on screen without reading rows again."""
        columns = with_due(self._plain_columns) if warning is not None else self._plain_columns
        if warning is not None:
            self.due_warning = warning
        if columns != self.columns:
            self.columns = columns
            self._widths_for, self._cell_cache = (-1, []), {}
        if warning is not None and self._due_timer is None:
            self._due_timer = self.set_interval(self.DUE_REPAINT_SECONDS, self.refresh)
        elif warning is None and self._due_timer is not None:
            self._due_timer.stop()
            self._due_timer = None
        self.refresh()

    # --- geometry -----------------------------------------------------------------------
    @property
    def page_height(self) -> int:
        return max(1, self.size.height - 1)

    @property
    def current(self) -> TicketRow | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    @property
    def chunk(self) -> int:
        return max(100, self.page_height * 3)

    # --- movement -----------------------------------------------------------------------
    def _move_to(self, index: int) -> None:
        if not self.rows:
            return
        if index >= len(self.rows) - 1 and not self.at_end:
            self._pending = lambda: self._move_to(index)
            self._extend_forward()
            index = len(self.rows) - 1
        elif index < 0 and not self.at_start:
            self._pending = lambda: self._move_to(index + self.chunk)
            self._extend_backward()
            index = 0
        self.cursor = max(0, min(index, len(self.rows) - 1))
        self._clamp_top()
        self.refresh()
        self.announce()
        # Fetching ahead starts once this move is on screen: its work in the worker thread
        # would otherwise compete with the repaint for the interpreter.
        self.call_after_refresh(self._prefetch)

    def _clamp_top(self) -> None:
        h = self.page_height
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + h:
            self.top = self.cursor - h + 1
        self.top = max(0, min(self.top, max(0, len(self.rows) - h)))

    def action_cursor_down(self) -> None:
        self._move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self._move_to(self.cursor - 1)

    def action_page_down(self) -> None:
        self.top += self.page_height
        self._move_to(self.cursor + self.page_height)

    def action_page_up(self) -> None:
        self.top = max(0, self.top - self.page_height)
        self._move_to(self.cursor - self.page_height)

    def action_first(self) -> None:
        if self.at_start:
            self._move_to(0)
        else:
            self.reset()

    def action_last(self) -> None:
        if self.at_end:
            self._move_to(len(self.rows) - 1)
            return

        def apply(rows: list[TicketRow]) -> None:
            self.rows, self.at_end = rows, True
            self.at_start = len(rows) < self.chunk
            known = self.total is not None and self.total_exact
            self.first_index = 0 if self.at_start else (self.total - len(rows) if known else None)
            self.cursor = len(rows) - 1
            self._clamp_top()

        self._request(Page(last=True, limit=self.chunk, whole=True), apply, force=True)

    def action_open(self) -> None:
        if self.current:
            self.post_message(self.Opened(self.current.id))

    def select_id(self, ticket_id: int) -> bool:
        for i, row in enumerate(self.rows):
            if row.id == ticket_id:
                self._move_to(i)
                return True
        return False

    def on_click(self, event: events.Click) -> None:
        index = self.top + event.y - 1
        if event.y >= 1 and index < len(self.rows):
            if index == self.cursor and event.chain >= 2:
                self.action_open()
            self._move_to(index)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self._move_to(self.cursor + 3)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._move_to(self.cursor - 3)

    def on_resize(self) -> None:
        self._clamp_top()

    def announce(self) -> None:
        if not self.rows:
            position = "no tickets"
        elif self.first_index is not None:
            total = ""
            if self.total is not None:
                total = f" of {self.total:,}" if self.total_exact else f" of {self.total:,}+"
            position = f"{self.first_index + self.cursor + 1:,}{total}"
        else:
            position = f"{self.cursor + 1:,} in window"
        self.post_message(self.Moved(self.current, position))

