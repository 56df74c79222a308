"""The ticket list: renders only the lines on screen from a window of rows fetched by keyset.

The table never holds the whole view. It keeps a bounded window of rows and asks its fetcher
for the next (or previous) page by sort key when the cursor nears an edge, so moving through a
million tickets costs the same as through ten. Home and End fetch the first and the last page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from store.types import utcnow
from store.views import TicketRow

from .columns import STAFF_COLUMNS, Column, fit

WINDOW_MAX = 1500  # rows kept in memory at most


@dataclass(frozen=True)
class Page:
    """What the fetcher is asked for: after a key, before a key, the first page or the last."""

    after: tuple | None = None
    before: tuple | None = None
    start: tuple | None = None  # inclusive: refreshing rows already shown
    last: bool = False
    limit: int = 100
    whole: bool = False  # the whole window is being (re)loaded: a fresh picture of the view


Fetcher = Callable[[Page], list[TicketRow]]


class TicketTable(Widget, can_focus=True):
    """A keyboard-first, virtual list of tickets."""

    DEFAULT_CSS = """
    TicketTable { height: 1fr; }
    TicketTable > .ticket-table--header { text-style: bold; background: $panel; }
    TicketTable > .ticket-table--cursor { background: $accent 40%; }
    TicketTable:focus > .ticket-table--cursor { background: $accent; color: $text; }
    TicketTable > .ticket-table--new { text-style: bold; }
    TicketTable > .ticket-table--locked { color: $warning; }
    TicketTable > .ticket-table--dim { color: $text-muted; }
    """
    COMPONENT_CLASSES = {
        "ticket-table--header", "ticket-table--cursor", "ticket-table--new",
        "ticket-table--locked", "ticket-table--dim",
    }
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

    fetching: reactive[bool] = reactive(False)

    def __init__(self, fetcher: Fetcher, columns: tuple[Column, ...] = STAFF_COLUMNS, *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.fetcher = fetcher
        self.columns = columns
        self.rows: list[TicketRow] = []
        self.top = 0
        self.cursor = 0
        self.at_start = True
        self.at_end = True
        self.first_index: int | None = 0  # absolute index of rows[0], when known
        self.total: int | None = None
        self.loaded = False  # the first page has arrived
        self._pending: Callable[[], None] | None = None
        self._fetching = False

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

    # --- data ---------------------------------------------------------------------------
    def reset(self) -> None:
        """Starts again at the first page (a new view, filter or search)."""
        self.rows, self.top, self.cursor = [], 0, 0
        self.at_start, self.at_end, self.first_index = True, False, 0
        self._request(Page(limit=self.chunk, whole=True), self._replace_all)

    def reload(self) -> None:
        """Refreshes the window in place (others changed something): same start, same ticket."""
        keep_id = self.current.id if self.current else None
        keep_index = self.cursor
        first = self.rows[0].sort_key if self.rows and not self.at_start else None
        page = Page(start=first, limit=max(len(self.rows), self.chunk), whole=True)

        def apply(rows: list[TicketRow]) -> None:
            self.rows = rows
            self.at_end = len(rows) < page.limit
            ids = [r.id for r in rows]
            self.cursor = ids.index(keep_id) if keep_id in ids else min(keep_index, len(rows) - 1)
            self.cursor = max(0, self.cursor)
            self._clamp_top()

        self._request(page, apply, force=True)

    def _request(self, page: Page, apply: Callable[[list[TicketRow]], None], force: bool = False) -> None:
        if self._fetching and not force:
            return
        self._fetching = True
        self.fetching = True

        def work() -> None:
            rows = self.fetcher(page)
            self.app.call_from_thread(self._arrived, rows, apply)

        self.run_worker(work, thread=True, group="ticket-table", exclusive=True, exit_on_error=False)

    def _arrived(self, rows: list[TicketRow], apply: Callable[[list[TicketRow]], None]) -> None:
        self._fetching = False
        self.fetching = False
        self.loaded = True
        apply(rows)
        self.refresh()
        self._announce()
        pending, self._pending = self._pending, None
        if pending:
            pending()

    def _replace_all(self, rows: list[TicketRow]) -> None:
        self.rows = rows
        self.at_end = len(rows) < self.chunk
        self.top = self.cursor = 0

    def _extend_forward(self) -> None:
        if self.at_end or not self.rows:
            return

        def apply(rows: list[TicketRow]) -> None:
            self.rows += rows
            self.at_end = len(rows) < self.chunk
            excess = len(self.rows) - WINDOW_MAX
            if excess > 0:
                del self.rows[:excess]
                self.top, self.cursor = self.top - excess, self.cursor - excess
                self.at_start = False
                self.first_index = None if self.first_index is None else self.first_index + excess

        self._request(Page(after=self.rows[-1].sort_key, limit=self.chunk), apply)

    def _extend_backward(self) -> None:
        if self.at_start or not self.rows:
            return

        def apply(rows: list[TicketRow]) -> None:
            self.rows = rows + self.rows
            self.top, self.cursor = self.top + len(rows), self.cursor + len(rows)
            if len(rows) < self.chunk:
                self.at_start, self.first_index = True, 0
            else:
                self.first_index = None if self.first_index is None else self.first_index - len(rows)
            excess = len(self.rows) - WINDOW_MAX
            if excess > 0:
                del self.rows[-excess:]
                self.at_end = False

        self._request(Page(before=self.rows[0].sort_key, limit=self.chunk), apply)

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
        self._announce()

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
            self.first_index = 0 if self.at_start else (None if self.total is None else self.total - len(rows))
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

    def _announce(self) -> None:
        if not self.rows:
            position = "no tickets"
        elif self.first_index is not None:
            total = f" of {self.total}" if self.total is not None else ""
            position = f"{self.first_index + self.cursor + 1}{total}"
        else:
            position = f"{self.cursor + 1} in window"
        self.post_message(self.Moved(self.current, position))

    # --- painting -----------------------------------------------------------------------
    def _widths(self, width: int) -> list[int]:
        fixed = sum(c.width for c in self.columns)
        rest = max(12, width - fixed - (len(self.columns) - 1))
        shares = [c.share for c in self.columns]
        out = [c.width or rest * c.share // sum(shares) for c in self.columns]
        flexible = [i for i, c in enumerate(self.columns) if not c.width]
        if flexible:
            out[flexible[-1]] += rest - sum(out[i] for i in flexible)
        return out

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        widths = self._widths(width)
        n = len(self.columns)
        if y == 0:
            style = self.get_component_rich_style("ticket-table--header")
            return self._strip([fit(c.title, w) for c, w in zip(self.columns, widths)], [style] * n,
                               style, width)
        index = self.top + y - 1
        base = self.rich_style
        if index >= len(self.rows):
            if not self.rows and y == 1:
                note = "Loading…" if self.fetching else "No tickets here."
                return Strip([Segment(fit(" " + note, width), base)], width)
            return Strip.blank(width, base)
        row = self.rows[index]
        now = utcnow()
        cells = [fit(c.value(row, now).rjust(w) if c.right else c.value(row, now), w)
                 for c, w in zip(self.columns, widths)]
        styles = [base] * n
        if row.new_since_seen:
            styles = [base + self.get_component_rich_style("ticket-table--new")] * n
        if row.locked_by and self.columns[0].title == "Lock":
            styles[0] = styles[0] + self.get_component_rich_style("ticket-table--locked")
        if row.archived:
            styles = [s + self.get_component_rich_style("ticket-table--dim") for s in styles]
        line_style = base
        if index == self.cursor:
            cursor = self.get_component_rich_style("ticket-table--cursor")
            styles = [s + cursor for s in styles]
            line_style = base + cursor
        return self._strip(cells, styles, line_style, width)

    @staticmethod
    def _strip(cells: list[str], styles: list[Style], gap: Style, width: int) -> Strip:
        segments: list[Segment] = []
        for i, (text, style) in enumerate(zip(cells, styles)):
            if i:
                segments.append(Segment(" ", gap))
            segments.append(Segment(text, style))
        used = sum(cell_len(s.text) for s in segments)
        if used < width:
            segments.append(Segment(" " * (width - used), gap))
        return Strip(segments).crop(0, width)
