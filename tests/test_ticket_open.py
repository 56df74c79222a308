"""Opening the ticket form: its first painted frame is the filled-in form with the thread's latest
message in sight (no empty form first, no frame of the thread's top), and a short thread is
never scrolled past its top."""

from __future__ import annotations

import pytest
import textual.app

from tests.desk import Desk
from tests.pilot_wait import until
from tests.test_big_thread import long_thread
from tui.runtime import early_call
from tui.app import TicketApp
from tui.client.ticket import ClientTicketScreen
from tui.queue.screen import TicketListScreen
from tui.widgets.thread import WINDOW, MessageBox, Thread
from tui.ticket.screen import TicketScreen

SIZE = (120, 36)


@pytest.fixture
def desk(sqlite_desk: Desk) -> Desk:
    return sqlite_desk


@pytest.fixture
def frames(monkeypatch):
    """What each frame painted while a ticket form was the current screen: (the form has its
    ticket, the thread's scroll offset, its largest offset, the latest message box painted,
    how many message boxes the thread holds)."""
    seen: list[tuple[bool, float, int, bool, int]] = []
    display = textual.app.App._display

    def recording(self, screen, renderable):
        display(self, screen, renderable)
        form = self.screen
        if renderable is None or self._batch_count or not isinstance(form, (TicketScreen, ClientTicketScreen)):
            return
        thread = form.query_one(Thread)
        boxes = thread.query(MessageBox)
        seen.append((form.detail is not None, thread.scroll_y, thread.max_scroll_y,
                     bool(boxes) and boxes.last().region.height > 0, len(boxes)))

    monkeypatch.setattr(textual.app.App, "_display", recording)
    # However slow the machine running the tests, the first paint waits for the store here.
    monkeypatch.setattr(early_call, "FIRST_PAINT_WAIT", 10.0)
    return seen


async def open_and_settle(desk: Desk, tid: int, then=lambda form: None) -> None:
    """Opens the ticket's form, waits until it settled, then calls then(form)."""
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen))
        app.push_screen(TicketScreen(tid))
        await until(pilot, lambda: isinstance(app.screen, TicketScreen)
                    and app.screen.query_one(Thread)._settled)
        await pilot.pause(0.2)
        then(app.screen)


async def test_a_long_thread_is_first_painted_filled_in_at_its_latest_message(desk: Desk, frames) -> None:
    tid = long_thread(desk, 200)
    await open_and_settle(desk, tid)
    assert frames, "the form was never painted"
    has_ticket, scroll_y, max_scroll_y, latest_painted, boxes = frames[0]
    assert has_ticket and latest_painted
    assert max_scroll_y > 0 and scroll_y == max_scroll_y
    assert all(at == end for _, at, end, _, _ in frames)  # never a frame elsewhere while opening
    # The first paint lays out what fills the screen; the rest of the window comes right after.
    assert boxes < frames[-1][4] <= WINDOW


async def test_a_short_thread_is_never_scrolled_past_its_top(desk: Desk, frames) -> None:
    tid = desk.open(subject="Short", body="one message")
    await open_and_settle(desk, tid)
    assert frames and frames[0][0] and frames[0][3]
    assert all(scroll_y == 0 and max_scroll_y == 0 for _, scroll_y, max_scroll_y, _, _ in frames)


async def test_the_additional_fields_are_made_when_first_opened(desk: Desk) -> None:
    """A reply pane shows them collapsed: they are made on F8 (or a click), and until then the
    pane answers with the values they start with."""
    from textual.widgets import TextArea

    from tui.ticket.reply_pane import AdditionalFields, ReplyPane

    tid, _ = desk.taken()  # Technical support: charged per incident
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen))
        app.push_screen(TicketScreen(tid))
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.query(ReplyPane))
        form = app.screen
        pane = form.query_one(ReplyPane)
        assert not pane.query_one(AdditionalFields).made and not form.query("#internal")
        fields = pane.fields()
        assert (fields.internal, fields.attach, fields.charge, fields.incidents, fields.top) == \
            ("", "", None, 1, False)
        form.query_one(Thread).focus()
        await pilot.press("f8")
        await until(pilot, lambda: app.focused is not None and app.focused.id == "internal")
        await pilot.press(*"for staff")
        assert pane.fields().internal == "for staff" and pane.fields().incidents == 1
        await pilot.press("f8")
        await until(pilot, lambda: pane.query_one(AdditionalFields).collapsed)
        assert form.query_one("#internal", TextArea).text == "for staff"  # closed, not lost


async def test_the_client_ticket_is_first_painted_filled_in_at_its_latest_message(desk: Desk, frames) -> None:
    tid = long_thread(desk, 120)
    app = TicketApp(desk.store, desk.john, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        app.push_screen(ClientTicketScreen(tid))
        await until(pilot, lambda: isinstance(app.screen, ClientTicketScreen)
                    and app.screen.query_one(Thread)._settled)
    has_ticket, scroll_y, max_scroll_y, latest_painted, _ = frames[0]
    assert has_ticket and latest_painted and max_scroll_y > 0 and scroll_y == max_scroll_y


async def test_taking_a_ticket_shows_the_reply_pane_with_the_cursor_in_it(desk: Desk, monkeypatch) -> None:
    """The fastest path is Enter, t, type: the first frame that shows the reply pane already has
    the cursor in the reply (no frame, no timer tick, where letters would still be keys)."""
    from tui.ticket.reply_pane import ReplyPane

    first: list[str | None] = []
    display = textual.app.App._display

    def recording(self, screen, renderable):
        display(self, screen, renderable)
        panes = self.screen.query(ReplyPane) if isinstance(self.screen, TicketScreen) else []
        if renderable is not None and not first and panes and panes.first().region.height > 0:
            first.append(self.focused.id if self.focused is not None else None)

    monkeypatch.setattr(textual.app.App, "_display", recording)
    tid = desk.open(subject="Take me", body="one message")
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen))
        app.push_screen(TicketScreen(tid))
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail)
        await pilot.press("t")
        await until(pilot, lambda: first)
    assert first == ["reply-body"]
