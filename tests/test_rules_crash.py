"""`ticket-tui rule run` (PostgreSQL: the operator's worker for the events the database queued)
killed with SIGKILL at random moments, and two workers at once: each event's rules run exactly
once (one system message per rule, one comment, one round-robin turn per ticket), the queue
ends empty, and the round-robin deals the tickets out fairly whatever the kills and the race."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store import service as sv
from store.rules.manage import add_rule
from tests.desk import make_desk
from tests.rules_desk import rows

ROOT = Path(__file__).resolve().parent.parent
WAIT = 60
TICKETS = 40
pytestmark = pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.pg)], indirect=True)


@pytest.fixture
def queued(store, db_url):
    """TICKETS tickets opened by john's own login: their rules wait in the queue."""
    desk = make_desk(store)
    add_rule(store, None, "rr", round_robin=True, comment="dealt")
    add_rule(store, None, "fav", favorite="carol")
    for i in range(TICKETS):
        sv.open_ticket(store, desk.john, "Technical support", f"Ticket {i}", "help")
    assert rows(store, "SELECT count(*) FROM rule_queue") == [(TICKETS,)]
    return store


def worker(url: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "ticket_tui", "--db", url, "rule", "run"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def check_once(store) -> dict[str, int]:
    """Every ticket whose event ran has each rule's trace exactly once; the dealt count by login."""
    for tid, in rows(store, "SELECT DISTINCT ticket_id FROM rule_runs"):
        assert rows(store, "SELECT count(*) FROM messages WHERE ticket_id = :t AND kind = 'system'",
                    t=tid) == [(2,)]
        assert rows(store, "SELECT count(*) FROM messages WHERE ticket_id = :t AND kind = 'internal'",
                    t=tid) == [(1,)]
        assert rows(store, "SELECT count(*) FROM holders WHERE ticket_id = :t AND staff_id IS NOT "
                           "NULL", t=tid) == [(1,)]
    ran = rows(store, "SELECT count(DISTINCT ticket_id) FROM rule_runs")[0][0]
    assert ran + rows(store, "SELECT count(*) FROM rule_queue")[0][0] == TICKETS
    assert rows(store, "SELECT count(*) FROM rule_runs")[0][0] == 2 * ran
    return dict(rows(store, "SELECT s.login, count(*) FROM tickets t JOIN staff s "
                            "ON s.id = t.responsible_staff_id GROUP BY s.login"))


def test_rule_run_killed_at_any_moment_runs_each_event_once(queued) -> None:
    store, chance = queued, random.Random(19)
    started = time.monotonic()
    full = worker(store.url)
    assert full.wait(WAIT) == 0  # a whole run, to time the kills by: then queue more
    full_run = time.monotonic() - started
    check_once(store)
    with store.write() as s:  # the same events again, as if never run (their runs forgotten)
        from sqlalchemy import text

        s.execute(text("DELETE FROM rule_runs"))
        s.execute(text("DELETE FROM messages WHERE kind IN ('system', 'internal')"))
        s.execute(text("DELETE FROM holders WHERE staff_id IS NOT NULL"))
        s.execute(text("DELETE FROM favorites"))
        s.execute(text("UPDATE tickets SET responsible_staff_id = NULL"))
        s.execute(text("UPDATE rules SET last_assigned_id = NULL"))
        s.execute(text("INSERT INTO rule_queue (ticket_id, event, message_id, queued_at) "
                       "SELECT ticket_id, 'new', id, now() FROM messages WHERE kind = 'client'"))
    for _ in range(6):
        proc = worker(store.url)
        time.sleep(chance.uniform(0.5, 0.9) * full_run)
        proc.send_signal(signal.SIGKILL)
        proc.wait(WAIT)
        check_once(store)
    assert worker(store.url).wait(WAIT) == 0
    assert check_once(store) == {"alice": TICKETS // 2, "carol": TICKETS // 2}
    assert rows(store, "SELECT count(*) FROM rule_queue") == [(0,)]
    assert rows(store, "SELECT count(*) FROM favorites") == [(TICKETS,)]


def test_two_workers_at_once_share_the_queue_and_deal_fairly(queued) -> None:
    store = queued
    procs = [worker(store.url), worker(store.url)]
    done = [p.communicate(timeout=WAIT) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err.decode() for _, err in done]
    outputs = [out.decode() for out, _ in done]
    lines = [line for out in outputs for line in out.splitlines() if line.startswith("#")]
    assert len(lines) == TICKETS  # each event run by one of them
    assert check_once(store) == {"alice": TICKETS // 2, "carol": TICKETS // 2}
    assert rows(store, "SELECT count(*) FROM rule_queue") == [(0,)]
