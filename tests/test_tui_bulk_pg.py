"""A bulk action from the TUI on PostgreSQL (issue 20): the app acts with the agent's own login
role, row security and all; a ticket locked by another is skipped and named."""

from __future__ import annotations

import pytest

from store import service as sv
from tests.desk import Desk
from tests.personal import own_store, personal_desk
from tests.test_tui_bulk import SIZE, list_of, marked_ids, run_menu
from tui.app import TicketApp

pytestmark = pytest.mark.pg


@pytest.fixture
def pg_desk(pg_url, monkeypatch) -> Desk:
    desk = personal_desk(pg_url, monkeypatch)
    yield desk
    desk.store.close()


async def test_close_on_postgresql_skips_and_names_the_ticket_carol_holds(pg_desk: Desk) -> None:
    desk = pg_desk
    free, held, other = desk.open(subject="Free"), desk.open(subject="Held"), desk.open(subject="Also")
    sv.take(desk.store, desk.carol, held)
    app = TicketApp(own_store(desk.store, desk.alice), desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        assert await run_menu(pilot, ["c"], rows=3, marks=3) == f"2 closed, 1 locked by others: #{held} (carol)"
        await pilot.press("enter")
        screen = await list_of(pilot, 1)
        assert marked_ids(screen) == [held]
    details = [sv.peek(desk.store, desk.root, i) for i in (free, held, other)]
    assert [d.locked_by for d in details] == [None, "carol", None]
    assert details[0].status == details[2].status == "Awaiting response from client"
