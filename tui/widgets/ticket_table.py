"""The ticket list: renders only the lines on screen from a window of rows fetched by keyset.

The table never holds the whole view. It keeps a bounded window of rows and asks its fetcher
for the next (or previous) page by sort key when the cursor nears an edge, so moving through a
million tickets costs the same as through ten. Home and End fetch the first and the last page.
"""

from __future__ import annotations

from collections.abc import Callable
from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget
from typing import NamedTuple

from store.clock import utcnow
from store.views import TicketRow

from tui.widgets.columns import STAFF_COLUMNS, Column, fit

WINDOW_MAX = 1500  # rows kept in memory at most
CELL_CACHE_PAGES = 3  # screens of formatted rows kept (see _cells)


class Page(NamedTuple):
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
        self._styles: dict[str, Style] | None = None  # resolved once per style change
        self._widths_for: tuple[int, list[int]] = (-1, [])
        self._cell_cache: dict[tuple, tuple] = {}

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
    def reset(self, first: list[TicketRow] | None = None) -> None:
        """Starts again at the first page (a new view, filter or search); first: that page,
        read already (as many rows as a chunk asks for)."""
        self.rows, self.top, self.cursor = [], 0, 0
        self.at_start, self.at_end, self.first_index = True, False, 0
        if first is not None:
            self._generation += 1
            self._pending = None
            self._arrived(first, self._replace_all, self._generation)
            return
        self._request(Page(limit=self.chunk, whole=True), self._replace_all, force=True)

    def reload(self) -> None:
        """Refreshes what is on screen in place (others changed something, or the reader is
        back from a ticket): same place, same ticket. The window is read again from a chunk
        above the screen to a chunk below it; rows further off are let go (the prefetch reads
        them again if the reader goes there), so a reload after long scrolling reads ~140 rows,
        not the whole window."""
        keep_id = self.current.id if self.current else None
        drop = max(0, min(self.top - self.chunk, len(self.rows) - 1))  # rows let go above
        first = self.rows[drop].sort_key if self.rows and (drop or not self.at_start) else None
        page = Page(start=first, limit=self.top - drop + self.page_height + self.chunk, whole=True)
        keep_index, top = self.cursor - drop, self.top - drop

        def apply(rows: list[TicketRow]) -> None:
            self.rows = rows
            self.at_end = len(rows) < page.limit
            if drop:
                self.at_start = False
                self.first_index = None if self.first_index is None else self.first_index + drop
            ids = [r.id for r in rows]
            self.cursor = ids.index(keep_id) if keep_id in ids else min(keep_index, len(rows) - 1)
            self.cursor, self.top = max(0, self.cursor), top
            self._clamp_top()

        self._request(page, apply, force=True)

    def _request(self, page: Page, apply: Callable[[list[TicketRow]], None], force: bool = False) -> None:
        """Fetches a page in a worker thread. A forced request (a new or refreshed list)
        supersedes any fetch still running: what that one brings back is dropped."""
        if self._fetching and not force:
            return
        if force:
            self._generation += 1
            self._pending = None
        generation = self._generation
        self._fetching = True
        self.fetching = True

        def work() -> None:
            try:
                rows = self.fetcher(page)
            except Exception as error:  # noqa: BLE001 - the list must not wait for it forever
                self.app.call_from_thread(self._failed, generation, error)
                return
            self.app.call_from_thread(self._arrived, rows, apply, generation)

        self.run_worker(work, thread=True, group="ticket-table", exit_on_error=False)

    def _failed(self, generation: int, error: Exception) -> None:
        if generation != self._generation:
            return
        self._fetching = self.fetching = False
        self._pending = None
        self.app.notify(f"The list could not be read: {error}", severity="error", markup=False)

    def _arrived(self, rows: list[TicketRow], apply: Callable[[list[TicketRow]], None],
                 generation: int | None = None) -> None:
        if generation is not None and generation != self._generation:
            return  # superseded by a newer list
        self._fetching = False
        self.fetching = False
        self.loaded = True
        before = self._on_screen()
        apply(rows)
        if self._on_screen() != before:  # rows fetched ahead change nothing on screen
            self.refresh()
        self.announce()
        pending, self._pending = self._pending, None
        if pending:
            pending()
        else:
            self.call_after_refresh(self._prefetch)  # once these rows are on screen

    def _on_screen(self) -> tuple:
        """What the visible lines show: to skip repainting when that did not change."""
        return (tuple(self.rows[self.top:self.top + self.page_height]), self.current, len(self.rows) == 0)

    def _prefetch(self) -> None:
        """Keeps a few pages beyond the screen in the window, both ways, so moving never waits
        for the store: the next page is asked for while the reader is still on this one."""
        if self._fetching or not self.rows:
            return
        margin = 3 * self.page_height
        if not self.at_end and len(self.rows) - 1 - self.cursor <= margin:
            self._extend_forward()
        elif not self.at_start and self.cursor <= margin:
            self._extend_backward()

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

    # --- painting -----------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None

    def _paint_styles(self) -> dict[str, Style]:
        """The styles of a line, worked out once (rich_style walks every ancestor, and a
        page of lines asked for it hundreds of times) until the CSS or theme changes."""
        if self._styles is None:
            self._styles = {"base": self.rich_style, **{
                name: self.get_component_rich_style(f"ticket-table--{name}")
                for name in ("header", "cursor", "new", "locked", "dim")}}
        return self._styles

    def _widths(self, width: int) -> list[int]:
        if self._widths_for[0] == width:
            return self._widths_for[1]
        self._widths_for = (width, self._column_widths(width))
        return self._widths_for[1]

    def _column_widths(self, width: int) -> list[int]:
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
        paint = self._paint_styles()
        if y == 0:
            style = paint["header"]
            return self._strip([fit(c.title.rjust(w) if c.right else c.title, w)
                               for c, w in zip(self.columns, widths)], [style] * n,
                               style, width)
        index = self.top + y - 1
        base = paint["base"]
        if index >= len(self.rows):
            if not self.rows and y == 1:
                note = "Loading…" if self.fetching else "No tickets here."
                return Strip([Segment(fit(" " + note, width), base)], width)
            return Strip.blank(width, base)
        row = self.rows[index]
        cells = self._cells(row, widths)
        styles = [base] * n
        if row.new_since_seen:
            styles = [base + paint["new"]] * n
        if row.locked_by and self.columns[0].title == "Lock":
            styles[0] = styles[0] + paint["locked"]
        if row.archived:
            styles = [s + paint["dim"] for s in styles]
        line_style = base
        if index == self.cursor:
            cursor = paint["cursor"]
            styles = [s + cursor for s in styles]
            line_style = base + cursor
        return self._strip(cells, styles, line_style, width, widths)

    def _cells(self, row: TicketRow, widths: list[int]) -> list[str]:
        """The row's cell texts at these widths; kept while the row and the minute (the Wait
        column) stay the same, so moving the cursor repaints without formatting again."""
        now = utcnow()
        key = (id(row), now.replace(second=0, microsecond=0))
        hit = self._cell_cache.get(key)
        if hit is not None and hit[0] is row and hit[1] is widths:
            return hit[2]
        cells = [fit(c.value(row, now).rjust(w) if c.right else c.value(row, now), w)
                 for c, w in zip(self.columns, widths)]
        # Bounded to a few screens: the cache holds its rows, which would otherwise outlive the
        # window (pages scrolled past, earlier searches: ~1 MB after a reading session).
        if len(self._cell_cache) > CELL_CACHE_PAGES * self.page_height:
            self._cell_cache.clear()
        self._cell_cache[key] = (row, widths, cells)
        return cells

    @staticmethod
    def _strip(cells: list[str], styles: list[Style], gap: Style, width: int,
               widths: list[int] | None = None) -> Strip:
        """One line of cells already fitted to their widths. Neighbouring cells of the same
        style make one segment (most lines are one segment): fewer segments for Textual to
        crop, filter and style is most of what a page of lines costs to paint."""
        used = (sum(widths) if widths is not None else sum(map(cell_len, cells))) + len(cells) - 1
        parts: list[tuple[str, Style]] = []
        for i, (text, style) in enumerate(zip(cells, styles)):
            if i:
                parts.append((" ", gap))
            parts.append((text, style))
        if used < width:
            parts.append((" " * (width - used), gap))
        segments: list[Segment] = []
        texts: list[str] = []
        current: Style | None = None
        for text, style in parts:
            if style is not current and texts:
                segments.append(Segment("".join(texts), current))
                texts = []
            current = style
            texts.append(text)
        if texts:
            segments.append(Segment("".join(texts), current))
        strip = Strip(segments)
        return strip.crop(0, width) if used > width else strip
