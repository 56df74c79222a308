"""The client's home: active tickets with client statuses, and the Archive."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from store import service as sv
from store.errors import StoreError
from store.views import TicketRow

from tui.widgets.columns import CLIENT_COLUMNS
from tui.widgets.ticket_table import Page, TicketTable
from tui.widgets.header import SafeHeader
from tui.widgets.footer import KeysFooter

VIEWS = [("queue", "My tickets"), ("archive", "Archive")]


class ClientHomeScreen(Screen[None]):
    AUTO_FOCUS = "#tickets"
    BINDINGS = [
        Binding("1", "view('queue')", "My tickets", id="client.view_active"),
        Binding("2", "view('archive')", "Archive", id="client.view_archive"),
        Binding("n", "new_ticket", "New ticket", id="client.new_ticket"),
        Binding("r", "refresh", "Refresh", show=False, id="client.refresh"),
        Binding("q", "app.quit", "Quit", show=False, id="client.quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = "queue"
        self._marker: int | None = None

    def compose(self) -> ComposeResult:
        yield SafeHeader()
        yield Static(id="views")
        yield TicketTable(self._fetch, CLIENT_COLUMNS, id="tickets")
        yield Static(id="list-status")
        yield KeysFooter()

    @property
    def table(self) -> TicketTable:
        return self.query_one(TicketTable)

    def on_mount(self) -> None:
        self._show_views()
        self.table.focus()
        self.table.reset()

    def on_screen_resume(self) -> None:
        tables = self.query(TicketTable)  # none yet when first shown, before compose
        if tables and tables.first().loaded:
            self.table.reload()

    def _fetch(self, page: Page) -> list[TicketRow]:
        try:
            if page.whole:
                self._marker = sv.change_marker(self.app.store)
            return sv.list_tickets(self.app.store, self.app.actor, sv.ListSpec(self.view),
                                   limit=page.limit, after=page.after, before=page.before,
                                   start=page.start, last=page.last)
        except StoreError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return []

    @work(thread=True, exclusive=True, group="changes")
    def tickets_changed(self, change) -> None:
        self._check_changes()

    def _check_changes(self) -> None:
        marker = sv.change_marker(self.app.store)
        if self._marker is not None and marker != self._marker:
            self._marker = marker
            self.app.call_from_thread(self.table.reload)

    def action_view(self, view: str) -> None:
        self.view = view
        self._show_views()
        self.table.reset()

    def action_refresh(self) -> None:
        self.table.reload()

    def action_new_ticket(self) -> None:
        from tui.client.new_ticket import NewTicketScreen

        self.app.push_screen(NewTicketScreen(), self._opened)

    def _opened(self, ticket_id: int | None) -> None:
        if ticket_id is not None:
            self.app.notify(f"Ticket #{ticket_id} is open: support will answer here.")
            self.action_view("queue")

    @on(TicketTable.Opened)
    def _open(self, event: TicketTable.Opened) -> None:
        from tui.client.ticket import ClientTicketScreen

        self.app.push_screen(ClientTicketScreen(event.ticket_id))

    @on(TicketTable.Moved)
    def _moved(self, event: TicketTable.Moved) -> None:
        count = "no tickets" if event.row is None else f"row {event.position}"
        self.query_one("#list-status", Static).update(
            Text(f" {dict(VIEWS)[self.view]} · {count} · live", style="dim"))
        self.call_after_refresh(self.app.sweeper.home_painted)

    def _show_views(self) -> None:
        views = Text()
        for i, (key, title) in enumerate(VIEWS, 1):
            views.append(f" {i} {title} ", style="bold reverse" if key == self.view else "")
            views.append(" ")
        self.query_one("#views", Static).update(views)

    def palette_commands(self):
        yield "New ticket", "Write to support", self.action_new_ticket
        for key, title in VIEWS:
            yield title, f"Show {title}", lambda k=key: self.action_view(k)
