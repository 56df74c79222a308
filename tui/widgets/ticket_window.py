"""The ticket table's window of rows: which rows it holds and how it fetches more.

The table never holds the whole view. It keeps a bounded window of rows and asks its fetcher
for the next (or previous) page by sort key when the cursor nears an edge, so moving through a
million tickets costs the same as through ten. Fetches run in a worker thread; a new or
refreshed list supersedes a fetch still running.

A part of TicketTable (tui/widgets/ticket_table.py), which moves the cursor and paints; this
uses its rows, top, cursor, chunk, page_height, fetching, refresh(), announce() and
_clamp_top()."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from store.views import TicketRow

WINDOW_MAX = 1500  # rows kept in memory at most


class Page(NamedTuple):
    """What the fetcher is asked for: after a key, before a key, the first page or the last."""

    after: tuple | None = None
    before: tuple | None = None
    start: tuple | None = None  # inclusive: refreshing rows already shown
    last: bool = False
    limit: int = 100
    whole: bool = False  # the whole window is being (re)loaded: a fresh picture of the view


Fetcher = Callable[[Page], list[TicketRow]]


class RowWindow:
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
