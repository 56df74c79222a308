"""PostgreSQL's pending rule runs: the events migration 0017's trigger queued, worked off by the
operator (`ticket-tui rule run [--watch]`), exactly once: each queue row is taken with FOR
UPDATE SKIP LOCKED (two workers never take the same one), its rules run, and the row is
deleted, all in one transaction. Killed half-way, the transaction is rolled back whole and the
row is still there for the next run; the rule_runs key stops a rule from running twice anyway.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy.orm import Session

from ..db import Store, plain_in
from .engine import Fired, run_event


def run_queued(s: Session, message_id: int | None = None) -> tuple[int, list[Fired]] | None:
    """Takes one queued event (this message's, or the oldest), runs it and deletes it: its
    ticket and what fired; None when there was none to take."""
    q = plain_in(s)
    skip = " FOR UPDATE SKIP LOCKED" if q.dialect == "postgresql" else ""
    where = "WHERE message_id = :m " if message_id is not None else ""
    row = q.row(f"SELECT id, ticket_id, event, message_id FROM rule_queue {where}"
                f"ORDER BY id LIMIT 1{skip}", {"m": message_id})
    if row is None:
        return None
    queue_id, ticket_id, event, message = row
    fired = run_event(s, ticket_id, event, message)
    q.run("DELETE FROM rule_queue WHERE id = :id", {"id": queue_id})
    return ticket_id, fired


def run_pending(store: Store, *, report: Callable[[int, list[Fired]], None] | None = None) -> int:
    """Works the queue off, one event per transaction; how many events ran."""
    done = 0
    while True:
        with store.write() as s:
            taken = run_queued(s)
        if taken is None:
            return done
        done += 1
        if report is not None:
            report(*taken)


def watch(store: Store, *, interval: float = 1.0, report=None,
          keep_going: Callable[[], bool] = lambda: True) -> None:
    """`rule run --watch`: works the queue off, then looks again every interval seconds."""
    while keep_going():
        run_pending(store, report=report)
        time.sleep(interval)
