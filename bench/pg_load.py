"""Load on the shared PostgreSQL store: N staff processes run take -> reply -> Ok in a loop.

    .venv/bin/python -m bench.pg_load [--seconds 60] [--staff 20] [--tickets 2000] [--db URL]

Without --db it starts a throw-away local server (tests/pgcluster.py). Each staff member has
their own PostgreSQL login role (row security and the write rules on, no superuser; the client
process runs as the operator), belongs to one of four
departments, and loops: the first page of their queue, take a ticket from it (a ticket another
process took first counts as a conflict), reply with Ok (closes it for them, releases the lock).
A client process writes again on closed tickets, so the queues never run dry. Prints loops per
second and latency percentiles of each step. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import statistics
import time
import uuid

DEPARTMENTS = ("Technical support", "Billing", "Domains", "Sales")


def _staff_loop(url: str, login: str, seconds: float, seed: int, out) -> None:
    from store import service as sv
    from store.actors import staff_actor
    from store.db import Store
    from store.errors import LockedByOther, Refused
    from store.service import ListSpec

    rng = random.Random(seed)
    store = Store.open(url, migrate=False)
    me = staff_actor(store, login)
    times: dict[str, list[float]] = {"queue": [], "take": [], "reply_ok": [], "loop": []}
    conflicts = errors = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t0 = time.perf_counter()
        page = sv.list_tickets(store, me, ListSpec("queue"), limit=20)
        t1 = time.perf_counter()
        times["queue"].append(t1 - t0)
        free = [r for r in page if r.locked_by is None]
        if not free:
            time.sleep(0.05)
            continue
        row = rng.choice(free[:5])
        try:
            lock = sv.take(store, me, row.id)
        except LockedByOther:
            conflicts += 1
            continue
        except Refused:
            errors += 1
            continue
        t2 = time.perf_counter()
        times["take"].append(t2 - t1)
        try:
            sv.reply(store, me, row.id, "Done: restarted the service, all green now.",
                     close=True, token=lock.token)
        except Refused:
            errors += 1
            continue
        t3 = time.perf_counter()
        times["reply_ok"].append(t3 - t2)
        times["loop"].append(t3 - t0)
    store.close()
    out.put((login, times, conflicts, errors))


def _client_loop(url: str, emails: list[str], seconds: float, out) -> None:
    """Reopens closed tickets (a client message), about as fast as staff close them."""
    from sqlalchemy import select

    from store import service as sv
    from store.actors import client_actor
    from store.db import Store
    from store.models import Client, Ticket

    store = Store.open(url, migrate=False)
    actors = {e: client_actor(store, e) for e in emails}
    by_id = {a.id: a for a in actors.values()}
    sent = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with store.read() as s:
            rows = s.execute(select(Ticket.id, Ticket.client_id).where(~Ticket.is_open)
                             .limit(50)).all()
        for tid, cid in rows:
            sv.client_reply(store, by_id[cid], tid, "It broke again, sorry.")
            sent += 1
        if not rows:
            time.sleep(0.1)
    store.close()
    out.put(("client", sent))


def _setup(url: str, staff: int, tickets: int, tag: str) -> tuple[list[str], list[str]]:
    from store import admin, logins
    from store import service as sv
    from store.actors import client_actor
    from store.db import Store

    store = Store.open(url)
    try:
        for d in DEPARTMENTS:
            admin.add_department(store, d)
        names = []
        for i in range(staff):
            login = f"agent{i:02d}_{tag}"
            admin.add_staff(store, login, f"Agent {i}", [DEPARTMENTS[i % len(DEPARTMENTS)]])
            logins.grant_login(store, login)
            names.append(login)
        emails = [f"client{i}.{tag}@example.com" for i in range(20)]
        for e in emails:
            admin.add_client(store, e, e.split("@")[0])
        rng = random.Random(7)
        actors = [client_actor(store, e) for e in emails]
        for n in range(tickets):
            sv.open_ticket(store, rng.choice(actors), DEPARTMENTS[n % len(DEPARTMENTS)],
                           f"Load ticket {n}", "The site is slow again.")
        return names, emails
    finally:
        store.close()


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--staff", type=int, default=20)
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--db", help="an empty PostgreSQL database, as a superuser or operator")
    args = parser.parse_args(argv)
    from sqlalchemy.engine import make_url

    cluster = None
    url = args.db
    if url is None:
        from tests.pgcluster import PgCluster

        cluster = PgCluster().start()
        cluster.admin_sql("CREATE DATABASE load")
        url = cluster.url("load")
    try:
        tag = uuid.uuid4().hex[:6]
        t0 = time.monotonic()
        names, emails = _setup(url, args.staff, args.tickets, tag)
        print(f"set up {args.staff} staff roles, {args.tickets} tickets in "
              f"{time.monotonic() - t0:.1f} s; running {args.seconds:.0f} s...")
        ctx = mp.get_context("spawn")
        out = ctx.Queue()
        procs = [ctx.Process(target=_staff_loop, args=(
            make_url(url).set(username=n).render_as_string(hide_password=False),
            n, args.seconds, i, out)) for i, n in enumerate(names)]
        procs.append(ctx.Process(target=_client_loop, args=(url, emails, args.seconds, out)))
        for p in procs:
            p.start()
        results = [out.get(timeout=args.seconds + 120) for _ in procs]
        for p in procs:
            p.join()
        merged: dict[str, list[float]] = {}
        conflicts = errors = reopened = 0
        for r in results:
            if r[0] == "client":
                reopened = r[1]
                continue
            _, times, c, e = r
            conflicts += c
            errors += e
            for k, v in times.items():
                merged.setdefault(k, []).extend(v)
        loops = len(merged.get("loop", []))
        print(f"{args.staff} staff processes, {args.seconds:.0f} s: {loops} take-reply-Ok loops, "
              f"{loops / args.seconds:.1f} loops/s; {conflicts} lost take races, {errors} refusals, "
              f"{reopened} client messages reopening tickets")
        print(f"{'step':10} {'n':>7} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8} {'mean':>8}")
        for k in ("queue", "take", "reply_ok", "loop"):
            v = merged.get(k, [])
            mean = statistics.fmean(v) * 1000 if v else float("nan")
            print(f"{k:10} {len(v):7d} {_pct(v, 50):8.1f} {_pct(v, 90):8.1f} {_pct(v, 99):8.1f} "
                  f"{_pct(v, 100):8.1f} {mean:8.1f}")
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
