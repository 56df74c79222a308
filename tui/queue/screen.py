"""The home screen: the ticket list, its views, the client filter, search, and live refresh."""

from __future__ import annotations

from concurrent.futures import Future

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from store import service as sv
from store.errors import StoreError
from store.safe_text import printable
from store.sla.watch import DueDisplay, due_display
from store.views import TicketRow

from tui.queue.first_page import ready as ready_first_page
from tui.runtime.safe import for_markup
from tui.widgets.ticket_table import Page, TicketTable
from tui.widgets.header import SafeHeader
from tui.widgets.footer import KeysFooter
from tui.queue.bar import ListBar
from tui.queue.marking import MARK_BINDINGS, Marking

# Counting stops here: a million tickets read "10,000+" at once instead of after seconds.
COUNT_AT_MOST = 10_000
SEARCH_COUNT_AT_MOST = 500  # a search's count walks the view, checking ticket after ticket

VIEWS = [("queue", "Support tickets"), ("all", "All tickets"), ("favorites", "Favorites"),
         ("delayed", "Delayed"), ("abuse", "Abuse"), ("archive", "Archive"), ("overdue", "Overdue")]
# Shown in the views' bar only on a desk with response targets (or while chosen): elsewhere the
# view is always empty. Its key works everywhere.
TARGET_VIEWS = ("overdue",)


