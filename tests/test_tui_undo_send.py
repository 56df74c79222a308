"""Undo send in the staff TUI: the countdown after Ok and after Send reply, `u` / Ctrl+Z to take
the reply back into the reply pane, and the countdown gone when the time is up."""

from __future__ import annotations

from datetime import timedelta

import pytest

from store import admin
from store import clock as store_clock
from store import service as sv
from tests.desk import Desk
from tests.pilot_wait import until
from tui.app import TicketApp
from tui.queue.screen import TicketListScreen
from tui.ticket.reply_pane import ReplyPane
from tui.ticket.screen import TicketScreen
from tui.ticket.undo_send import SendCountdown
from tui.widgets.ticket_table import TicketTable

SIZE = (120, 40)


@pytest.fixture
def desk(sqlite_desk: Desk) -> Desk:
    admin.set_setting(sqlite_desk.store, "send_delay_seconds", "10")
    return sqlite_desk


def countdown(app) -> str | None:
    found = app.screen.query(SendCountdown)
    if not found or not found.first().display:
        return None
    return str(found.first().render())


async def open_and_take(app, pilot) -> None:
    await until(pilot, lambda: isinstance(app.screen, TicketListScreen)
                and app.screen.query_one(TicketTable).rows)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail)
    await pilot.press("t")
    await until(pilot, lambda: app.focused is not None and app.focused.id == "reply-body")


async def test_ok_then_u_on_the_list_brings_the_reply_back(desk: Desk) -> None:
    tid = desk.open()
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await open_and_take(app, pilot)
        await pilot.press(*"Fixed, sorry!")
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and countdown(app))
        assert f"Your reply to #{tid} reaches the client in" in countdown(app)
        assert sv.peek(desk.store, desk.john, tid).messages[-1].body == "example.com is down"
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.query(ReplyPane))
        await until(pilot, lambda: app.screen.query_one("#reply-body").text == "Fixed, sorry!")
        assert countdown(app) is None
    d = sv.peek(desk.store, desk.root, tid)
    assert d.status == "In progress" and d.locked_by == "alice"
    assert [m.body for m in d.messages] == ["example.com is down"]


async def test_send_reply_ctrl_z_while_typing_and_the_countdown_ends(desk: Desk, monkeypatch) -> None:
    tid = desk.open()
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await open_and_take(app, pilot)
        await pilot.press(*"First answer")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: countdown(app) and app.screen.query_one("#reply-body").text == "")
        await pilot.press(*"PS")  # typing goes on; `u` is a letter here
        await pilot.press("ctrl+z")
        await until(pilot, lambda: app.screen.query_one("#reply-body").text == "First answer\n\nPS")
        assert countdown(app) is None
        await pilot.press("ctrl+s")
        await until(pilot, lambda: countdown(app))
        moment = store_clock.utcnow() + timedelta(seconds=11)
        monkeypatch.setattr(store_clock, "utcnow", lambda: moment)
        await until(pilot, lambda: countdown(app) is None)
        # released: the form shows the reply no longer held
        await until(pilot, lambda: app.screen.detail.messages[-1].held_until is None)
        assert sv.peek(desk.store, desk.john, tid).status == "New messages"
    assert sv.peek(desk.store, desk.john, tid).messages[-1].body == "First answer\n\nPS"


async def test_a_last_tick_or_answer_after_the_app_closed_is_no_crash(desk: Desk) -> None:
    """The countdown's timer and its worker's answer may land while the app closes, when no
    screen is left: they do nothing then (a full run saw ScreenStackError at exit)."""
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen))
    assert not app.screen_stack
    app.held.paint()
    app.held._answered([])
