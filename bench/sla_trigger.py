"""What the database's response targets' step (migration 0016's trigger) costs a bulk close on
PostgreSQL: bench/sla_step.py's desk and modes, in one run and database, the agent acting as
its own login role; the baseline is the trigger switched off by the operator (ALTER TABLE ...
DISABLE TRIGGER), then on with no policy for the tickets' department, then on with a policy and
business hours (Europe/Berlin, a holiday).

    .venv/bin/python -m bench.sla_trigger [--tickets 500] [--rounds 3]

Each close records events (take, close) for each ticket: each event runs the step at the commit.
Not a test: the numbers depend on the machine; the ratios are what to read.
"""

from __future__ import annotations

import argparse
import statistics

from bench.bulk_close import _desk as agent_desk
from bench.sla_step import MODES, _close_all, _setup
from store import service as sv
from store.actors import client_actor, staff_actor
from store.db import Store

OFF = "off"  # the first of sla_step's modes: here, the trigger disabled


def _trigger(operator: Store, on: bool) -> None:
    with operator.sql(write=True) as q:
        q.run(f"ALTER TABLE ticket_events {'ENABLE' if on else 'DISABLE'} TRIGGER ticket_tui_sla")


def _measure(url: str, agent_url: str, tickets: int, rounds: int) -> dict[str, list[float]]:
    operator = Store.open(url, migrate=False)
    store = Store.open(agent_url, migrate=False)
    agent = staff_actor(store, "agent")
    times: dict[str, list[float]] = {mode: [] for mode in MODES}
    names = list(MODES)
    try:
        for r in range(rounds):
            for mode in names[r % 3:] + names[:r % 3]:
                email, department = MODES[mode]
                client = client_actor(operator, email)
                for i in range(tickets):  # opened with the trigger on: the tickets have rows
                    sv.open_ticket(operator, client, department, f"Outage {i}", "Our site is down.")
                _trigger(operator, mode != OFF)
                try:
                    times[mode].append(_close_all(store, agent, email, tickets, True))
                finally:
                    _trigger(operator, True)
            print(f"round {r + 1}: " + ", ".join(f"{m} {t[-1]:.2f} s" for m, t in times.items()),
                  flush=True)
    finally:
        store.close()
        operator.close()
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    from tests.pgcluster import PgCluster

    cluster = PgCluster().start()
    try:
        cluster.admin_sql("CREATE DATABASE sla_trigger_bench")
        url = cluster.url("sla_trigger_bench")
        agent_url = agent_desk(url, True)
        _setup(url)
        times = _measure(url, agent_url, args.tickets, args.rounds)
    finally:
        cluster.stop()
    n, base = args.tickets, statistics.median(times[OFF])
    print(f"\nBulk close of {n:,} tickets on PostgreSQL (the agent's own login role), medians of "
          f"{args.rounds} rounds")
    for mode, values in times.items():
        seconds = statistics.median(values)
        label = "trigger off" if mode == OFF else f"trigger {mode}"
        print(f"  {label:26} {seconds:6.2f} s  {n / seconds:6.0f} tickets/s  "
              f"{seconds / base:.2f}x the time of the trigger off")


if __name__ == "__main__":
    main()
