"""The report's `overdue` (docs/reports.md) from the response targets, on SQLite and
PostgreSQL: tickets created in the period that missed a target, recorded or due by now."""

from __future__ import annotations

from datetime import datetime, timezone

from store import service as sv
from store.clock import as_of
from store.db import Store
from store.reports import desk_report
from store.sla import policy
from tests.desk import make_desk


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, 7, hour, minute, tzinfo=timezone.utc)


def test_overdue_counts_the_tickets_of_the_period_that_missed_a_target(db_url) -> None:
    store = Store.open(db_url)
    try:
        desk = make_desk(store)
        policy.set_policy(store, "Technical support", None, 60)
        with as_of(at(9)):
            on_time, late, unanswered = desk.open(), desk.open(), desk.open()
            desk.open(department="Billing")  # no policy: never overdue
        for tid, moment in ((on_time, at(9, 30)), (late, at(10, 30))):
            with as_of(moment):
                sv.reply(store, desk.alice, tid, "Done.", token=sv.take(store, desk.alice, tid).token)
        report = desk_report(store, desk.root, first="2026-12-07", last="2026-12-07", now=at(11))
        assert {r.name: r.overdue for r in report.departments} == {
            "Billing": 0, "Technical support": 2}  # late (breached) and unanswered (due 10:00)
        assert all(r.overdue is None for r in report.staff)
        earlier = desk_report(store, desk.root, first="2026-12-07", last="2026-12-07", now=at(9, 45))
        assert {r.name: r.overdue for r in earlier.departments}["Technical support"] == 1
    finally:
        store.close()
