"""The report's speed at scale (issue 19: a 30-day report within one second at 1,000,000 tickets).

    .venv/bin/python -m bench.report                      # the benchmark's SQLite database
    .venv/bin/python -m bench.report --db sqlite:///copy.db --without-indexes
    .venv/bin/python -m bench.report --postgres --tickets 100000   # a throw-away PostgreSQL

Opens the benchmark's seeded database (bench/data.py seeds it if empty; opening upgrades it to
this schema), then times store.reports.desk_report over the 30 days ending at the newest
ticket, as an administrator (every department) and as a staff member of one department,
against two baselines timed in the same run: a plain count of the period's tickets (an index
range) and a plain count of the period's ticket events. Medians of --rounds runs.
--without-indexes drops migration 0014's report indexes first and makes them again after,
to show what they buy (that takes minutes on a million tickets). On PostgreSQL the staff
member's report is also timed with their own login role (row security on).
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime, timedelta, timezone

from store.actors import staff_actor
from store.db import Store
from store.reports import desk_report

from .data import prepare
from .run import bench_db

INDEXES = {
    "ix_tickets_created": "tickets (created_at, department_id)",
    "ix_tickets_open_department": "tickets (department_id) WHERE is_open",
    "ix_messages_staff_ticket": "messages (ticket_id, id) WHERE kind = 'staff'",
    "ix_messages_staff_created": "messages (created_at, ticket_id, author_staff_id) "
                                 "WHERE kind = 'staff'",
    "ix_ticket_events_action": "ticket_events (action, created_at)",
    "ix_charges_created_at": "charges (created_at)",
}


def timed(fn, rounds: int) -> float:
    runs = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--db", help="default: the benchmark's own SQLite file")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--without-indexes", action="store_true")
    parser.add_argument("--postgres", action="store_true",
                        help="a throw-away PostgreSQL server (tests/pgcluster.py), seeded")
    args = parser.parse_args()
    with bench_db(args.db, args.tickets, args.postgres) as url:
        started = time.perf_counter()
        desk = prepare(url, args.tickets)  # opening upgrades the schema (0014's indexes)
        print(f"opened {url} ({desk.tickets:,} tickets) in {time.perf_counter() - started:.1f} s")
        store = Store.open(url, migrate=False)
        try:
            run(store, desk.admin, args)
        finally:
            store.close()


def run(store: Store, admin_login: str, args) -> None:
    with store.sql() as q:
        newest = q.value("SELECT max(created_at) FROM tickets")
        member = q.row("SELECT s.login FROM staff s JOIN memberships m ON m.staff_id = s.id "
                       "WHERE NOT s.is_admin ORDER BY s.id LIMIT 1")[0]
    newest = datetime.fromisoformat(str(newest)).replace(tzinfo=timezone.utc) \
        if isinstance(newest, str) else newest
    last = newest.date()
    first = last - timedelta(days=args.days - 1)
    now = datetime.now(timezone.utc)
    start = datetime.combine(first, datetime.min.time(), timezone.utc)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), timezone.utc)
    admin, staff = staff_actor(store, admin_login), staff_actor(store, member)

    def count(table: str) -> None:
        with store.sql() as q:
            q.value(f"SELECT count(*) FROM {table} WHERE created_at >= :a AND created_at < :b",
                    {"a": q.db_time(start), "b": q.db_time(end)})

    if args.without_indexes:
        _drop(store)
    try:
        tickets = timed(lambda: count("tickets"), args.rounds)
        events = timed(lambda: count("ticket_events"), args.rounds)
        as_admin = timed(lambda: desk_report(store, admin, first=first, last=last, now=now),
                         args.rounds)
        as_staff = timed(lambda: desk_report(store, staff, first=first, last=last, now=now),
                         args.rounds)
        report = desk_report(store, admin, first=first, last=last, now=now)
    finally:
        if args.without_indexes:
            _make(store)
    opened = sum(r.opened for r in report.departments)
    replies = sum(r.replies for r in report.departments)
    print(f"period {first} .. {last}: {opened:,} tickets opened, {replies:,} replies"
          f"{' (without the report indexes)' if args.without_indexes else ''}")
    print(f"  baseline, count of the period's tickets: {tickets:.3f} s")
    print(f"  baseline, count of the period's events:  {events:.3f} s")
    timings = [(f"administrator {admin.login}", as_admin), (f"staff {staff.login}", as_staff)]
    if store.dialect == "postgresql":
        timings.append((f"staff {staff.login}, own login role", _in_person(store, staff, first,
                                                                         last, now, args.rounds)))
    for who, seconds in timings:
        print(f"  report as {who}: {seconds:.3f} s = {seconds / tickets:.1f}x the ticket count, "
              f"{seconds / events:.2f}x the event count"
              f" ({'within' if seconds <= 1.0 else 'over'} the one-second target)")


def _in_person(store: Store, staff, first, last, now, rounds: int) -> float:
    """The staff member's report through their own PostgreSQL login (row security on)."""
    from sqlalchemy.engine import make_url

    from store import logins

    role = logins.grant_login(store, staff.login).role
    own = Store.open(make_url(store.url).set(username=role).render_as_string(hide_password=False),
                     migrate=False)
    try:
        return timed(lambda: desk_report(own, staff, first=first, last=last, now=now), rounds)
    finally:
        own.close()


def _drop(store: Store) -> None:
    with store.sql(write=True) as q:
        for name in INDEXES:
            q.run(f"DROP INDEX IF EXISTS {name}")


def _make(store: Store) -> None:
    print("making the report indexes again...")
    with store.sql(write=True) as q:
        for name, what in INDEXES.items():
            table, _, rest = what.partition(" ")
            q.run(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {rest}")


if __name__ == "__main__":
    main()
