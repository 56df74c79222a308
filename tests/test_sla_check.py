"""`sla check` in the store, on SQLite and PostgreSQL: a missed due time becomes one ticket event
`sla_breach`, a second run records nothing, a new due time can breach again; `mail watch` runs it
as one of its passes, at most once per period."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest

from store import service as sv
from store.clock import as_of, utcnow
from store.db import Store
from store.mail.watch import Watch, every
from store.sla import check, policy, step
from tests.desk import make_desk
from tests.test_mail_watch import WAIT, wait_until


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, 7, hour, minute, tzinfo=timezone.utc)


@pytest.fixture
def desk(db_url):
    store = Store.open(db_url)
    d = make_desk(store)
    policy.set_policy(store, "Technical support", None, 60, 30)
    yield d
    store.close()


def _breaches(store, tid: int) -> list[str]:
    with store.sql() as q:
        return [d for d, in q.rows("SELECT detail FROM ticket_events WHERE ticket_id = :t AND "
                                   "action = 'sla_breach' ORDER BY id", {"t": tid})]


def test_a_breach_is_recorded_once_and_a_new_due_time_can_breach_again(desk) -> None:
    with as_of(at(9)):
        tid = desk.open()
        on_time = desk.open()
    with as_of(at(9, 30)):
        token = sv.take(desk.store, desk.alice, on_time).token
        sv.reply(desk.store, desk.alice, on_time, "Done.", token=token)
    with as_of(at(10, 1)):
        assert [(b.ticket_id, b.target) for b in check.check(desk.store)] == [(tid, "first response")]
        assert check.check(desk.store) == []
    assert _breaches(desk.store, tid) == ["first response due 2026-12-07 10:00 UTC missed"]
    with desk.store.sql() as q:
        row = step.load(q, tid)
    assert row["breached"] and row["breach_noted"] == at(10)
    with as_of(at(10, 5)):
        token = sv.take(desk.store, desk.alice, tid).token
        sv.reply(desk.store, desk.alice, tid, "Sorry, on it.", token=token)
    with as_of(at(10, 10)):
        sv.client_reply(desk.store, desk.john, tid, "Still down.")
    with as_of(at(11)):
        assert [b.target for b in check.check(desk.store)] == ["next response"]
        assert check.check(desk.store) == []
    assert _breaches(desk.store, tid)[-1] == "next response due 2026-12-07 10:40 UTC missed"
    assert _breaches(desk.store, on_time) == []


def test_every_runs_a_pass_at_most_once_per_period() -> None:
    calls: list[object] = []
    throttled = every(3600, calls.append)
    for _ in range(3):
        throttled("store")
    assert calls == ["store"] and throttled.__name__ == "append"


def test_mail_watch_records_breaches(sqlite_url) -> None:
    store = Store.open(sqlite_url)
    desk = make_desk(store)
    policy.set_policy(store, "Technical support", None, 1)
    with as_of(utcnow() - timedelta(hours=2)):  # the watch runs on the real clock
        tid = desk.open()
    lines: list[str] = []
    service = Watch(store, log=lines.append, passes=[every(30, check.check)])
    runner = threading.Thread(target=service.run)
    runner.start()
    try:
        wait_until(lambda: _breaches(store, tid), "the breach", timeout=WAIT)
    finally:
        service.stop()
        runner.join(WAIT)
    assert len(_breaches(store, tid)) == 1 and not runner.is_alive()
    store.close()


def test_two_checks_at_once_record_each_breach_once(desk) -> None:
    with as_of(at(9)):
        ids = [desk.open(subject=f"Outage {n}") for n in range(20)]
    url = desk.store.url
    found: list[list] = []

    def run() -> None:
        store = Store.open(url, migrate=False)
        try:
            with as_of(at(12)):
                found.append(check.check(store))
        finally:
            store.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT)
    assert sorted(b.ticket_id for run_ in found for b in run_) == ids
    assert all(len(_breaches(desk.store, tid)) == 1 for tid in ids)
