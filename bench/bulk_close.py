"""Bulk close against closing one by one (issue 20): the same number of tickets, the same staff
member, the same database, in the same run.

    .venv/bin/python -m bench.bulk_close [--tickets 1000] [--rounds 3] [--postgresql]

Each round opens 2 x N tickets for two clients; one client's tickets are closed one by one with
the service's calls, as `ticket take ID` and `ticket close ID` do (the baseline), the other's
with one bulk close selected by the queue and a client filter (walked page by page, each ticket
its own transaction, the lock taken in it). The rounds alternate which goes first. Then the peak
of Python's allocations during a bulk close of N/4 tickets and of N: flat when the run keeps
nothing per ticket (its done ids are runs of consecutive ids, bulk_records.DoneIds). With
--postgresql a throw-away server is started (tests/pgcluster.py) and the staff member acts
through their own login role. Not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import tracemalloc

from sqlalchemy.engine import make_url

from store import admin, logins
from store import service as sv
from store.actors import client_actor, staff_actor
from store.db import Store

DEPARTMENT = "Technical support"
ONE_BY_ONE, BULK = "single@example.com", "bulk@example.com"


def _desk(url: str, postgresql: bool) -> str:
    """The desk as the operator; returns the URL the staff member acts with."""
    store = Store.open(url)
    try:
        admin.add_department(store, DEPARTMENT)
        admin.add_staff(store, "agent", "Alex Agent", [DEPARTMENT])
        admin.add_client(store, ONE_BY_ONE, "One By One")
        admin.add_client(store, BULK, "All At Once")
        if not postgresql:
            return url
        role = logins.grant_login(store, "agent").role
        return make_url(url).set(username=role).render_as_string(hide_password=False)
    finally:
        store.close()


def _open(store: Store, email: str, n: int) -> list[int]:
    client = client_actor(store, email)
    return [sv.open_ticket(store, client, DEPARTMENT, f"Outage {i}", "Our site is down.")
            for i in range(n)]


def _one_by_one(store: Store, agent, ids: list[int]) -> float:
    started = time.perf_counter()
    for tid in ids:
        sv.close(store, agent, tid, token=sv.take(store, agent, tid).token)
    return time.perf_counter() - started


def _bulk(store: Store, agent, n: int, *, traced: bool = False) -> float:
    """Seconds; with traced, the peak of Python's allocations instead (tracemalloc slows every
    allocation, so a traced run is never timed)."""
    selection = sv.Selection.of_list(sv.ListSpec("queue", client_email=BULK))
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    result = sv.run_bulk(store, agent, selection, sv.BulkAction("close"))
    seconds = time.perf_counter() - started
    assert len(result.done) == n and not result.refused, result.summary()
    if not traced:
        return seconds
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgresql", action="store_true")
    args = parser.parse_args(argv)
    cluster = None
    if args.postgresql:
        from tests.pgcluster import PgCluster

        cluster = PgCluster().start()
        cluster.admin_sql("CREATE DATABASE bulk_bench")
        url = cluster.url("bulk_bench")
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='ticket-tui-bulk-')}/bench.db"
    try:
        _measure(url, _desk(url, args.postgresql), args)
    finally:
        if cluster is not None:
            cluster.stop()


def _measure(url: str, agent_url: str, args) -> None:
    """Clients open tickets on the operator's store; the agent acts on their own."""
    operator = Store.open(url, migrate=False)
    store = operator if agent_url == url else Store.open(agent_url, migrate=False)
    agent = staff_actor(store, "agent")
    singles, bulks = [], []
    for r in range(args.rounds):
        single_ids = _open(operator, ONE_BY_ONE, args.tickets)
        _open(operator, BULK, args.tickets)
        if r % 2:
            bulk_s = _bulk(store, agent, args.tickets)
            single_s = _one_by_one(store, agent, single_ids)
        else:
            single_s = _one_by_one(store, agent, single_ids)
            bulk_s = _bulk(store, agent, args.tickets)
        singles.append(single_s)
        bulks.append(bulk_s)
        print(f"round {r + 1}: one by one {single_s:.2f} s, bulk {bulk_s:.2f} s", flush=True)
    peaks = {}
    for n in (args.tickets // 4, args.tickets):  # memory as the count grows
        _open(operator, BULK, n)
        peaks[n] = _bulk(store, agent, n, traced=True)
    if store is not operator:
        store.close()
    operator.close()
    n, single, bulk = args.tickets, statistics.median(singles), statistics.median(bulks)
    kind = "PostgreSQL (the agent's own login role)" if args.postgresql else "SQLite"
    print(f"\nBulk close of {n:,} tickets, {kind}, medians of {args.rounds} rounds")
    print(f"  one by one (take + close, service calls): {single:6.2f} s  {n / single:7.0f} tickets/s")
    print(f"  bulk close (--view queue --filter-client): {bulk:6.2f} s  {n / bulk:7.0f} tickets/s")
    print(f"  ratio bulk / one by one: {bulk / single:.2f}x the time")
    (few, few_peak), (many, many_peak) = peaks.items()
    print(f"  peak of Python's allocations during a bulk close: {few:,} tickets "
          f"{few_peak / 1e6:.3f} MB, {many:,} tickets {many_peak / 1e6:.3f} MB: "
          f"{many_peak / few_peak:.2f}x for {many / few:.0f}x the tickets")

if __name__ == "__main__":
    main()
