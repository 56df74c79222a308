"""A thread of hundreds of messages: read by pages from the store, shown a window at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert
from textual.app import App, ComposeResult

from store import service as sv
from store import clock as store_clock
from store.errors import BadInput, NotVisible
from store.models import Message
from store.service.reading import messages_page
from tests.desk import Desk, make_desk
from tui.widgets.thread import BATCH, WINDOW, EarlierNote, MessageBox, Thread

N = 300  # more than a window, a batch and a fetch


@pytest.fixture
def desk(store) -> Desk:
    return make_desk(store)


def long_thread(desk: Desk, n: int = N) -> int:
    """A ticket with n messages: the client's first, then staff, client and internal ones."""
    tid = desk.open(subject="Long story", body="message 0")
    at = store_clock.utcnow()
    kinds = ("staff", "client", "internal")
    rows = []
    for i in range(1, n):
        kind = kinds[i % 3]
        rows.append(dict(ticket_id=tid, kind=kind, body=f"message {i}", created_at=at + timedelta(seconds=i),
                         author_staff_id=None if kind == "client" else desk.alice.id,
                         author_client_id=desk.john.id if kind == "client" else None))
    with desk.store.write() as s:
        s.execute(insert(Message), rows)
    return tid


def bodies(messages) -> list[int]:
    return [int(m.body.split()[1]) for m in messages]


# --- the store ----------------------------------------------------------------------------
def test_show_with_last_reads_only_the_tail(desk: Desk) -> None:
    tid = long_thread(desk)
    assert bodies(sv.show(desk.store, desk.alice, tid, last=50).messages) == list(range(N - 50, N))
    assert bodies(sv.peek(desk.store, desk.alice, tid, last=5).messages) == list(range(N - 5, N))
    assert len(sv.peek(desk.store, desk.alice, tid).messages) == N  # the default: everything


def test_pages_walk_back_to_the_first_message(desk: Desk) -> None:
    tid = long_thread(desk)
    page = messages_page(desk.store, desk.alice, tid, limit=120)
    assert bodies(page.messages) == list(range(N - 120, N)) and page.earlier == N - 120
    seen = list(page.messages)
    while page.earlier:
        page = messages_page(desk.store, desk.alice, tid, before_id=seen[0].id, limit=120)
        seen[:0] = page.messages
    assert bodies(seen) == list(range(N))
    assert messages_page(desk.store, desk.alice, tid, before_id=seen[0].id).messages == ()


def test_a_client_pages_through_what_they_may_read(desk: Desk) -> None:
    tid = long_thread(desk)
    public = [i for i in range(N) if i % 3 != 2]  # no internal comments
    page = messages_page(desk.store, desk.john, tid, limit=10)
    assert bodies(page.messages) == public[-10:] and page.earlier == len(public) - 10
    assert bodies(sv.show(desk.store, desk.john, tid, last=10).messages) == public[-10:]


def test_pages_are_bounded_and_need_visibility(desk: Desk) -> None:
    tid = long_thread(desk, 10)
    with pytest.raises(BadInput):
        messages_page(desk.store, desk.alice, tid, limit=0)
    with pytest.raises(BadInput):
        sv.show(desk.store, desk.alice, tid, last=100_000)
    with pytest.raises(NotVisible):
        messages_page(desk.store, desk.bob, tid)


# --- the widget ------------------------------------------------------------------------------
class ThreadApp(App[None]):
    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.store, self.actor = desk.store, desk.alice

    def compose(self) -> ComposeResult:
        yield Thread(id="thread")


async def until(pilot, condition, timeout: float = 5.0) -> None:
    waited = 0.0
    while not condition():
        await pilot.pause(0.05)
        waited += 0.05
        assert waited < timeout, "the thread did not reach the expected state in time"


def shown(thread: Thread) -> list[int]:
    return [int(b.render().plain.split("\n")[1].split()[1]) for b in thread.query(MessageBox)]


async def test_only_the_last_messages_become_widgets_and_scrolling_up_adds_more(desk: Desk) -> None:
    tid = long_thread(desk)
    messages = sv.peek(desk.store, desk.alice, tid).messages
    app = ThreadApp(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        thread = app.query_one(Thread)
        thread.show(messages)
        await until(pilot, lambda: thread._settled)
        # The latest messages, enough to overflow the screen, never more than WINDOW.
        window = len(thread.query(MessageBox))
        assert window <= WINDOW and thread.max_scroll_y > 0
        assert shown(thread) == list(range(N - window, N))
        assert thread.scroll_y == thread.max_scroll_y  # opened at the latest message
        note = thread.query_one(EarlierNote)
        assert note.display and f"{N - window:,} earlier messages" in note.render().plain
        top_box = thread.query(MessageBox).first()
        thread.scroll_home(animate=False)
        await until(pilot, lambda: len(thread.query(MessageBox)) == window + BATCH and not thread._busy)
        assert shown(thread) == list(range(N - window - BATCH, N))
        # The reader still looks at the message that was at the top, not at the new ones.
        assert abs(top_box.virtual_region.y - thread.scroll_y) <= 2
        newer = messages[-1]._replace(id=messages[-1].id + 1, body=f"message {N}")
        thread.show(messages + (newer,))  # a refresh keeps what is mounted, adds the new one
        assert shown(thread) == list(range(N - window - BATCH, N + 1))


async def test_a_tail_fetches_earlier_messages_from_the_store(desk: Desk) -> None:
    tid = long_thread(desk)
    tail = sv.peek(desk.store, desk.alice, tid, last=WINDOW).messages
    app = ThreadApp(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        thread = app.query_one(Thread)
        thread.show(tail, ticket_id=tid)
        await until(pilot, lambda: thread._settled)
        assert thread.hidden_earlier is None  # not counted yet: "earlier messages"
        for _ in range(3):
            thread.scroll_home(animate=False)
            await pilot.pause(0.1)
            await until(pilot, lambda: not thread._busy)
        assert len(thread.messages) > WINDOW and thread.hidden_earlier is not None
        assert bodies(thread.messages) == list(range(N - len(thread.messages), N))
        assert shown(thread)[-1] == N - 1


async def test_a_short_thread_is_shown_whole(desk: Desk) -> None:
    tid = long_thread(desk, 5)
    app = ThreadApp(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        thread = app.query_one(Thread)
        thread.show(sv.peek(desk.store, desk.alice, tid).messages)
        await until(pilot, lambda: thread._settled)
        assert shown(thread) == [0, 1, 2, 3, 4]
        assert not thread.query_one(EarlierNote).display


async def test_long_messages_need_fewer_widgets_to_fill_the_screen(desk: Desk) -> None:
    tid = desk.open(subject="Long ones", body="first")
    at = store_clock.utcnow()
    with desk.store.write() as s:
        s.execute(insert(Message), [dict(ticket_id=tid, kind="client", created_at=at + timedelta(seconds=i),
                                         body=f"message {i}\n" + "a line of text\n" * 30,
                                         author_client_id=desk.john.id) for i in range(1, 60)])
    messages = sv.peek(desk.store, desk.alice, tid).messages
    app = ThreadApp(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        thread = app.query_one(Thread)
        thread.show(messages)
        await until(pilot, lambda: thread._settled)
        window = len(thread.query(MessageBox))
        assert 2 <= window < WINDOW // 2 and thread.max_scroll_y > 0
        assert shown(thread) == list(range(60 - window, 60))
