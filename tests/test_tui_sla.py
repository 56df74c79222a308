"""Response targets in the staff TUI, driven with Pilot under a fake clock: the Due column and
its colours, key 7 (the Overdue view), the Due text moving with the clock without reading the
rows again, the due times in the ticket form, and an overdue ticket announced once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Static

from store import service as sv
from store.db import Store
from store.sla import policy
from tests.sla_desk import TECH, build_sla_desk
from tests.snapshot_apps import LIVE, NOW, install_clock, isolate_user_config, settle, until
from tui.app import TicketApp
from tui.queue.screen import TicketListScreen
from tui.ticket.screen import TicketScreen
from tui.widgets.ticket_table import TicketTable

SIZE = (120, 40)


@pytest.fixture
def clock(monkeypatch, tmp_path):
    isolate_user_config(monkeypatch, tmp_path)
    return install_clock(monkeypatch)


@pytest.fixture
def store(sqlite_url):
    s = Store.open(sqlite_url)
    yield s
    s.close()


@pytest.fixture
def sla_desk(store, clock):
    return build_sla_desk(store, clock)


def table(app) -> TicketTable:
    return app.screen.query_one(TicketTable)


def cells(app, ticket_id: int) -> dict[str, str]:
    """The row's cells as painted, by column title."""
    t = table(app)
    y = 1 + t.top + [r.id for r in t.rows].index(ticket_id)
    line = t.render_line(y).text
    widths, out, at = t._widths(t.size.width), {}, 0
    for column, width in zip(t.columns, widths):
        out[column.title] = line[at:at + width].strip()
        at += width + 1
    return out


async def listed(pilot, n: int) -> None:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and table(app).loaded
                and len(table(app).rows) == n and not table(app).fetching)
    await settle(pilot)


async def test_the_due_column_key_7_and_the_overdue_view(sla_desk) -> None:
    desk, t = sla_desk
    app = TicketApp(desk.store, desk.root, live_interval=LIVE)
    async with app.run_test(size=SIZE) as pilot:
        await listed(pilot, 4)
        assert [c.title for c in table(app).columns][3:5] == ["Prio", "Due"]
        due = {tid: cells(app, tid)["Due"] for tid in (t.late, t.soon, t.later, t.untargeted)}
        assert due == {t.late: "30m late", t.soon: "in 40m", t.later: "in 3h", t.untargeted: ""}
        bar = str(app.screen.query_one("#list-bar").render_line(0).text)
        assert "7 Overdue" in bar
        await pilot.press("7")
        await listed(pilot, 2)
        assert [r.id for r in table(app).rows] == [t.late, t.soon]  # soonest due first
        status = str(app.screen.query_one("#list-status", Static).render())
        assert status.startswith(" Overdue ·")
        assert "Overdue" in [title for title, *_ in app.screen.palette_commands()]


async def test_the_due_text_follows_the_clock_without_reading_the_rows_again(
        sla_desk, clock, monkeypatch) -> None:
    monkeypatch.setattr(TicketTable, "DUE_REPAINT_SECONDS", 0.05)
    desk, t = sla_desk
    app = TicketApp(desk.store, desk.root, live_interval=LIVE)
    async with app.run_test(size=SIZE) as pilot:
        await listed(pilot, 4)
        fetches = []
        fetcher = table(app).fetcher
        table(app).fetcher = lambda page: fetches.append(page) or fetcher(page)
        assert cells(app, t.soon)["Due"] == "in 40m"
        clock.freeze(NOW + timedelta(minutes=45))
        await until(pilot, lambda: cells(app, t.soon)["Due"] == "5m late")
        assert cells(app, t.late)["Due"] == "1h late" and fetches == []


async def test_a_desk_without_targets_shows_no_due_column_and_7_an_empty_view(
        store, clock) -> None:
    from tests.desk import make_desk

    desk = make_desk(store)
    desk.open()
    clock.freeze(NOW)
    app = TicketApp(store, desk.alice, live_interval=LIVE)
    async with app.run_test(size=SIZE) as pilot:
        await listed(pilot, 1)
        assert "Due" not in [c.title for c in table(app).columns]
        assert "Overdue" not in str(app.screen.query_one("#list-bar").render_line(0).text)
        await pilot.press("7")
        await listed(pilot, 0)
        assert "7 Overdue" in str(app.screen.query_one("#list-bar").render_line(0).text)
        # A first policy shows the column at the next reading of the whole list.
        policy.set_policy(store, TECH, None, 60)
        await pilot.press("1")
        await until(pilot, lambda: "Due" in [c.title for c in table(app).columns])


async def test_the_ticket_form_shows_the_due_times(sla_desk, clock) -> None:
    desk, t = sla_desk
    app = TicketApp(desk.store, desk.alice, live_interval=LIVE)
    async with app.run_test(size=SIZE) as pilot:
        await listed(pilot, 3)
        assert table(app).select_id(t.late)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail)
        info = str(app.screen.query_one("#info", Static).render())
        assert "Response targets: first response due 11:30 (30m late)" in info
        clock.freeze(NOW + timedelta(minutes=30))
        app.overdue.tick()  # what the app's 30-second timer does
        assert "first response due 11:30 (1h late)" in str(app.screen.query_one("#info", Static).render())
        clock.freeze(NOW)
        await pilot.press("escape")
        await listed(pilot, 3)
        assert table(app).select_id(t.later)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail)
        info = str(app.screen.query_one("#info", Static).render())
        assert "first response due 15:50 (in 3h)" in info and "late" not in info


def overdue_notes(app) -> list[str]:
    return [n.message for n in app._notifications if "is overdue" in n.message]


async def test_a_ticket_of_the_queue_that_becomes_overdue_is_announced_once(sla_desk, clock) -> None:
    desk, t = sla_desk
    policy.set_policy(desk.store, "Billing", None, 30)  # Billing's is not alice's queue
    clock.freeze(NOW)
    sv.client_reply(desk.store, desk.john, t.untargeted, "Any news?")  # Billing's clock starts
    app = TicketApp(desk.store, desk.alice, live_interval=LIVE)
    async with app.run_test(size=SIZE) as pilot:
        await listed(pilot, 3)
        app.overdue.check()  # nothing became overdue since the TUI opened (t.late was before)
        await settle(pilot)
        assert overdue_notes(app) == []
        clock.freeze(NOW + timedelta(minutes=41))  # t.soon was due at NOW + 40
        app.overdue.check()
        await until(pilot, lambda: overdue_notes(app))
        clock.freeze(NOW + timedelta(minutes=42))  # this look reaches back over that due again
        app.overdue.check()
        await settle(pilot)
        assert overdue_notes(app) == [f"Ticket #{t.soon} is overdue: first response was due 12:40"]


async def test_a_narrow_terminal_still_shows_the_due_column(sla_desk) -> None:
    """The line is cut on the right when the columns don't fit: Due sits after Prio."""
    desk, t = sla_desk
    app = TicketApp(desk.store, desk.root, live_interval=LIVE)
    async with app.run_test(size=(80, 24)) as pilot:
        await listed(pilot, 4)
        assert cells(app, t.late)["Due"] == "30m late"
        assert "30m late" in table(app).render_line(1).text
