"""Ratings in the TUI, driven with Pilot: the client rates a reply with F2 (on PostgreSQL with
their own login role); the staff thread shows the rating to a head of the department, not to
the reply's author."""

from __future__ import annotations

import pytest

from store import service as sv
from tests.desk import Desk
from tests.personal import own_store, personal_desk
from tests.test_tui_workflow import SIZE, table, until
from tui.app import TicketApp
from tui.client.home import ClientHomeScreen
from tui.client.ticket import ClientTicketScreen
from tui.queue.screen import TicketListScreen
from tui.ticket.screen import TicketScreen
from tui.widgets.thread import MessageBox


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def desk(request, monkeypatch) -> Desk:
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_desk")
        return
    found = personal_desk(request.getfixturevalue("pg_url"), monkeypatch)
    yield found
    found.store.close()


def answered(desk: Desk) -> tuple[int, int]:
    tid, token = desk.taken()
    reply = sv.reply(desk.store, desk.alice, tid, "Fixed on our side.", token=token).reply_id
    return tid, reply


async def test_the_client_rates_the_latest_reply_with_f2(desk: Desk) -> None:
    tid, reply = answered(desk)
    app = TicketApp(own_store(desk.store, desk.john), desk.john, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ClientHomeScreen) and table(app).rows)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ClientTicketScreen) and app.screen.detail)
        await pilot.press("f2")
        await until(pilot, lambda: type(app.screen).__name__ == "RateModal")
        app.screen.query_one("#rate-verdict").value = "bad"
        app.screen.query_one("#rate-comment").value = "Still slow [bold]really[/]"
        await pilot.click("#rate")
        await until(pilot, lambda: isinstance(app.screen, ClientTicketScreen))
    assert sv.my_ratings(desk.store, desk.john, tid) == {
        reply: sv.Rating(reply, False, "Still slow [bold]really[/]")}


async def test_the_client_is_told_when_there_is_nothing_to_rate(desk: Desk) -> None:
    desk.open()
    app = TicketApp(own_store(desk.store, desk.john), desk.john, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ClientHomeScreen) and table(app).rows)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ClientTicketScreen) and app.screen.detail)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ClientTicketScreen)
        assert any("nothing to rate" in str(n.message) for n in app._notifications)


async def shown_thread(desk: Desk, staff, tid: int) -> str:
    app = TicketApp(own_store(desk.store, staff), staff, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen))
        app.open_ticket(tid)
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail
                    and len(app.screen.query(MessageBox)) == len(app.screen.detail.messages))
        return " ".join(str(box.render()) for box in app.screen.query(MessageBox))


@pytest.mark.parametrize("viewer, sees", [("carol", True), ("root", True), ("alice", False)])
async def test_the_staff_thread_marks_a_rated_reply_for_heads_only(desk: Desk, viewer, sees) -> None:
    tid, reply = answered(desk)
    sv.rate(desk.store, desk.john, reply, "good", "[red]Quick![/] \x1b[31m")
    shown = await shown_thread(desk, getattr(desk, viewer), tid)
    assert ("Rated good by the client: [red]Quick![/]" in shown) is sees  # literally
    assert "\x1b" not in shown
