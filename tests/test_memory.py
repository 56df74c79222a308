"""What a reading session keeps in memory: a closed ticket form is given back at once (tui/runtime/memory.py),
the start's long-lived objects are frozen out of the collector's sight only while the app
runs (staff and client area), Rich's cache of text widths is emptied at each change of screen,
and the list keeps formatted rows for a few screens only (tui/widgets/ticket_table.py)."""

from __future__ import annotations

import gc
import weakref

from sqlalchemy import select

from store import service as sv
from store.actors import staff_actor
from store.models import Staff
from store.seed import seed
from tests.desk import Desk
from tests.pilot_wait import until
from tui.app import TicketApp
from tui.queue.screen import TicketListScreen
from tui.ticket.screen import TicketScreen
from tui.widgets.ticket_table import CELL_CACHE_PAGES, TicketTable

SIZE = (120, 30)


async def test_a_closed_ticket_form_is_given_back_at_once(sqlite_desk: Desk) -> None:
    """Its widgets live in reference cycles: with the collector off, only the app's own sweep
    after the change of screen can free them."""
    sqlite_desk.open(subject="Read and closed")
    app = TicketApp(sqlite_desk.store, sqlite_desk.alice, live_interval=60)
    gc.disable()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and app.sweeper.frozen)
            await pilot.press("enter")  # (a screen pushed from the test's own task would be
            # held by that task's context variables)
            await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail is not None)
            form = weakref.ref(app.screen)
            await pilot.press("escape")
            await until(pilot, lambda: form() is None, timeout=5)
    finally:
        gc.enable()


async def test_the_start_is_frozen_while_the_app_runs_and_thawed_when_it_ends(sqlite_desk: Desk) -> None:
    gc.unfreeze()
    app = TicketApp(sqlite_desk.store, sqlite_desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.sweeper.frozen)
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


async def test_the_client_area_is_frozen_too(sqlite_desk: Desk) -> None:
    gc.unfreeze()
    sqlite_desk.open(subject="Mine")
    app = TicketApp(sqlite_desk.store, sqlite_desk.john, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.sweeper.frozen)
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


async def test_a_change_of_screen_empties_richs_cache_of_text_widths(sqlite_desk: Desk) -> None:
    """It keeps up to 4,096 of the lines last painted, the closed screen's among them."""
    from rich.cells import cached_cell_len

    sqlite_desk.open(subject="Read and closed")
    app = TicketApp(sqlite_desk.store, sqlite_desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and app.sweeper.frozen)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail is not None)
        assert cached_cell_len.cache_info().currsize > 0
        swept = []
        sweep = app.sweeper.sweep
        app.sweeper.sweep = lambda: (sweep(), swept.append(cached_cell_len.cache_info().currsize))
        await pilot.press("escape")
        await until(pilot, lambda: swept)
        assert swept == [0]


def many_tickets(desk: Desk) -> TicketApp:
    """An app on 400 tickets, as the administrator (who sees them all)."""
    store = desk.store
    seed(store, 400, 1, rng_seed=3)
    with store.read() as s:
        admin = staff_actor(store, s.scalar(select(Staff.login).where(Staff.is_admin).limit(1)))
    return TicketApp(store, admin, live_interval=60)


async def test_the_list_keeps_formatted_rows_for_a_few_screens_only(sqlite_desk: Desk) -> None:
    """The cache of formatted rows holds its rows: unbounded, it kept every row scrolled past."""
    app = many_tickets(sqlite_desk)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen)
                    and app.screen.table.loaded)
        await pilot.press("2")  # all tickets
        table = app.screen.query_one(TicketTable)
        await until(pilot, lambda: table.loaded and len(table.rows) > 0)
        bound = CELL_CACHE_PAGES * table.page_height + 1
        for _ in range(15):
            await pilot.press("pagedown")
            await until(pilot, lambda: table._pending is None)
        await pilot.pause(0.1)
        assert table.cursor + (table.first_index or 0) > 2 * bound  # well past the bound
        assert 0 < len(table._cell_cache) <= bound


async def test_a_reload_reads_around_the_screen_and_keeps_the_readers_place(sqlite_desk: Desk) -> None:
    """Back from a ticket (or on others' changes) the list is read again: from a chunk above
    the screen to a chunk below it, not the whole window scrolled through."""
    app = many_tickets(sqlite_desk)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and app.screen.table.loaded)
        await pilot.press("2")  # all tickets
        table = app.screen.query_one(TicketTable)
        await until(pilot, lambda: table.loaded and len(table.rows) > 0)
        every = [r.id for r in sv.list_tickets(app.store, app.actor, sv.ListSpec("all"), limit=500)]
        for _ in range(10):
            await pilot.press("pagedown")
            await until(pilot, lambda: table._pending is None and not table.fetching)
        window, reading = len(table.rows), table.current.id
        on_screen = [r.id for r in table.rows[table.top:table.top + table.page_height]]
        await pilot.press("r")
        await until(pilot, lambda: not table.fetching and table.current is not None)
        assert table.current.id == reading
        assert [r.id for r in table.rows[table.top:table.top + table.page_height]] == on_screen
        assert len(table.rows) <= 2 * table.chunk + 2 * table.page_height < window
        assert not table.at_start and [r.id for r in table.rows] == every[table.first_index:][:len(table.rows)]
        await pilot.press("home")  # the rows let go are read again when wanted
        await until(pilot, lambda: not table.fetching and table.at_start)
        assert table.current.id == every[0]
