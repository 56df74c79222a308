"""What the response targets' step costs a bulk close (issue 19): the same bulk close of N
tickets, in the same run and database, with the step switched off (the baseline, as before
response targets existed), on with no policy anywhere, and on with a policy and business hours
for the tickets' department.

    .venv/bin/python -m bench.sla_step [--tickets 500] [--rounds 3] [--postgresql]

Each round opens N tickets per mode (each mode its own client; the policy's mode its own
department) and bulk-closes them by a queue view filtered by client (bench/bulk_close.py's way),
the modes' order turning each round. Not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from bench.bulk_close import _desk as agent_desk
from bench.run import bench_db
from store import admin
from store import service as sv
from store.actors import client_actor, staff_actor
from store.db import Store
from store.sla import hours, policy, step

PLAIN, TARGETS = "Technical support", "Targets"
MODES = {"off": ("off@example.com", PLAIN), "on, no policy": ("on@example.com", PLAIN),
         "on, with a policy": ("policy@example.com", TARGETS)}


def _setup(url: str) -> None:
    store = Store.open(url)
    try:
        admin.add_department(store, TARGETS)
        with store.sql(write=True) as q:  # the agent works in both departments
            q.run("INSERT INTO memberships (staff_id, department_id, is_head) SELECT s.id, d.id, "
                  "FALSE FROM staff s, departments d WHERE s.login = 'agent' AND d.name = :d",
                  {"d": TARGETS})
        for email, _ in MODES.values():
            admin.add_client(store, email, email.split("@")[0])
        hours.set_hours(store, TARGETS, "Europe/Berlin", ["mon-fri 09:00-17:00"], ["2026-12-25"])
        policy.set_policy(store, TARGETS, None, 60, 30, 480)
    finally:
        store.close()


def _close_all(store: Store, agent, email: str, n: int, step_on: bool) -> float:
    selection = sv.Selection.of_list(sv.ListSpec("queue", client_email=email))
    switch = step.python_step_runs
    step.python_step_runs = switch if step_on else (lambda dialect: False)
    try:
        started = time.perf_counter()
        result = sv.run_bulk(store, agent, selection, sv.BulkAction("close"))
        seconds = time.perf_counter() - started
    finally:
        step.python_step_runs = switch
    assert len(result.done) == n and not result.refused, result.summary()
    return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgresql", action="store_true")
    args = parser.parse_args(argv)
    sqlite_url = f"sqlite:///{tempfile.mkdtemp(prefix='ticket-tui-sla-')}/bench.db"
    with bench_db(None if args.postgresql else sqlite_url, 0, args.postgresql) as url:
        agent_url = agent_desk(url, args.postgresql)
        _setup(url)
        _measure(url, agent_url, args)


def _measure(url: str, agent_url: str, args) -> None:
    operator = Store.open(url, migrate=False)
    store = operator if agent_url == url else Store.open(agent_url, migrate=False)
    agent = staff_actor(store, "agent")
    times: dict[str, list[float]] = {mode: [] for mode in MODES}
    names = list(MODES)
    for r in range(args.rounds):
        for mode in names[r % 3:] + names[:r % 3]:
            email, department = MODES[mode]
            client = client_actor(operator, email)
            for i in range(args.tickets):
                sv.open_ticket(operator, client, department, f"Outage {i}", "Our site is down.")
            times[mode].append(_close_all(store, agent, email, args.tickets, mode != "off"))
        print(f"round {r + 1}: " + ", ".join(f"{m} {t[-1]:.2f} s" for m, t in times.items()),
              flush=True)
    if store is not operator:
        store.close()
    operator.close()
    n = args.tickets
    base = statistics.median(times["off"])
    kind = "PostgreSQL (the agent's own login role)" if args.postgresql else "SQLite"
    print(f"\nBulk close of {n:,} tickets, {kind}, medians of {args.rounds} rounds")
    for mode, values in times.items():
        seconds = statistics.median(values)
        print(f"  step {mode:18} {seconds:6.2f} s  {n / seconds:6.0f} tickets/s  "
              f"{seconds / base:.2f}x the time of the step off")


if __name__ == "__main__":
    main()
