"""What an open TUI watches of the response targets: whether the desk has any (the list then
shows its Due column and the Overdue view's chip) with the warning window of the "soon" colour,
and which tickets of a staff member's queue became overdue since the last look (a notification,
once per ticket and due moment).

Both are bounded reads: a row of two tiny tables, and a range of the due index
(ticket_sla.due, WHERE due IS NOT NULL) between the last look and now, which holds only the
tickets whose due moment passed in between, whatever the size of the desk."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from .. import settings
from ..actors import StaffActor
from ..db import Store
from ..service.rules import held_by

if TYPE_CHECKING:  # the list imports this module on its first paint: the step's code waits
    from .check import Breach

MAX_NEWS = 20  # per look: a backlog is the Overdue view's job, not a flood of notifications


class DueDisplay(NamedTuple):
    in_use: bool  # the desk has a policy
    warning: timedelta  # the setting sla_warning_minutes: "due soon" within it


def due_display(store: Store) -> DueDisplay:
    """Read with the list's first page. Policies only: looking for a running due instead could
    walk the whole due index on PostgreSQL, row security testing each row for a staff member
    who sees none of them (due times left by policies since removed run out at their tickets'
    next events)."""
    with store.sql() as q:
        in_use = q.value("SELECT 1 FROM sla_policies LIMIT 1") is not None
        return DueDisplay(in_use, timedelta(minutes=settings.read(q, "sla_warning_minutes")))


def newly_overdue(store: Store, actor: StaffActor, since: datetime, until: datetime,
                  limit: int = MAX_NEWS) -> list["Breach"]:
    """The open, undelayed tickets of the actor's queue (every department's for an
    administrator, as the queue) whose due moment is in [since, until), soonest first."""
    with store.sql() as q:
        params = {"since": q.db_time(since), "until": q.db_time(until), "n": limit}
        rows = q.rows(news_sql(actor, params), params)
    from .check import _breach  # the same naming of the target as `sla check`

    return [_breach(row) for row in rows]


def news_sql(actor: StaffActor, params: dict) -> str:
    """The query of newly_overdue: a range of the due index, each ticket then checked."""
    conds = ["ticket_sla.due >= :since", "ticket_sla.due < :until", "tickets.is_open",
             "(tickets.delayed_until IS NULL OR tickets.delayed_until <= :until)"]
    if not actor.is_admin:
        conds.append(held_by(actor, params, open_only=True))
    return ("SELECT ticket_sla.ticket_id, ticket_sla.due, ticket_sla.first_due, "
            "ticket_sla.next_due, ticket_sla.resolution_due FROM ticket_sla "
            "JOIN tickets ON tickets.id = ticket_sla.ticket_id "
            f"WHERE {' AND '.join(conds)} ORDER BY ticket_sla.due, ticket_sla.ticket_id LIMIT :n")
