"""The Reports screen (R from the list): two weeks of a small desk's history under the fake
clock, as an administrator (ratings shown) and as a staff member who heads nothing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from store import service as sv
from tests.desk import make_desk
from tests.snapshot_apps import LIVE, settle, until
from tui.app import TicketApp

DAY0 = datetime(2026, 11, 7, 8, 0, tzinfo=timezone.utc)
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def build_history(store, clock):
    """Each day a few tickets opened; the earlier ones answered and closed by alice or bob a
    day later; some replies rated. Fixed, so the tables and charts are too."""
    desk = make_desk(store)
    waiting: list[tuple[int, str]] = []
    for day in range(14):
        at = DAY0 + timedelta(days=day)
        for i in range(day % 4 + 1):
            clock.freeze(at + timedelta(minutes=30 * i))
            billing = (day + i) % 3 == 0
            client = desk.mary if i % 2 else desk.john
            tid = desk.open(f"Question {day}.{i}", department="Billing" if billing else
                            "Technical support", client=client)
            waiting.append((tid, "bob" if billing else "alice"))
        answer_now, waiting = waiting[:max(0, len(waiting) - 3)], waiting[-3:]
        for n, (tid, login) in enumerate(answer_now):
            clock.freeze(at + timedelta(hours=6, minutes=20 * n))
            staff = getattr(desk, login)
            token = sv.take(store, staff, tid).token
            reply = sv.reply(store, staff, tid, "Done.", close=n % 3 != 2, token=token).reply_id
            if n % 3 == 2:  # answered, left open
                sv.unlock(store, staff, tid)
            if (tid + day) % 2 == 0:
                client = desk.john if sv.show(store, desk.root, tid).client_email == desk.john.email \
                    else desk.mary
                sv.rate(store, client, reply, "good" if tid % 3 else "bad")
    clock.freeze(NOW)
    return desk


@pytest.fixture
def history(store, clock):
    return build_history(store, clock)


async def reports_ready(pilot):
    from tui.queue.screen import TicketListScreen
    from tui.reports.screen import ReportsScreen

    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, TicketListScreen))
    await settle(pilot)
    await pilot.press("R")
    await until(pilot, lambda: isinstance(app.screen, ReportsScreen) and app.screen.report is not None)
    await settle(pilot)


@pytest.mark.parametrize("who", ["root", "alice"])
def test_reports_screen(shoot, history, who) -> None:
    """Departments and staff tables (ratings only for the administrator), and the charts."""
    app = TicketApp(history.store, getattr(history, who), live_interval=LIVE)
    assert shoot(app, reports_ready)


def _staff_reply(store, ticket_id: int) -> int:
    with store.sql() as q:
        return q.value("SELECT min(id) FROM messages WHERE kind = 'staff' AND ticket_id = :t",
                       {"t": ticket_id})


def test_client_rate_form(shoot, desk) -> None:
    """F2 in the client's ticket: the latest staff reply, Good/Bad, a comment."""
    from tests.tui_snapshots.steps import app_for, table
    from tui.client.home import ClientHomeScreen
    from tui.client.ticket import ClientTicketScreen

    _, t = desk

    async def run_before(pilot) -> None:
        app = pilot.app
        await until(pilot, lambda: isinstance(app.screen, ClientHomeScreen) and table(app).rows
                    and not table(app).fetching)
        assert table(app).select_id(t.thread)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ClientTicketScreen) and app.screen.detail)
        await settle(pilot)
        await pilot.press("f2")
        await until(pilot, lambda: type(app.screen).__name__ == "RateModal")
        await settle(pilot)

    assert shoot(app_for(desk, "john"), run_before)


def test_rated_reply_in_the_staff_thread(shoot, desk) -> None:
    """An administrator sees the client's rating under the rated reply's heading."""
    from tests.tui_snapshots.steps import app_for
    from tui.queue.screen import TicketListScreen
    from tui.ticket.screen import TicketScreen
    from tui.widgets.thread import MessageBox

    d, t = desk
    sv.rate(d.store, d.john, _staff_reply(d.store, t.thread), "bad", "Still down an hour later")

    async def run_before(pilot) -> None:
        app = pilot.app
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen))
        await settle(pilot)
        app.open_ticket(t.thread)
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail
                    and len(app.screen.query(MessageBox)) == len(app.screen.detail.messages))
        await settle(pilot)

    assert shoot(app_for(desk, "root"), run_before)