class TicketListScreen(Marking, Screen[None]):
    AUTO_FOCUS = "#tickets"
    BINDINGS = [
        Binding("1", "view('queue')", "Queue", id="list.view_queue"),
        Binding("2", "view('all')", "All", id="list.view_all"),
        Binding("3", "view('favorites')", "Favorites", id="list.view_favorites"),
        Binding("4", "view('delayed')", "Delayed", id="list.view_delayed"),
        Binding("5", "view('abuse')", "Abuse", id="list.view_abuse"),
        Binding("6", "view('archive')", "Archive", show=False, id="list.view_archive"),
        # Not in the footer: at 120 columns it would push "? Keys" out (the views' bar shows it).
        Binding("7", "view('overdue')", "Overdue", show=False, id="list.view_overdue"),
        Binding("slash", "search", "Search", id="list.search"),
        Binding("c", "filter_client", "Filter by client", id="list.filter_client"),
        Binding("C", "clear_filter", "Clear filter", show=False, id="list.clear_filter"),
        Binding("r", "refresh", "Refresh", show=False, id="list.refresh"),
        Binding("o", "settings", "Settings", show=False, id="list.settings"),
        Binding("M", "failed_mail", "Failed mail", show=False, id="list.failed_mail"),
        Binding("R", "reports", "Reports", show=False, id="list.reports"),
        Binding("L", "rules", "Rules", show=False, id="list.rules"),
        Binding("q", "app.quit", "Quit", show=False, id="list.quit"),
        *MARK_BINDINGS,
    ]

    def __init__(self, first_page: Future | None = None) -> None:
        """first_page: the queue's first page being read already (tui/queue/first_page.py)."""
        super().__init__()
        self._first_page = first_page
        self._shown = False
        self.spec = sv.ListSpec("queue")
        self._marker: int | None = None
        self._position = ""
        self._count_due = False
        self._due: DueDisplay | None = None  # response targets: the Due column, if any

    def compose(self) -> ComposeResult:
        yield SafeHeader()
        yield ListBar(id="list-bar")
        yield TicketTable(self._fetch, id="tickets")
        yield Static(id="list-status")
        yield KeysFooter()

    async def on_mount(self) -> None:
        self._start_marking()
        self._show_bar()
        self.table.focus()
        first, self._first_page = await ready_first_page(self._first_page), None
        if first is not None:
            self._marker = first.marker
            self._show_due(first.due)
        self.table.reset(first.rows if first is not None else None)
        self._recount()
        self.set_timer(0.5, self._warm_up)

    def _warm_up(self) -> None:
        self.app.warm_up_ticket_form()

    @property
    def table(self) -> TicketTable:
        return self.query_one(TicketTable)

    def on_screen_resume(self) -> None:
        # Also sent when first shown (before or after the table is composed, with its first
        # page read already or not): nothing to reload then.
        if not self._shown:
            self._shown = True
            return
        tables = self.query(TicketTable)
        if tables and tables.first().loaded:
            # Back from a ticket or a dialog: the rows are read again (the ticket just read is
            # no longer new to its reader), counted again only if a ticket changed meanwhile.
            self._check_changes(reload_anyway=True)

    # --- data (worker threads) ----------------------------------------------------------
    def _fetch(self, page: Page) -> list[TicketRow]:
        try:
            if page.whole:  # taken before the rows: a change in between is seen next time
                self._marker = sv.change_marker(self.app.store)
                due = due_display(self.app.store)
                if due != self._due:
                    self.app.call_from_thread(self._show_due, due)
            return sv.list_tickets(self.app.store, self.app.actor, self.spec, limit=page.limit,
                                   after=page.after, before=page.before, start=page.start,
                                   last=page.last)
        except StoreError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return []

    @work(thread=True, exclusive=True, group="count")
    def _count(self) -> None:
        spec = self.spec
        at_most = SEARCH_COUNT_AT_MOST if spec.search else COUNT_AT_MOST
        try:
            total = sv.count_tickets(self.app.store, self.app.actor, spec, at_most=at_most)
        except StoreError:
            return
        self.app.call_from_thread(self._set_total, spec, min(total, at_most), total <= at_most)

    def _set_total(self, spec: sv.ListSpec, total: int, exact: bool) -> None:
        if spec != self.spec:  # counted for a list no longer shown
            return
        self.table.total, self.table.total_exact = total, exact
        self.table.announce()  # "row 1 of N", whether the rows or the count came first
        self._show_status()

    def tickets_changed(self, change) -> None:
        """Someone changed tickets (tui/runtime/live.py): a new ticket may belong in this list too."""
        self._check_changes()

    @work(thread=True, exclusive=True, group="changes")
    def _check_changes(self, reload_anyway: bool = False) -> None:
        """Others' changes appear without a keypress: a one-row query, then a window reload and
        a recount; the count (it walks up to COUNT_AT_MOST rows) only when something changed.
        reload_anyway: the rows are read again even if nothing did."""
        try:
            marker = sv.change_marker(self.app.store)
        except StoreError:
            if reload_anyway:  # the reload tells what is wrong
                self.app.call_from_thread(self._reload, True)
            return  # (an outage is told by the live feed)
        changed = self._marker is not None and marker != self._marker
        if changed:
            self._marker = marker
        if changed or reload_anyway:
            self.app.call_from_thread(self._reload, changed)

    def _reload(self, recount: bool) -> None:
        self.table.reload()
        if recount:
            self._recount()

    # --- actions ------------------------------------------------------------------------
    def action_view(self, view: str) -> None:
        self.spec = sv.ListSpec(view, self.spec.client_email, self.spec.search)
        self._apply()

    async def action_search(self) -> None:
        boxes = self.query("#search")
        if boxes:
            box = boxes.first()
        else:  # made on first use: Textual's Input takes ~15 ms to import and style
            from textual.widgets import Input

            box = Input(placeholder="Search subjects and messages; Enter to search, Esc to cancel",
                        id="search")
            await self.mount(box, before=self.table)
        box.display = True
        box.value = self.spec.search or ""
        box.focus()

    def on_input_submitted(self, event) -> None:
        if event.input.id != "search":
            return
        event.input.display = False
        self.spec = sv.ListSpec(self.spec.view, self.spec.client_email, event.value.strip() or None)
        self.table.focus()
        self._apply()

    def action_escape(self) -> None:
        boxes = self.query("#search")
        if boxes and boxes.first().display:
            boxes.first().display = False
            self.table.focus()
        elif self.clear_marks():
            pass
        elif self.spec.search:
            self.spec = sv.ListSpec(self.spec.view, self.spec.client_email, None)
            self._apply()

    def action_filter_client(self) -> None:
        row = self.table.current
        if row is not None:
            self.set_client_filter(row.client_email)

    def set_client_filter(self, email: str | None) -> None:
        self.spec = sv.ListSpec(self.spec.view, email, self.spec.search)
        self._apply()

    def action_clear_filter(self) -> None:
        self.set_client_filter(None)

    def action_settings(self) -> None:
        from tui.modals import SettingsModal

        self.app.push_screen(SettingsModal(), lambda _: self.table.refresh())

    def action_failed_mail(self) -> None:
        if not self.app.actor.is_admin:
            self.notify("Only an administrator can see failed mail.", severity="warning")
            return
        from tui.modals import FailedMailModal

        self.app.push_screen(FailedMailModal())

    def action_reports(self) -> None:
        self.app.open_reports()

    def action_rules(self) -> None:
        if not self.app.actor.is_admin:
            self.notify("Only an administrator manages the response rules.", severity="warning")
            return
        self.app.open_rules()

    def action_refresh(self) -> None:
        self._reload(recount=True)

    def _apply(self) -> None:
        self.marks.list_changed(self.spec)
        self._show_bar()
        self.table.total = None
        self.table.reset()
        self._recount()

    def _recount(self) -> None:
        """Counts once the rows are on screen: run beside the first page, the count (a
        longer walk) would slow the page down, and the page is what the reader waits for."""
        self._count_due = True

    @on(TicketTable.Opened)
    def _open(self, event: TicketTable.Opened) -> None:
        self.app.open_ticket(event.ticket_id)

    @on(TicketTable.Moved)
    def _moved(self, event: TicketTable.Moved) -> None:
        self._position = event.position
        self._show_status()
        if self._count_due and not self.table.fetching:
            self._count_due = False
            # After the rows are painted: on two cores the count's thread slowed the first
            # paint of a million-ticket queue by ~40 ms.
            self.call_after_refresh(self._count)
            self.call_after_refresh(self.app.sweeper.home_painted)

    # --- painting -----------------------------------------------------------------------
    def _show_due(self, due: DueDisplay) -> None:
        """The desk's response targets: the Due column and the Overdue view's place in the bar."""
        self._due = due
        self.table.show_due(due.warning if due.in_use else None)
        self._show_bar()

    def _show_bar(self) -> None:
        views = Text()
        targets = self._due is not None and self._due.in_use
        for i, (key, title) in enumerate(VIEWS, 1):
            if key in TARGET_VIEWS and not targets and key != self.spec.view:
                continue
            style = "bold reverse" if key == self.spec.view else ""
            views.append(f" {i} {title} ", style=style)
            views.append(" ")
        chips = []
        if self.spec.client_email:
            chips.append(Text(f" client: {printable(self.spec.client_email, one_line=True)} ✕ ",
                              style="reverse"))
        if self.spec.search:
            chips.append(Text(f" search: {printable(self.spec.search, one_line=True)} ",
                              style="reverse"))
        self.query_one(ListBar).show(views, [*self.marks_chip(), *chips])

    def _show_status(self) -> None:
        total = self.table.total
        if total is None:
            counted = "counting…"
        else:
            counted = f"{total:,}{'' if self.table.total_exact else '+'} tickets"
        title = dict(VIEWS)[self.spec.view]
        # One line of fixed size: repainting it needs no new layout of the screen (which would
        # repaint everything, on every cursor move).
        self.query_one("#list-status", Static).update(
            Text(f" {title} · {counted} · row {self._position} · live", style="dim"), layout=False)

    def palette_commands(self):
        for i, (key, title) in enumerate(VIEWS, 1):
            yield title, f"Show the {title} view", lambda k=key: self.action_view(k)
        yield "Search", "Search subjects and messages", self.action_search
        yield "Settings", "Theme, density, reading width, time format", self.action_settings
        yield "Reports", "The desk's figures and charts for a period", self.action_reports
        if self.app.actor.is_admin:
            yield "Failed mail", "Mail the desk could not take in", self.action_failed_mail
            yield "Rules", "The response rules: what happens to new tickets", self.action_rules
        if self.table.current:
            yield ("Filter by client", f"Only {for_markup(self.table.current.client_email)}'s tickets",
                   self.action_filter_client)
            yield "Open", f"Open ticket #{self.table.current.id}", self.table.action_open
        yield "Mark all", "Mark every ticket of this list for a bulk action", self.action_mark_all
        if self.marks:
            yield "Bulk actions", f"Act on the tickets marked ({self.marks.words()})", self.action_bulk
        if self.spec.client_email:
            yield "Clear client filter", "Show every client's tickets", self.action_clear_filter
