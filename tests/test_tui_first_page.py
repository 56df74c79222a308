"""The queue's first page read while the app starts (tui/queue/first_page.py): the list shows it
without reading it again; a failed or unfinished read leaves the list to read it itself."""

from __future__ import annotations

from concurrent.futures import Future

from store import service as sv
from store.db import Store
from store.errors import ConnectionLost
from tests.desk import make_desk
from tests.pilot_wait import until
from tui.queue import first_page
from tui.app import TicketApp
from tui.queue.screen import TicketListScreen
from tui.widgets.ticket_table import TicketTable


def record_reads(monkeypatch) -> list:
    """The pages the list asks its fetcher for, from now on."""
    reads: list = []
    original = TicketListScreen._fetch
    monkeypatch.setattr(TicketListScreen, "_fetch", lambda self, p: reads.append(p) or original(self, p))
    return reads


def queue_ids(app) -> list[int]:
    return [r.id for r in app.screen.query_one(TicketTable).rows]


async def test_the_list_starts_with_the_page_read_meanwhile(sqlite_url: str, monkeypatch) -> None:
    store = Store.open(sqlite_url)
    desk = make_desk(store)
    ids = [desk.open(subject=f"Ticket {n}") for n in range(3)]
    future = first_page.start_reading(store, desk.alice)
    page = future.result(timeout=10)
    assert [r.id for r in page.rows] == ids
    reads = record_reads(monkeypatch)
    app = TicketApp(store, desk.alice, live_interval=60, first_page=future)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen)
                    and app.screen.query_one(TicketTable).loaded)
        assert queue_ids(app) == ids
        assert app.screen._marker == page.marker
        await pilot.pause(0.3)
        assert not [p for p in reads if p.whole]  # the first page was not read again
    store.close()


async def test_a_failed_read_leaves_the_list_to_read_it(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    desk = make_desk(store)
    tid = desk.open()
    failed: Future = Future()
    failed.set_exception(ConnectionLost("The connection to the database was lost."))
    app = TicketApp(store, desk.alice, live_interval=60, first_page=failed)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and queue_ids(app))
        assert queue_ids(app) == [tid]
    assert [r.id for r in sv.list_tickets(store, desk.alice)] == [tid]
    store.close()


async def test_a_page_still_on_its_way_is_waited_for_a_moment(sqlite_url: str, monkeypatch) -> None:
    """Read a little after the list is composed: its first paint waits for it, rather than
    painting an empty list and reading the page again."""
    import threading

    store = Store.open(sqlite_url)
    desk = make_desk(store)
    tid = desk.open()
    page = first_page.start_reading(store, desk.alice).result(timeout=10)
    late: Future = Future()
    threading.Timer(0.05, late.set_result, (page,)).start()
    reads = record_reads(monkeypatch)
    app = TicketApp(store, desk.alice, live_interval=60, first_page=late)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen)
                    and app.screen.query_one(TicketTable).loaded)
        assert queue_ids(app) == [tid]
        await pilot.pause(0.3)
        assert not [p for p in reads if p.whole]
    store.close()
