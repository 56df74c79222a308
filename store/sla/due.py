"""What the faces read of a ticket's response targets: its due times (ticket show, the list
rows) and the settings of the Overdue view and the queue's order by due."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ..sql import Sql, utc
from ..views import DueTimes

# The due times' columns of ticket_sla, in DueTimes' order.
COLUMNS = ("first_due", "first_met", "next_due", "resolution_due", "due")
# A ticket without a running due sorts after every ticket with one (queue_by_due): keyset
# pagination compares values, so the missing due is this far moment, never NULL.
NEVER = datetime(9999, 12, 31, tzinfo=timezone.utc)


def due_times(q: Sql, ticket_id: int) -> DueTimes | None:
    found = q.row(f"SELECT {', '.join(COLUMNS)} FROM ticket_sla WHERE ticket_id = :t",
                  {"t": ticket_id})
    return None if found is None else from_row(found)


def from_row(values) -> DueTimes | None:
    """DueTimes from the COLUMNS' values (None when the ticket has no row: all NULL there)."""
    first_due, first_met, next_due, resolution_due, due = values
    if first_due is None and first_met is None and next_due is None and resolution_due is None \
            and due is None:
        return None
    return DueTimes(utc(first_due), None if first_met is None else bool(first_met), utc(next_due),
                    utc(resolution_due), utc(due))


def due_order(q: Sql) -> str:
    """The queue's order by due: the soonest first, tickets without one after."""
    never = ("'9999-12-31 00:00:00.000000'" if q.sqlite
             else "TIMESTAMPTZ '9999-12-31 00:00:00+00'")
    return f"coalesce(ticket_sla.due, {never})"


def warning_until(q: Sql, now: datetime) -> datetime:
    from .. import settings

    return now + timedelta(minutes=settings.read(q, "sla_warning_minutes"))
