"""A desk that never used response targets pays no query for them (the step's answer is kept
per connection for UNUSED_TTL), and a policy set by another process is seen once it expires;
one set in this process is seen at once."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from store.db import Store
from store.sla import policy, step
from tests.desk import make_desk

CLI = Path(sys.executable).with_name("ticket-tui")


def _row(store, tid: int):
    with store.sql() as q:
        return step.load(q, tid)


def test_a_policy_set_elsewhere_is_seen_within_the_ttl(sqlite_url, monkeypatch) -> None:
    monkeypatch.setattr(step, "UNUSED_TTL", 0.2)
    store = Store.open(sqlite_url)
    desk = make_desk(store)
    desk.open()  # the desk is seen unused
    done = subprocess.run([str(CLI), "--db", sqlite_url, "sla", "set", "--department",
                           "Technical support", "--first-response", "60"],
                          capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(Path(__file__).resolve().parent.parent),
                               "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    time.sleep(0.3)
    assert _row(store, desk.open())["first_due"] is not None
    store.close()


def test_a_policy_set_here_is_seen_at_once(sqlite_url, monkeypatch) -> None:
    monkeypatch.setattr(step, "UNUSED_TTL", 3600.0)
    store = Store.open(sqlite_url)
    desk = make_desk(store)
    assert _row(store, desk.open()) is None
    policy.set_policy(store, "Technical support", None, 60)
    assert _row(store, desk.open()) is not None
    store.close()
