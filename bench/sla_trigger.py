"""What the database's response targets' step (migration 0016's trigger) costs a bulk close on
PostgreSQL: bench/sla_step.py's desk and modes, in one run and database, the agent acting as
its own login role; the baseline is the trigger switched off by the operator (ALTER TABLE ...
DISABLE TRIGGER), then on with no policy for the tickets' department, then on with a policy and
business hours (Europe/Berlin, a holiday).

    .venv/bin/python -m bench.sla_trigger [--tickets 500] [--rounds 3]

Each close records events (take, close) for each ticket: each event runs the step at the commit.
On a shared machine the closes' times swing more than the step costs, so the share of each
close spent inside the step's functions (pg_stat_user_functions) is printed beside them.
Then the trigger alone, without the app: one statement inserting an event for each of those
tickets, the step run at its end (SET CONSTRAINTS ALL IMMEDIATE) and rolled back, with the
trigger off, on for tickets without a policy, on for tickets whose rows exist (nothing changes),
and on for tickets whose rows are made (rows deleted first in the same transaction).
Not a test: the numbers depend on the machine; the ratios are what to read.
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.bulk_close import _desk as agent_desk
from bench.run import bench_db
from bench.sla_step import MODES, _close_all, _setup
from store import service as sv
from store.actors import client_actor, staff_actor
from store.db import Store
from store.sla import pg_refresh

OFF = "off"  # the first of sla_step's modes: here, the trigger disabled


TRIGGERS = [("ticket_events", "ticket_tui_sla")] + [
    (table, name) for name, table, _ in pg_refresh.input_triggers("public")]
STEP = "('ticket_tui_sla_event', 'ticket_tui_sla_input')"  # their time includes the step's


def _trigger(operator: Store, on: bool) -> None:
    with operator.sql(write=True) as q:
        for table, name in TRIGGERS:
            q.run(f"ALTER TABLE {table} {'ENABLE' if on else 'DISABLE'} TRIGGER {name}")


def _measure(url: str, agent_url: str, tickets: int, rounds: int):
    """The bulk closes' seconds per mode, and the seconds spent in the step's functions
    (pg_stat_user_functions, flushed when the agent's connections close)."""
    operator = Store.open(url, migrate=False)
    with operator.sql(write=True) as q:
        q.run("ALTER DATABASE bench SET track_functions = 'pl'")
    times: dict[str, list[float]] = {mode: [] for mode in MODES}
    in_step: dict[str, list[float]] = {mode: [] for mode in MODES}
    names = list(MODES)
    try:
        for r in range(rounds):
            for mode in names[r % 3:] + names[:r % 3]:
                email, department = MODES[mode]
                client = client_actor(operator, email)
                for i in range(tickets):  # opened with the trigger on: the tickets have rows
                    sv.open_ticket(operator, client, department, f"Outage {i}", "Our site is down.")
                _trigger(operator, mode != OFF)
                with operator.sql() as q:
                    q.value("SELECT pg_stat_reset()")
                store = Store.open(agent_url, migrate=False)
                try:
                    times[mode].append(_close_all(store, staff_actor(store, "agent"), email,
                                                  tickets, True))
                finally:
                    store.close()
                    _trigger(operator, True)
                in_step[mode].append(_seconds_in_step(operator))
            print(f"round {r + 1}: " + ", ".join(f"{m} {t[-1]:.2f} s" for m, t in times.items()),
                  flush=True)
    finally:
        operator.close()
    return times, in_step


def _seconds_in_step(operator: Store) -> float:
    time.sleep(0.5)  # the closed connections' statistics reach the server
    with operator.sql() as q:
        return q.value(f"SELECT coalesce(sum(total_time), 0) / 1000.0 FROM pg_stat_user_functions "
                       f"WHERE funcname IN {STEP}")


ALONE = {  # mode: (department, delete the rows first, trigger on)
    "trigger off": ("Targets", False, False),
    "on, no policy": ("Technical support", False, True),
    "on, rows kept": ("Targets", False, True),
    "on, rows made": ("Targets", True, True),
}


def _alone(url: str, rounds: int) -> dict[str, list[float]]:
    import psycopg

    times: dict[str, list[float]] = {mode: [] for mode in ALONE}
    events: dict[str, int] = {}
    names = list(ALONE)
    with psycopg.connect(url) as conn:
        for r in range(rounds * 3):
            for mode in names[r % 4:] + names[:r % 4]:
                department, remake, on = ALONE[mode]
                conn.execute(f"ALTER TABLE ticket_events {'ENABLE' if on else 'DISABLE'} "
                             "TRIGGER ticket_tui_sla")
                conn.commit()
                conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
                if remake:
                    conn.execute("DELETE FROM ticket_sla")
                started = time.perf_counter()
                events[mode] = conn.execute(
                    "INSERT INTO ticket_events (ticket_id, action, detail, created_at) "
                    "SELECT t.id, 'note', '', now() FROM tickets t JOIN departments d "
                    "ON d.id = t.department_id WHERE d.name = %s", (department,)).rowcount
                times[mode].append((time.perf_counter() - started) / events[mode])
                conn.rollback()
        conn.execute("ALTER TABLE ticket_events ENABLE TRIGGER ticket_tui_sla")
        conn.commit()
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    with bench_db(None, 0, True) as url:  # a throw-away PostgreSQL server
        agent_url = agent_desk(url, True)
        _setup(url)
        times, in_step = _measure(url, agent_url, args.tickets, args.rounds)
        alone = _alone(url, args.rounds)
    n, base = args.tickets, statistics.median(times[OFF])
    print(f"\nBulk close of {n:,} tickets on PostgreSQL (the agent's own login role), medians of "
          f"{args.rounds} rounds")
    for mode, values in times.items():
        seconds = statistics.median(values)
        label = "trigger off" if mode == OFF else f"trigger {mode}"
        share = statistics.median(s / t for s, t in zip(in_step[mode], values))
        print(f"  {label:26} {seconds:6.2f} s  {n / seconds:6.0f} tickets/s  "
              f"{seconds / base:.2f}x the time of the trigger off; {share:6.1%} of it in the step")
    base = statistics.median(alone["trigger off"])
    print(f"\nThe trigger alone: one INSERT of an event for each ticket of the department "
          f"({n * args.rounds:,} with a policy), time per event, medians of {args.rounds * 3} rounds")
    for mode, values in alone.items():
        seconds = statistics.median(values)
        print(f"  {mode:26} {seconds * 1e6:7.1f} us/event  "
              f"{seconds / base:6.2f}x the time of the trigger off")


if __name__ == "__main__":
    main()
