"""The columns of the ticket lists: staff and client, each a title, a width and a value."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import NamedTuple

from rich.cells import cell_len, set_cell_size

from store.safe_text import printable
from store.status import PRIORITIES
from store.views import TicketRow

from tui.runtime.display import when


def fit(text: str, width: int) -> str:
    """Exactly width cells: padded, or cut with an ellipsis (wide characters counted as two)."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def span(minutes: int) -> str:
    """A length of time in one short word: 42m, 25h, 3d."""
    if minutes < 60:
        return f"{minutes}m"
    if minutes < 48 * 60:
        return f"{minutes // 60}h"
    return f"{minutes // 1440}d"


def waiting(row: TicketRow, now: datetime) -> str:
    if not row.awaiting_staff or row.archived:
        return ""
    return span(max(0, int((now - row.waiting_since).total_seconds() // 60)))


def due_text(due: datetime, now: datetime) -> str:
    """The time left to a due moment ("in 42m") or how late it is ("12m late")."""
    seconds = (due - now).total_seconds()
    if seconds > 0:
        return f"in {span(math.ceil(seconds / 60))}"
    return f"{span(max(1, math.ceil(-seconds / 60)))} late"


def due_left(row: TicketRow, now: datetime) -> str:
    """The Due cell, from the row's soonest running due and the clock: the text moves on
    without reading the row again. Empty for a ticket with no running target (none set, met,
    paused, closed)."""
    return "" if row.due is None else due_text(row.due, now)


def due_tone(row: TicketRow, now: datetime, warning: timedelta) -> str | None:
    """The Due cell's colour: breached once the due passed, soon within the warning window."""
    if row.due is None:
        return None
    if row.due <= now:
        return "due-breached"
    return "due-soon" if row.due - now <= warning else None


class Column(NamedTuple):
    """A column: a fixed width, or a share of what the fixed ones leave."""

    title: str
    value: Callable[[TicketRow, datetime], str]
    width: int = 0
    share: int = 0
    right: bool = False
    # A part of the table's styles for this cell (ticket_lines.py), by row, clock and the
    # warning window: the Due column's colours.
    tone: Callable[[TicketRow, datetime, timedelta], str | None] | None = None


def _one_line(text: str) -> str:
    return printable(text, one_line=True)


STAFF_COLUMNS = (
    Column("Lock", lambda r, now: f"🔒{r.locked_by}" if r.locked_by else "", width=12),
    Column("", lambda r, now: ("★" if r.favorite else " ") + ("●" if r.new_since_seen else " "), width=2),
    Column("#", lambda r, now: str(r.id), width=6, right=True),
    Column("Prio", lambda r, now: ("⇧" if r.placed_first else "") + PRIORITIES[r.priority], width=7),
    Column("Subject", lambda r, now: _one_line(r.subject), share=45),
    Column("Client", lambda r, now: _one_line(r.client_email), share=30),
    Column("Department", lambda r, now: _one_line(r.department), share=25),
    Column("Status", lambda r, now: r.status, width=29),
    Column("Wait", waiting, width=6),
)

CLIENT_COLUMNS = (
    Column("", lambda r, now: "●" if r.new_since_seen else "", width=1),
    Column("#", lambda r, now: str(r.id), width=6, right=True),
    Column("Subject", lambda r, now: _one_line(r.subject), share=65),
    Column("Department", lambda r, now: _one_line(r.department), share=35),
    Column("Status", lambda r, now: r.status, width=12),
    Column("Updated", lambda r, now: when(r.updated_at), width=19),
)

DUE_COLUMN = Column("Due", due_left, width=8, tone=due_tone)


def with_due(columns: tuple[Column, ...]) -> tuple[Column, ...]:
    """The staff columns with Due after Prio: near the left, so a narrow terminal (which cuts
    the line on the right) still shows it."""
    at = next(i for i, c in enumerate(columns) if c.title == "Prio") + 1
    return (*columns[:at], DUE_COLUMN, *columns[at:])
