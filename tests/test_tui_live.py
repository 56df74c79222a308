"""The TUI on a shared PostgreSQL store: others' changes pushed to the open form, an outage
shown calmly, and what is typed meanwhile kept (in a local spool) until the database is back."""

from __future__ import annotations

import pytest
from textual.widgets import TextArea

from store import service as sv
from tests.desk import Desk
from tests.personal import own_store, personal_desk
from tests.test_tui_workflow import SIZE, until
from tui.runtime import draft_spool
from tui.app import TicketApp
from tui.queue.screen import TicketListScreen
from tui.ticket.reply_pane import ReplyPane
from tui.widgets.thread import MessageBox
from tui.ticket.screen import TicketScreen

pytestmark = pytest.mark.pg


@pytest.fixture
def pg_desk(pg_url, monkeypatch) -> Desk:
    """Each person acts with their own login role, the apps too (tests/personal.py)."""
    desk = personal_desk(pg_url, monkeypatch)
    yield desk
    desk.store.close()


def notified(app, title: str) -> bool:
    return any(n.title == title for n in app._notifications)


async def open_form(pilot, app, tid: int) -> TicketScreen:
    await until(pilot, lambda: isinstance(app.screen, TicketListScreen))
    app.push_screen(TicketScreen(tid))
    await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail)
    return app.screen


async def test_a_client_message_appears_in_the_open_form_without_a_keypress(pg_desk: Desk) -> None:
    tid = pg_desk.open(subject="Pushed", body="first")
    app = TicketApp(own_store(pg_desk.store, pg_desk.alice), pg_desk.alice, live_interval=30)  # no polling to help
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, tid)
        sv.client_reply(pg_desk.store, pg_desk.john, tid, "second, from another machine")
        await until(pilot, lambda: any("second, from another machine" in str(b.render())
                                       for b in form.query(MessageBox)), timeout=5.0)


async def test_an_outage_keeps_what_is_typed_and_saves_it_when_the_database_is_back(
        pg_desk: Desk, pg_cluster) -> None:
    tid, _ = pg_desk.taken(staff=pg_desk.alice)
    database = pg_desk.store.engine.url.database
    app = TicketApp(own_store(pg_desk.store, pg_desk.alice), pg_desk.alice, live_interval=30)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, tid)
        await until(pilot, lambda: form.query(ReplyPane))
        body = form.query_one("#reply-body", TextArea)
        body.focus()
        await pilot.press(*"Before. ")
        await until(pilot, lambda: (sv.get_draft(pg_desk.store, pg_desk.alice, tid) or
                                    type("", (), {"body": ""})).body == "Before. ")
        # The server refuses this database and drops every connection to it: an outage.
        pg_cluster.admin_sql(f"ALTER DATABASE {database} ALLOW_CONNECTIONS false")
        pg_cluster.admin_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             f"WHERE datname = '{database}' AND pid <> pg_backend_pid()")
        try:
            await until(pilot, lambda: notified(app, "Database unreachable"), timeout=10.0)
            await pilot.press(*"During.")
            who = f"StaffActor:{pg_desk.alice.id}"
            await until(pilot, lambda: draft_spool.take(app.store.url, who, tid) is not None,
                        timeout=10.0)
            assert draft_spool.take(app.store.url, who, tid).body == "Before. During."
            assert app.is_running and isinstance(app.screen, TicketScreen)
        finally:
            pg_cluster.admin_sql(f"ALTER DATABASE {database} ALLOW_CONNECTIONS true")
        await until(pilot, lambda: notified(app, "Reconnected"), timeout=10.0)
        await until(pilot, lambda: draft_spool.take(app.store.url, who, tid) is None, timeout=10.0)
        assert sv.get_draft(pg_desk.store, pg_desk.alice, tid).body == "Before. During."
        assert body.text == "Before. During."


async def test_a_spooled_draft_comes_back_when_the_ticket_is_opened_again(pg_desk: Desk) -> None:
    """An outage ended the session before the store took the draft: the next opening gives it
    to the store and shows it."""
    tid, _ = pg_desk.taken(staff=pg_desk.alice)
    who = f"StaffActor:{pg_desk.alice.id}"
    mine = own_store(pg_desk.store, pg_desk.alice)
    draft_spool.keep(mine.url, who, tid, "typed during the outage", "note")
    app = TicketApp(mine, pg_desk.alice, live_interval=30)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, tid)
        await until(pilot, lambda: form.query(ReplyPane)
                    and form.query_one("#reply-body", TextArea).text == "typed during the outage")
        assert form.query_one("#internal", TextArea).text == "note"
    assert draft_spool.take(app.store.url, who, tid) is None
    assert sv.get_draft(pg_desk.store, pg_desk.alice, tid).body == "typed during the outage"
