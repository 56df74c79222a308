"""The queue's first page, read while the app itself starts.

The plain SQL read runs in a thread started before Textual sets up the terminal: SQLite and
psycopg let go of the interpreter while the database works, so on two cores the page is
usually ready before the list screen is composed, and the first frame shows tickets instead
of an empty list that fills one frame later. If it is not ready a moment later (or failed),
the list reads its first page as it always does.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from typing import NamedTuple

from store import service as sv
from store.sla.watch import DueDisplay, due_display
from store.views import TicketRow

from tui.runtime.early_call import FIRST_PAINT_WAIT

# The table's smallest window (TicketTable.chunk): its size before the screen is laid out.
LIMIT = 100


class FirstPage(NamedTuple):
    """The queue's first rows, the change marker read before them, and whether the list shows
    response targets."""

    marker: int
    rows: list[TicketRow]
    due: DueDisplay


def start_reading(store, actor) -> Future:
    """A Future of the FirstPage of the actor's queue."""
    future: Future = Future()

    def read() -> None:
        try:
            marker = sv.change_marker(store)  # before the rows: a change in between shows next time
            rows = sv.list_tickets(store, actor, sv.ListSpec("queue"), limit=LIMIT)
            future.set_result(FirstPage(marker, rows, due_display(store)))
        except BaseException as error:  # noqa: BLE001 - the list reads it again itself
            future.set_exception(error)

    threading.Thread(target=read, name="first-page", daemon=True).start()
    return future


async def ready(future: Future | None) -> FirstPage | None:
    """The page, once read without error: waited for a moment at most (the list's first paint
    is held that long, as the ticket form's is: an empty list painted and filled a moment
    later costs more than the wait, and looks worse)."""
    if future is None:
        return None
    if not future.done():
        try:
            await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), FIRST_PAINT_WAIT)
        except (asyncio.TimeoutError, Exception):  # noqa: BLE001 - the list reads it itself
            return None
    if future.exception() is not None:
        return None
    return future.result()
