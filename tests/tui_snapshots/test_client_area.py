"""Snapshots of the client area: a client's tickets, one ticket's thread, a new ticket."""

from __future__ import annotations

from tests.snapshot_apps import settle, until
from tests.tui_snapshots.steps import app_for, table


async def client_home_ready(pilot, rows: int) -> None:
    from tui.client.home import ClientHomeScreen

    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, ClientHomeScreen) and len(table(app).rows) == rows
                and not table(app).fetching)
    await settle(pilot)


def test_client_home(shoot, desk) -> None:
    """John's tickets with the client area's own status words; the archived one is not here."""
    async def run_before(pilot) -> None:
        await client_home_ready(pilot, 4)

    assert shoot(app_for(desk, "john"), run_before)


def test_client_ticket(shoot, desk) -> None:
    """The thread as the client sees it: no internal comment, no system message."""
    from tui.client.ticket import ClientTicketScreen

    _, t = desk

    async def run_before(pilot) -> None:
        await client_home_ready(pilot, 4)
        assert table(pilot.app).select_id(t.thread)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, ClientTicketScreen)
                    and pilot.app.screen.detail is not None)
        await settle(pilot)

    assert shoot(app_for(desk, "john"), run_before)


def test_client_new_ticket(shoot, desk) -> None:
    from tui.client.new_ticket import NewTicketScreen

    async def run_before(pilot) -> None:
        await client_home_ready(pilot, 4)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(pilot.app.screen, NewTicketScreen)
                    and pilot.app.screen.query_one("#department")._options[1:])
        await settle(pilot)

    assert shoot(app_for(desk, "john"), run_before)
