"""The client area driven with Pilot: statuses, reading, replying, archiving, opening tickets."""

from __future__ import annotations

import subprocess
import sys

import pytest

from store import admin
from store import service as sv
from tests.desk import Desk
from tests.personal import own_store, personal_desk
from tests.test_tui_workflow import SIZE, table, until
from tui.app import TicketApp
from tui.client.home import ClientHomeScreen
from tui.client.new_ticket import NewTicketScreen
from tui.client.ticket import ClientTicketScreen


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def desk(request, monkeypatch) -> Desk:
    """On PostgreSQL the client area runs with the client's own login role (tests/personal.py)."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_desk")
        return
    found = personal_desk(request.getfixturevalue("pg_url"), monkeypatch)
    yield found
    found.store.close()


def statuses(app) -> dict[int, str]:
    return {r.id: r.status for r in table(app).rows}


async def test_the_client_reads_a_reply_and_the_status_follows(desk: Desk) -> None:
    tid, token = desk.taken()
    sv.reply(desk.store, desk.alice, tid, "Fixed on our side.", internal="secret note", close=True,
             token=token)
    app = TicketApp(own_store(desk.store, desk.john), desk.john, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ClientHomeScreen) and table(app).rows)
        assert statuses(app) == {tid: "New messages"}
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ClientTicketScreen) and app.screen.detail)
        bodies = [m.body for m in app.screen.detail.messages]
        assert "Fixed on our side." in bodies and "secret note" not in bodies
        shown = " ".join(str(w.render()) for w in app.screen.query(".message"))
        assert "secret note" not in shown and "System" not in shown
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ClientHomeScreen) and statuses(app) == {tid: "Reviewed"})
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ClientTicketScreen) and app.screen.detail)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: isinstance(app.screen, ClientHomeScreen))
        await until(pilot, lambda: table(app).rows == [])
        await pilot.press("2")
        await until(pilot, lambda: statuses(app) == {tid: "In archive"})
    assert sv.peek(desk.store, desk.root, tid).status == "In archive"


async def test_archive_is_refused_while_in_progress_with_the_reason(desk: Desk) -> None:
    tid = desk.open()
    app = TicketApp(own_store(desk.store, desk.john), desk.john, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ClientHomeScreen) and table(app).rows)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ClientTicketScreen) and app.screen.detail)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: "In progress" in str(app.screen.query_one("#reply-error").render()))
    assert sv.peek(desk.store, desk.root, tid).archived_at is None


async def test_the_client_replies_and_support_sees_it(desk: Desk) -> None:
    tid, token = desk.taken()
    sv.reply(desk.store, desk.alice, tid, "Which domain?", close=True, token=token)
    app = TicketApp(own_store(desk.store, desk.john), desk.john, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ClientHomeScreen) and table(app).rows)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ClientTicketScreen) and app.screen.detail)
        await pilot.press(*"example.com, thanks")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen.detail.messages[-1].body == "example.com, thanks")
    d = sv.peek(desk.store, desk.root, tid)
    assert d.status == "In progress" and d.messages[-1].kind == "client"


async def test_opening_a_ticket_from_the_client_area(desk: Desk) -> None:
    app = TicketApp(own_store(desk.store, desk.john), desk.john, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ClientHomeScreen))
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NewTicketScreen)
                    and app.screen.query_one("#department")._options[1:])
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Choose a department" in str(app.screen.query_one("#modal-error").render()))
        app.screen.query_one("#department").value = "Billing"
        app.screen.query_one("#subject").value = "Invoice question"
        app.screen.query_one("#body").load_text("Why was I charged twice?")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ClientHomeScreen) and table(app).rows)
        assert [r.subject for r in table(app).rows] == ["Invoice question"]
    assert sv.list_tickets(desk.store, desk.bob)[0].subject == "Invoice question"


async def test_a_staff_reply_from_another_process_shows_up_as_new_messages(desk: Desk) -> None:
    tid, _ = desk.taken()
    admin.set_setting(desk.store, "send_delay_seconds", "0")  # (the other process: no hold)
    app = TicketApp(own_store(desk.store, desk.john), desk.john, live_interval=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ClientHomeScreen) and table(app).rows)
        assert statuses(app) == {tid: "In progress"}
        done = subprocess.run(
            [sys.executable, "-m", "ticket_tui", "--db", desk.store.url, "--as", "alice",
             "ticket", "reply", str(tid), "--body", "Answered from another terminal"],
            capture_output=True, text=True, timeout=60,
        )
        assert done.returncode == 0, done.stderr
        await until(pilot, lambda: statuses(app) == {tid: "New messages"}, timeout=3.0)
