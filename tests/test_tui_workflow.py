"""The staff TUI driven with Pilot: open, take, type, Ok, next ticket; asserting on the store."""

from __future__ import annotations

import pytest

from store import service as sv
from tests.desk import Desk
from tests.pilot_wait import until
from tui.app import TicketApp
from tui.queue.screen import TicketListScreen
from tui.ticket.reply_pane import ReplyPane
from tui.ticket.screen import TicketScreen
from tui.widgets.ticket_table import TicketTable

SIZE = (120, 40)


@pytest.fixture
def desk(sqlite_desk: Desk) -> Desk:
    return sqlite_desk


def table(app) -> TicketTable:
    return app.screen.query_one(TicketTable)


async def test_open_take_reply_ok_and_land_on_the_next_ticket(desk: Desk) -> None:
    first, second = desk.open(subject="First"), desk.open(subject="Second")
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and table(app).rows)
        assert [r.id for r in table(app).rows] == [first, second]
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail)
        assert not app.screen.query(ReplyPane)  # viewing shows no reply pane
        await pilot.press("t")
        await until(pilot, lambda: app.screen.query(ReplyPane) and app.focused and app.focused.id == "reply-body")
        await pilot.press(*"Fixed, sorry!")
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and len(table(app).rows) == 1)
        assert table(app).current.id == second
    d = sv.peek(desk.store, desk.root, first)
    assert d.status == "Awaiting response from client" and d.locked_by is None
    assert [(m.kind, m.body) for m in d.messages][-1] == ("staff", "Fixed, sorry!")
    assert sv.get_draft(desk.store, desk.alice, first) is None


async def test_send_reply_keeps_it_locked_and_cancel_keeps_the_draft(desk: Desk) -> None:
    tid = desk.open()
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and table(app).rows)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail)
        await pilot.press("t")
        await until(pilot, lambda: app.focused is not None and app.focused.id == "reply-body")
        await pilot.press(*"On it.")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(app.screen.detail.messages) == 2)
        await pilot.press(*"Half-written")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen))
        await until(pilot, lambda: sv.get_draft(desk.store, desk.alice, tid) is not None)
    d = sv.peek(desk.store, desk.root, tid)
    assert d.locked_by == "alice" and d.status == "In progress"
    assert sv.get_draft(desk.store, desk.alice, tid).body == "Half-written"


async def test_a_draft_is_restored_on_reopen(desk: Desk) -> None:
    tid, _ = desk.taken()
    sv.save_draft(desk.store, desk.alice, tid, "Dear John, as promised", "note to self")
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and table(app).rows)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.query(ReplyPane))
        await until(pilot, lambda: app.screen.query_one("#reply-body").text == "Dear John, as promised")
        assert app.screen.query_one("#internal").text == "note to self"


async def test_taking_over_asks_first_then_records_it(desk: Desk) -> None:
    tid, _ = desk.taken(staff=desk.alice)
    app = TicketApp(desk.store, desk.carol, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and table(app).rows)
        assert table(app).current.locked_by == "alice"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail)
        await pilot.press("t")
        await until(pilot, lambda: type(app.screen).__name__ == "ConfirmTakeOver")
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.mine)
    d = sv.peek(desk.store, desk.root, tid)
    assert d.locked_by == "carol" and "taken over by Carol Jones" in d.messages[-1].body


async def test_views_search_and_client_filter(desk: Desk) -> None:
    a = desk.open(subject="SSL expired")
    b = desk.open(subject="Invoice", client=desk.mary)
    sv.set_favorite(desk.store, desk.alice, b, True)
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and len(table(app).rows) == 2)
        await pilot.press("3")
        await until(pilot, lambda: [r.id for r in table(app).rows] == [b])
        await pilot.press("2", "slash", *"ssl", "enter")
        await until(pilot, lambda: [r.id for r in table(app).rows] == [a])
        await pilot.press("escape")
        await until(pilot, lambda: len(table(app).rows) == 2)
        table(app).select_id(b)
        await pilot.press("c")
        await until(pilot, lambda: [r.id for r in table(app).rows] == [b])
        await pilot.press("C")
        await until(pilot, lambda: len(table(app).rows) == 2)


