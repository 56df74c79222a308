"""Two processes release the same held replies at once (each its own connection): every reply
is released once: one unread count and one event each (store/service/held_release.py)."""

from __future__ import annotations

import threading
from datetime import timedelta

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
