"""`ticket-tui sla check` (for cron, and run by `mail watch`): each ticket whose due time has
passed gets one ticket event `sla_breach` naming the target it missed, once per due time.

On PostgreSQL a login's run is migration 0016's ticket_tui_sla_note_breaches (the same UPDATE and
events, at the server's clock), so a staff or mail login may run it: no login writes ticket_sla.
The operator's run (cron) keeps its own clock, as its other writes do.

Exactly once: the row is marked (breach_noted = due, breached) by the same UPDATE that picks it,
in the transaction that records the event. A second run, or two at once, finds nothing new: the
second UPDATE waits for the first's row locks and then no longer matches (PostgreSQL), or runs
after it (SQLite's write transactions take turns). A new due time (a later client message)
can breach again.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import NamedTuple

from ..clock import utcnow
from ..db import Store
from ..logins import OWNER_ROLE
from ..service.locking import record
from ..sql import expand, utc

# Due, passed, and not recorded yet (the second UPDATE of a concurrent run no longer matches).
DUE_UNNOTED = "due IS NOT NULL AND due < :at AND (breach_noted IS NULL OR breach_noted <> due)"
# The operator (cron) notes breaches itself, at its own clock as its other writes; a login
# (mail watch as the mail service's, a staff member) through ticket_tui_sla_note_breaches.
LOGIN_IS_OWNER = "SELECT pg_has_role(current_user, :owner, 'MEMBER')"
# Tickets per transaction: a backlog of breaches never holds one huge transaction (the crash
# test makes it small through the environment, to be killed between batches too).
BATCH = int(os.environ.get("TICKET_TUI_SLA_BATCH", "500"))
TARGETS = (("first_due", "first response"), ("next_due", "next response"),
           ("resolution_due", "resolution"))


class Breach(NamedTuple):
    ticket_id: int
    target: str  # "first response", "next response" or "resolution"
    due: datetime

    @property
    def detail(self) -> str:
        return f"{self.target} due {self.due:%Y-%m-%d %H:%M} UTC missed"

    def json(self) -> dict:
        return {"ticket": self.ticket_id, "target": self.target, "due": self.due.isoformat()}


def check(store: Store) -> list[Breach]:
    """Records every breach not yet recorded; returns them, soonest due first."""
    at = utcnow()
    found: list[Breach] = []
    while True:
        with store.sql(write=True) as q:
            if not q.sqlite and not q.value(LOGIN_IS_OWNER, {"owner": OWNER_ROLE}):
                # A login: the database's own function (0016), at the server's clock.
                batch = [_breach(row) for row in q.rows(
                    "SELECT ticket_id, due, first_due, next_due, resolution_due "
                    "FROM ticket_tui_sla_note_breaches(:n)", {"n": BATCH})]
                found += batch
                if len(batch) < BATCH:
                    return sorted(found, key=lambda b: (b.due, b.ticket_id))
                continue
            params = {"at": q.db_time(at), "n": BATCH}
            ids = [t for t, in q.rows(
                f"SELECT ticket_id FROM ticket_sla WHERE {DUE_UNNOTED} ORDER BY due LIMIT :n",
                params)]
            rows = q.rows(
                "UPDATE ticket_sla SET breached = TRUE, breach_noted = due WHERE ticket_id IN "
                f"({expand(params, 'u', ids)}) AND {DUE_UNNOTED} "
                "RETURNING ticket_id, due, first_due, next_due, resolution_due", params)
            batch = [_breach(row) for row in rows]
            for breach in batch:
                record(q, None, breach.ticket_id, "sla_breach", breach.detail, at=at,
                       activity=False)
        found += batch
        if len(ids) < BATCH:
            return sorted(found, key=lambda b: (b.due, b.ticket_id))


def _breach(row) -> Breach:
    ticket_id, due, *dues = row
    due = utc(due)
    target = next((name for (_, name), value in zip(TARGETS, dues) if utc(value) == due),
                  "resolution")
    return Breach(ticket_id, target, due)
