"""The ticket table's painting: one line of cells per visible row, from the window of rows.

Only the lines on screen are drawn (Textual's Line API): a line's cells are formatted once per
row and minute and kept for a few screens; styles are resolved once per change of CSS; cells
of the same style make one segment.

A part of TicketTable (tui/widgets/ticket_table.py); this uses its columns, rows, top,
cursor, fetching, marked and page_height."""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from store.clock import utcnow
from store.views import TicketRow

from tui.widgets.columns import fit

CELL_CACHE_PAGES = 3  # screens of formatted rows kept (see _cells)


class TicketLines:
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None

    def _paint_styles(self) -> dict[str, Style]:
        """The styles of a line, worked out once (rich_style walks every ancestor, and a
        page of lines asked for it hundreds of times) until the CSS or theme changes."""
        if self._styles is None:
            self._styles = {"base": self.rich_style, **{
                name: self.get_component_rich_style(f"ticket-table--{name}")
                for name in ("header", "cursor", "new", "locked", "dim", "marked", "due-soon",
                             "due-breached")}}
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
        now = utcnow()
        cells = self._cells(row, widths, now)
        styles = [base] * n
        if row.new_since_seen:
            styles = [base + paint["new"]] * n
        for i, column in enumerate(self.columns):
            tone = column.tone(row, now, self.due_warning) if column.tone else None
            if tone:
                styles[i] = styles[i] + paint[tone]
        if row.locked_by and self.columns[0].title == "Lock":
            styles[0] = styles[0] + paint["locked"]
        if row.archived:
            styles = [s + paint["dim"] for s in styles]
        line_style = base
        if self.marked is not None and self.marked(row.id):
            # A mark that needs no colour to be seen; the cached cells stay unmarked.
            cells = [fit(("✓ " + cells[0]).rstrip(), widths[0]), *cells[1:]]
            styles = [s + paint["marked"] for s in styles]
            line_style = base + paint["marked"]
        if index == self.cursor:
            cursor = paint["cursor"]
            styles = [s + cursor for s in styles]
            line_style = line_style + cursor
        return self._strip(cells, styles, line_style, width, widths)

    def _cells(self, row: TicketRow, widths: list[int], now) -> list[str]:
        """The row's cell texts at these widths; kept while the row and the minute (the Wait
        and Due columns) stay the same, so moving the cursor repaints without formatting again."""
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
