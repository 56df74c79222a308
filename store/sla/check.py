"""`ticket-tui sla check` (for cron, and run by `mail watch`): each ticket whose due time has
passed gets one ticket event `sla_breach` naming the target it missed, once per due time.

Exactly once: the row is marked (breach_noted = due, breached) by the same UPDATE that picks it,
in the transaction that records the event. A second run, or two at once, finds nothing new: the
second UPDATE waits for the first's row locks and then no longer matches (PostgreSQL), or runs
after it (SQLite's write transactions take turns). A new due time (a later client message)
can breach again.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from ..clock import utcnow
from ..db import Store
from ..service.locking import record
from ..sql import utc

BATCH = 500  # tickets per transaction: a backlog of breaches never holds one huge transaction
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
            stamp = q.db_time(at)
            rows = q.rows(
                "UPDATE ticket_sla SET breached = TRUE, breach_noted = due WHERE ticket_id IN "
                "(SELECT ticket_id FROM ticket_sla WHERE due IS NOT NULL AND due < :at AND "
                "(breach_noted IS NULL OR breach_noted <> due) ORDER BY due LIMIT :n) "
                "AND due < :at AND (breach_noted IS NULL OR breach_noted <> due) "
                "RETURNING ticket_id, due, first_due, next_due, resolution_due",
                {"at": stamp, "n": BATCH})
            batch = [_breach(row) for row in rows]
            for breach in batch:
                record(q, None, breach.ticket_id, "sla_breach", breach.detail, at=at,
                       activity=False)
        found += batch
        if len(rows) < BATCH:
            return sorted(found, key=lambda b: (b.due, b.ticket_id))


def _breach(row) -> Breach:
    ticket_id, due, *dues = row
    due = utc(due)
    target = next((name for (_, name), value in zip(TARGETS, dues) if utc(value) == due),
                  "resolution")
    return Breach(ticket_id, target, due)
