"""Two transactions refresh one ticket's due times at once (PostgreSQL's trigger): the second
waits for the first's row, then carries on from it; neither fails on the other's new row."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from store.db import Store
from store.sla import policy, step
from tests.desk import make_desk

pytestmark = pytest.mark.pg

EVENT = "INSERT INTO ticket_events (ticket_id, action, detail, created_at) VALUES (%s, 'note', '', now())"


def _waiting_for_a_lock(url: str, pid: int) -> bool:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s",
                            (pid,)).fetchone()[0]


def test_a_second_refresh_waits_for_the_first_and_carries_on(pg_url) -> None:
    store = Store.open(pg_url)
    try:
        ticket = make_desk(store).open()  # before any policy: no row yet
        policy.set_policy(store, "Technical support", None, 60, 30, 480)
        first, second = psycopg.connect(pg_url), psycopg.connect(pg_url)
        errors: list[BaseException] = []
        for conn in (first, second):
            conn.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the step at the statement's end
        first.execute(EVENT, (ticket,))  # made the row, not committed yet

        def refresh_again() -> None:
            try:
                second.execute(EVENT, (ticket,))
                second.commit()
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        racer = threading.Thread(target=refresh_again)
        racer.start()
        deadline = time.monotonic() + 10
        while not _waiting_for_a_lock(pg_url, second.info.backend_pid):
            assert time.monotonic() < deadline and racer.is_alive(), errors
            time.sleep(0.05)
        first.commit()
        racer.join(10)
        assert not racer.is_alive() and errors == []
        with store.sql() as q:
            row = step.load(q, ticket)
            assert q.value("SELECT count(*) FROM ticket_sla WHERE ticket_id = :t", {"t": ticket}) == 1
        assert row["first_due"] is not None and row["due"] == row["first_due"]
        first.close()
        second.close()
    finally:
        store.close()


def test_two_breach_notes_at_once_record_each_breach_once(pg_url) -> None:
    """sla check's function (migration 0016) run twice at once: the second waits for the first's
    tickets, then finds the breach noted."""
    store = Store.open(pg_url)
    try:
        ticket = make_desk(store).open()
        policy.set_policy(store, "Technical support", None, 60, 30, 480)
        with store.sql(write=True) as q:  # a policy, and the hour passed
            q.run("INSERT INTO ticket_events (ticket_id, action, detail, created_at) "
                  "VALUES (:t, 'note', '', now())", {"t": ticket})
        with store.sql(write=True) as q:
            q.run("UPDATE ticket_sla SET due = now() - interval '1 minute', "
                  "first_due = now() - interval '1 minute' WHERE ticket_id = :t", {"t": ticket})
        note = "SELECT ticket_id FROM ticket_tui_sla_note_breaches(500)"
        first, second = psycopg.connect(pg_url), psycopg.connect(pg_url)
        noted: list = []
        assert first.execute(note).fetchall() == [(ticket,)]
        racer = threading.Thread(target=lambda: (noted.extend(second.execute(note).fetchall()),
                                                 second.commit()))
        racer.start()
        deadline = time.monotonic() + 10
        while not _waiting_for_a_lock(pg_url, second.info.backend_pid):
            assert time.monotonic() < deadline and racer.is_alive()
            time.sleep(0.05)
        first.commit()
        racer.join(10)
        assert not racer.is_alive() and noted == []
        with store.sql() as q:
            assert q.value("SELECT count(*) FROM ticket_events WHERE action = 'sla_breach'") == 1
        first.close()
        second.close()
    finally:
        store.close()
