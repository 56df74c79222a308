"""Two processes release the same held replies at once (each its own connection): every reply
is released once: one unread count and one event each (store/service/held_release.py). A
release killed half-way (SIGKILL) leaves nothing: the next one does it whole, once."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

from store import admin
from store import clock as store_clock
from store import service as sv
from store.db import Store
from tests.desk import make_desk

REPLIES = 12


def test_two_racing_releases_release_each_reply_once(store, db_url: str, monkeypatch) -> None:
    desk = make_desk(store)
    admin.set_setting(store, "send_delay_seconds", "10")
    tickets = []
    for n in range(REPLIES):
        tid, token = desk.taken()
        sv.reply(store, desk.alice, tid, f"answer {n}", token=token)
        tickets.append(tid)
    moment = store_clock.utcnow() + timedelta(seconds=11)
    monkeypatch.setattr(store_clock, "utcnow", lambda: moment)
    racers = [Store.open(db_url), Store.open(db_url)]
    start, counts, errors = threading.Barrier(2), [], []

    def release(one: Store) -> None:
        try:
            start.wait()
            counts.append(sv.release_due(one))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=release, args=(one,)) for one in racers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for one in racers:
        one.close()
    assert not errors
    assert sum(counts) == REPLIES
    for tid in tickets:
        assert sv.peek(store, desk.john, tid).status == "New messages"
        assert [e.action for e in sv.history(store, desk.root, tid)].count("reply_released") == 1
    with store.sql() as q:
        assert q.value("SELECT sum(client_unread) FROM tickets") == REPLIES
        assert q.value("SELECT count(*) FROM held_sends") == 0


CHILD = """
import sys, time
from store.db import Store
store = Store.open(sys.argv[1], migrate=False)
with store.sql(write=True) as q:  # a release half done: the message cleared, the count added
    q.run("UPDATE messages SET held_until = NULL WHERE held_until IS NOT NULL")
    q.run("UPDATE tickets SET client_unread = client_unread + 1")
    print("mid-release", flush=True)
    time.sleep(60)
"""


def test_a_release_killed_half_way_is_done_whole_by_the_next(store, db_url: str,
                                                              monkeypatch) -> None:
    import os
    import signal
    import subprocess
    import sys

    desk = make_desk(store)
    admin.set_setting(store, "send_delay_seconds", "10")
    tid, token = desk.taken()
    sv.reply(store, desk.alice, tid, "answer", token=token)
    child = subprocess.Popen([sys.executable, "-c", CHILD, db_url], stdout=subprocess.PIPE,
                             text=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    try:
        assert child.stdout.readline().strip() == "mid-release"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert sv.peek(store, desk.root, tid).messages[-1].held_until is not None  # nothing kept
    moment = store_clock.utcnow() + timedelta(seconds=11)
    monkeypatch.setattr(store_clock, "utcnow", lambda: moment)
    assert sv.release_due(store) == 1
    assert sv.release_due(store) == 0
    assert sv.peek(store, desk.john, tid).status == "New messages"
    with store.sql() as q:
        assert q.value("SELECT client_unread FROM tickets WHERE id = :t", {"t": tid}) == 1
