"""Steps of the TUI snapshot tests: the app for a desk's staff member or client, and the waits
that bring the list, a ticket, the reply pane or a modal to a steady screen."""

from __future__ import annotations

from textual.widgets import Static

from tests.snapshot_apps import LIVE, screen_name, settle, until
from tui.app import TicketApp
from tui.queue.screen import TicketListScreen
from tui.ticket.reply_pane import ReplyPane
from tui.ticket.screen import TicketScreen
from tui.widgets.thread import MessageBox
from tui.widgets.ticket_table import TicketTable


def app_for(desk, actor="alice") -> TicketApp:
    d, _ = desk
    return TicketApp(d.store, getattr(d, actor) if actor else None, live_interval=LIVE)


def table(app) -> TicketTable:
    return app.screen.query_one(TicketTable)


async def list_ready(pilot, rows: int) -> None:
    """The list screen shows its rows and has counted them."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and len(table(app).rows) == rows
                and table(app).total == rows and not table(app).fetching)
    await until(pilot, lambda: f"of {rows} ·" in str(app.screen.query_one("#list-status", Static).render()))
    await settle(pilot)


async def open_ticket(pilot, ticket_id: int, queue_rows: int = 5) -> TicketScreen:
    """From the queue: the cursor on the ticket, Enter, and wait until the thread is painted."""
    app = pilot.app
    await list_ready(pilot, queue_rows)
    assert table(app).select_id(ticket_id)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail is not None)
    screen = app.screen
    await until(pilot, lambda: len(screen.query(MessageBox)) == len(screen.detail.messages))
    await settle(pilot)
    return screen


async def take(pilot, screen: TicketScreen) -> None:
    await pilot.press("t")
    await until(pilot, lambda: screen.mine and screen.query(ReplyPane)
                and pilot.app.focused is not None and pilot.app.focused.id == "reply-body")
    await settle(pilot)


async def modal(pilot, name: str, ready=lambda screen: True) -> None:
    app = pilot.app
    await until(pilot, lambda: screen_name(app) == name and ready(app.screen))
    await settle(pilot)
