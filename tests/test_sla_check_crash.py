"""`sla check` killed (SIGKILL) at random moments, then run again to the end: each missed due time
is one ticket event, never two, never none, and its row says so (breach_noted) exactly when the
event exists. The real command line runs it; its batches are made small to be killed between
and inside them."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from store.clock import as_of, utcnow
from store.db import Store
from store.sla import policy
from tests.desk import make_desk

CLI = Path(sys.executable).with_name("ticket-tui")
TICKETS = 1200
WAIT = 60
ROUNDS = 8


def _state(store) -> dict[int, tuple[int, bool]]:
    with store.sql() as q:
        return {t: (int(n), noted is not None) for t, n, noted in q.rows(
            "SELECT s.ticket_id, (SELECT count(*) FROM ticket_events e WHERE e.ticket_id = "
            "s.ticket_id AND e.action = 'sla_breach'), s.breach_noted FROM ticket_sla s")}


def _noted(store) -> int:
    with store.sql() as q:
        return q.value("SELECT count(*) FROM ticket_sla WHERE breach_noted IS NOT NULL")


def test_a_killed_sla_check_run_again_records_each_breach_once(sqlite_url) -> None:
    store = Store.open(sqlite_url)
    desk = make_desk(store)
    policy.set_policy(store, "Technical support", None, 1)
    with as_of(utcnow() - timedelta(hours=1)):
        for n in range(TICKETS):
            desk.open(subject=f"Outage {n}")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
           "TICKET_TUI_SLA_BATCH": "1"}
    rng = random.Random(20261203)
    partial = 0  # kills that landed in the middle of the run
    for _ in range(ROUNDS):
        proc = subprocess.Popen([str(CLI), "--db", sqlite_url, "sla", "check"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        before = _noted(store)
        deadline = time.monotonic() + WAIT
        while _noted(store) == before and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)  # until it has committed something, then a moment more or less
        time.sleep(rng.uniform(0, 0.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait(WAIT)
        states = list(_state(store).values())
        assert set(states) <= {(0, False), (1, True)}
        partial += 0 < states.count((1, True)) < TICKETS
    done = subprocess.run([str(CLI), "--db", sqlite_url, "sla", "check"], env=env,
                          capture_output=True, text=True, timeout=WAIT)
    assert done.returncode == 0, done.stderr
    assert set(_state(store).values()) == {(1, True)} and len(_state(store)) == TICKETS
    assert partial >= ROUNDS // 2, "too few kills landed in the middle of a run"
    store.close()