async def test_changes_by_others_appear_without_a_keypress(desk: Desk) -> None:
    desk.open(subject="First")
    app = TicketApp(desk.store, desk.alice, live_interval=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and len(table(app).rows) == 1)
        second = desk.open(subject="Second")  # as if from another terminal
        await until(pilot, lambda: len(table(app).rows) == 2, timeout=2.0)
        sv.take(desk.store, desk.carol, second)
        await until(pilot, lambda: table(app).rows[1].locked_by == "carol", timeout=2.0)


async def test_a_takeover_by_a_colleague_removes_my_reply_pane_and_keeps_my_draft(desk: Desk) -> None:
    tid, _ = desk.taken(staff=desk.alice)
    app = TicketApp(desk.store, desk.alice, live_interval=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and table(app).rows)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.query(ReplyPane))
        app.screen.query_one("#reply-body").focus()
        await pilot.press(*"My careful answer")
        await until(pilot, lambda: sv.get_draft(desk.store, desk.alice, tid) is not None)
        sv.take(desk.store, desk.carol, tid, force=True)  # from another terminal
        await until(pilot, lambda: not app.screen.query(ReplyPane), timeout=3.0)
        await pilot.press("ctrl+s")  # no longer mine: nothing is sent
        await pilot.pause(0.3)
    assert sv.get_draft(desk.store, desk.alice, tid).body == "My careful answer"
    assert [m.kind for m in sv.peek(desk.store, desk.root, tid).messages] == ["client", "system"]


async def save_the_first_attachment(pilot, app, folder) -> None:
    """From the ticket form: F7, the folder typed in, Enter on the first attachment."""
    await pilot.press("f7")
    await until(pilot, lambda: type(app.screen).__name__ == "AttachmentsModal")
    app.screen.query_one("#folder").value = str(folder)
    app.screen.query_one("#attachment-list").focus()
    await pilot.press("enter")


async def test_saving_an_attachment_from_the_form(desk: Desk, tmp_path) -> None:
    from store.views import NewAttachment

    tid = sv.open_ticket(desk.store, desk.john, "Technical support", "Logs", "see attached",
                         attachments=[NewAttachment("error.log", b"line 1\nline 2\n")])
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and table(app).rows)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail)
        await save_the_first_attachment(pilot, app, tmp_path)
        await until(pilot, lambda: (tmp_path / "error.log").exists())
    assert (tmp_path / "error.log").read_bytes() == b"line 1\nline 2\n"
    assert tid


async def test_a_click_on_a_toolbar_label_runs_its_action(desk: Desk) -> None:
    from tui.ticket.toolbar import Toolbar

    desk.open(subject="Clickable")
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and table(app).rows)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail)
        toolbar = app.screen.query_one(Toolbar)
        assert not toolbar.shows("dig")  # no domain service on this ticket
        line, start, _end, action = next(span for span in toolbar._spans if span[3] == "summary")
        await pilot.click(Toolbar, offset=(start + 2, line))
        await until(pilot, lambda: type(app.screen).__name__ == "SummaryModal")


async def test_back_from_reading_the_list_is_read_again_and_counted_again_only_after_a_change(
        desk: Desk, monkeypatch) -> None:
    """The rows are read again on the way back (the ticket just read is no longer new to its
    reader); the count, which walks up to 10,000 rows, only when a ticket changed meanwhile."""
    desk.open(subject="First")
    counts: list[str] = []
    count_tickets = sv.count_tickets

    def counting(*args, **kwargs):
        counts.append("counted")
        return count_tickets(*args, **kwargs)

    monkeypatch.setattr(sv, "count_tickets", counting)
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and table(app).total == 1)
        assert table(app).rows[0].new_since_seen
        counts.clear()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and table(app).rows
                    and not table(app).rows[0].new_since_seen)
        await pilot.pause(0.3)
        assert counts == []
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail)
        desk.open(subject="Second")  # someone else's change while the ticket is read
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and table(app).total == 2)
        assert counts == ["counted"]


async def test_a_change_check_that_cannot_reach_the_database_leaves_the_list_as_it_is(
        desk: Desk, monkeypatch) -> None:
    """The live feed tells of an outage; the list's own check must not end the app."""
    from store.errors import Unavailable

    desk.open(subject="First")
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and table(app).total == 1)

        def unreachable(store):
            raise Unavailable("The database can't be reached.")

        monkeypatch.setattr(sv, "change_marker", unreachable)
        app.screen.tickets_changed(None)
        await pilot.pause(0.3)
        assert app.is_running and [r.subject for r in table(app).rows] == ["First"]
