"""The screens' header (tui/widgets/header.py): titles follow the app and the screen, and a header
leaves with its screen (Textual's own kept every opened ticket's header alive on the app)."""

from __future__ import annotations

import gc

from store.db import Store
from tests.desk import make_desk
from tests.pilot_wait import until
from tui.app import TicketApp
from tui.widgets.header import SafeHeader
from tui.queue.screen import TicketListScreen
from tui.ticket.screen import TicketScreen
from tui.widgets.ticket_table import TicketTable


def title_on(screen) -> str:
    return screen.query_one(SafeHeader).render().plain


async def test_headers_follow_titles_and_leave_with_their_screens(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    desk = make_desk(store)
    desk.open(subject="Site down")
    app = TicketApp(store, desk.alice, live_interval=60)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen)
                    and app.screen.query_one(TicketTable).rows)
        assert "Alice Smith (alice)" in title_on(app.screen)
        app.sub_title = "Renamed"
        await pilot.pause()
        assert "Renamed" in title_on(app.screen)
        for _ in range(6):
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail)
            assert "Ticket #" in title_on(app.screen)
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, TicketListScreen))
        await pilot.pause(0.2)
        gc.collect()
        alive = [o for o in gc.get_objects() if isinstance(o, SafeHeader)]
        assert len(alive) <= 2, f"{len(alive)} headers still alive after 6 tickets"
    store.close()


async def test_a_click_on_the_icon_opens_the_command_palette(sqlite_url: str) -> None:
    from textual.command import CommandPalette

    store = Store.open(sqlite_url)
    desk = make_desk(store)
    app = TicketApp(store, desk.alice, live_interval=60)
    async with app.run_test(size=(120, 40)) as pilot:
        # The list is the screen before it is composed (on a loaded machine, a while before):
        # wait for its header, not only for the screen.
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen)
                    and app.screen.query(SafeHeader))
        await pilot.click(SafeHeader, offset=(40, 0))  # the title: nothing happens
        await pilot.pause()
        assert isinstance(app.screen, TicketListScreen)
        await pilot.hover(SafeHeader, offset=(1, 0))
        assert app.screen.query_one(SafeHeader).tooltip == "Open the command palette"
        await pilot.click(SafeHeader, offset=(1, 0))
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
    store.close()
