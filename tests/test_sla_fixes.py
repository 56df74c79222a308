"""Five defects of the response targets found in review (migration 0018), each on SQLite and
PostgreSQL: a policy change that forgot lateness, a response rule's automatic answer counted as
the first response, a held reply (undo send) counted before its release, `sla check` refused to
a login on PostgreSQL, and the seeder's tickets getting due times on PostgreSQL only."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from store import admin
from store import clock as store_clock
from store import service as sv
from store.clock import as_of
from store.db import Store
from store.reports.queries import gather
from store.seed.people import setup_people
from store.seed.run import seed
from store.service.locking import record
from store.sla import check, policy
from tests.desk import make_desk
from tests.rules_desk import TS, opened as rule_opened, rule
from tests.test_sla_events import sla, utc
from tests.test_undo_send import later


@pytest.fixture
def operator_desk(db_url):
    """The operator's connection on both databases: the test clock's moments are kept."""
    store = Store.open(db_url)
    d = make_desk(store)
    yield d
    store.close()


# 1. A policy change remembers lateness.

def urgent_at_nine(desk, normal_minutes: int) -> tuple[int, str]:
    """A ticket opened Monday 09:00 and set to urgent (15 minutes) at once; normal has its
    department's policy for any priority."""
    admin.set_setting(desk.store, "use_priority", "true")
    policy.set_policy(desk.store, TS, None, normal_minutes)
    policy.set_policy(desk.store, TS, "urgent", 15)
    with as_of(utc(2026, 12, 7, 9)):
        tid = desk.open()
        token = sv.take(desk.store, desk.alice, tid).token
        sv.save_parameters(desk.store, desk.alice, tid, priority="urgent", token=token)
    assert sla(desk.store, tid)["first_due"] == utc(2026, 12, 7, 9, 15)
    return tid, token


def test_a_late_first_response_stays_late_after_a_priority_change(operator_desk) -> None:
    desk = operator_desk
    tid, token = urgent_at_nine(desk, 60)
    with as_of(utc(2026, 12, 7, 11)):  # missed by 1 h 45, then back to normal (60 minutes)
        sv.save_parameters(desk.store, desk.alice, tid, priority="normal", token=token)
    row = sla(desk.store, tid)
    assert (row["first_target"], row["first_due"], row["due"]) == (
        60, utc(2026, 12, 7, 11), utc(2026, 12, 7, 11))  # due at once: 120 minutes used of 60
    with as_of(utc(2026, 12, 7, 11, 10)):
        sv.reply(desk.store, desk.alice, tid, "Sorry for the wait.", token=token)
    row = sla(desk.store, tid)
    assert (row["first_met"], row["breached"]) == (False, True)


def test_a_late_clock_keeps_the_minutes_past_its_due_against_a_longer_target(operator_desk) -> None:
    desk = operator_desk
    tid, token = urgent_at_nine(desk, 240)
    with as_of(utc(2026, 12, 7, 10)):  # 60 minutes used of the normal 240: 180 left
        sv.save_parameters(desk.store, desk.alice, tid, priority="normal", token=token)
    assert sla(desk.store, tid)["first_due"] == utc(2026, 12, 7, 13)


# 2. A response rule's automatic answer is no response.

@pytest.fixture
def answering(store):
    desk = make_desk(store)
    policy.set_policy(store, TS, None, 60)
    admin.add_reply_template(store, "Night", "We read your ticket #{ticket.id} in the morning.")
    rule(desk, "Night answer", reply="Night")
    return desk


def test_an_automatic_answer_meets_no_first_response(answering) -> None:
    desk = answering
    tid = rule_opened(desk)
    with desk.store.sql() as q:
        assert q.rows("SELECT automatic, author_staff_id FROM messages WHERE ticket_id = :t "
                      "AND kind = 'staff'", {"t": tid}) == [(True, None)]
    row = sla(desk.store, tid)
    assert (row["first_at"], row["first_met"], row["due"] is not None) == (None, None, True)
    token = sv.take(desk.store, desk.alice, tid).token
    sv.reply(desk.store, desk.alice, tid, "Looking now.", token=token)
    row = sla(desk.store, tid)
    assert (row["first_met"], row["first_at"] is not None) == (True, True)
    answer, reply = [m for m in sv.peek(desk.store, desk.alice, tid).messages if m.kind == "staff"]
    assert (answer.author_name, reply.author_name) == ("Automatic answer", "Alice Smith")
    with desk.store.sql() as q:  # the reports: one reply, its first response is alice's
        start = datetime.now(timezone.utc) - timedelta(days=1)
        f = gather(q, start, start + timedelta(days=2), start + timedelta(days=1),
                   [r for r, in q.rows("SELECT id FROM departments")])
    assert sum(f.replies.values()) == 1
    assert sum(len(v) for v in f.first_response.values()) == 1
    assert list(f.replies) == [(reply_department(desk.store, tid), desk.alice.id)]


def reply_department(store, tid: int) -> int:
    with store.sql() as q:
        return q.value("SELECT department_id FROM tickets WHERE id = :t", {"t": tid})


def test_a_desk_answer_from_the_mail_history_is_shown_as_the_desks(operator_desk) -> None:
    desk = operator_desk
    tid = desk.open()
    with desk.store.sql(write=True) as q:  # what `mail import`'s _desk_answer writes
        q.run("INSERT INTO messages (ticket_id, kind, body, created_at) VALUES "
              "(:t, 'staff', 'Answered by mail.', :at)", {"t": tid, "at": q.db_time(
                  store_clock.utcnow())})
    shown = sv.peek(desk.store, desk.alice, tid).messages[-1]
    assert (shown.author, shown.author_name) == ("", "Desk")


# 3. A held reply counts once released, at its own time; undone, never.

@pytest.fixture
def holding(store):
    desk = make_desk(store)
    admin.set_setting(store, "send_delay_seconds", "10")
    policy.set_policy(store, TS, None, 60)
    return desk


def test_an_undone_reply_leaves_the_first_response_running(holding) -> None:
    desk = holding
    tid, token = desk.taken()
    sv.reply(desk.store, desk.alice, tid, "Fixed.", token=token)
    row = sla(desk.store, tid)
    assert (row["first_at"], row["first_left"], row["first_due"] is not None) == (None, None, True)
    sv.undo_send(desk.store, desk.alice, tid)
    row = sla(desk.store, tid)
    assert (row["first_at"], row["first_met"], row["due"] == row["first_due"]) == (
        None, None, True)


def test_a_released_reply_meets_the_first_response_at_its_own_time(holding, monkeypatch) -> None:
    desk = holding
    tid, token = desk.taken()
    sv.reply(desk.store, desk.alice, tid, "Fixed.", token=token)
    assert sla(desk.store, tid)["first_at"] is None
    later(monkeypatch)
    assert sv.release_due(desk.store) == 1
    written = sv.peek(desk.store, desk.alice, tid).messages[-1].created_at
    row = sla(desk.store, tid)
    assert (row["first_at"], row["first_met"]) == (written, True)


# 4. `sla check` as a login on PostgreSQL (mail watch runs it as the mail service's).

@pytest.mark.pg
def test_sla_check_runs_as_the_mail_login_and_a_staff_login(pg_url, monkeypatch) -> None:
    from tests.mail_desk import mail_store
    from tests.personal import own_store, personal_desk

    desk = personal_desk(pg_url, monkeypatch)
    policy.set_policy(desk.store, TS, None, 60)
    operator = Store.open(pg_url, migrate=False)  # its moments are its own: two hours ago
    try:
        with as_of(datetime.now(timezone.utc) - timedelta(hours=2)):
            first, second = (sv.open_ticket(operator, desk.john, TS, s, "down")
                             for s in ("One", "Two"))
        mail = mail_store(desk.store)
        monkeypatch.setattr(check, "BATCH", 1)  # batches of the function too
        assert [b.ticket_id for b in check.check(mail)] == [first, second]
        assert check.check(own_store(desk.store, desk.alice)) == []
        assert check.check(mail) == []
        with operator.sql() as q:
            assert q.rows("SELECT ticket_id FROM ticket_events WHERE action = 'sla_breach' "
                          "ORDER BY ticket_id") == [(first,), (second,)]
        with as_of(datetime.now(timezone.utc) - timedelta(hours=2)):
            third = sv.open_ticket(operator, desk.john, TS, "Three", "down")
        assert [b.ticket_id for b in check.check(own_store(desk.store, desk.alice))] == [third]
        mail.close()
    finally:
        operator.close()
        desk.store.close()


# 5. Seeded tickets get due times at their next event, on both databases.

def test_seeded_tickets_get_due_times_at_their_next_event(db_url) -> None:
    store = Store.open(db_url)
    try:
        setup_people(store)
        with store.sql() as q:
            names = [n for n, in q.rows("SELECT name FROM departments")]
        for name in names:
            policy.set_policy(store, name, None, 60)
        seed(store, 30, batch_size=10, now=utc(2026, 12, 7, 9))
        with store.sql() as q:
            assert q.value("SELECT count(*) FROM ticket_sla") == 0
            tid = q.value("SELECT min(id) FROM tickets WHERE is_open = TRUE")
        at = utc(2026, 12, 7, 10)
        with store.sql(write=True) as q:  # the ticket's next event
            record(q, None, tid, "note", "", at=at, activity=False)
        row = sla(store, tid)
        assert row is not None and row["department_id"] is not None
    finally:
        store.close()


@pytest.mark.pg
def test_a_login_saying_no_sla_still_gets_due_times(pg_url, monkeypatch) -> None:
    from tests.personal import own_store, personal_desk

    desk = personal_desk(pg_url, monkeypatch)
    try:
        tid = desk.open()  # before any policy: no row
        policy.set_policy(desk.store, TS, None, 60)
        assert sla(desk.store, tid) is None
        with own_store(desk.store, desk.alice).sql(write=True) as q:
            q.run("SET LOCAL ticket_tui.no_sla = 'on'")
            q.run("INSERT INTO ticket_events (ticket_id, staff_id, action, detail, created_at) "
                  "VALUES (:t, :s, 'note', '', now())", {"t": tid, "s": desk.alice.id})
        assert sla(desk.store, tid)["first_due"] is not None
    finally:
        desk.store.close()


@pytest.mark.pg
def test_mail_watch_as_the_mail_login_records_breaches(pg_url) -> None:
    import threading

    from store.mail.watch import Watch, every
    from tests.mail_desk import mail_store
    from tests.test_mail_watch import WAIT, wait_until

    store = Store.open(pg_url)
    desk = make_desk(store)
    policy.set_policy(store, TS, None, 1)
    with as_of(datetime.now(timezone.utc) - timedelta(hours=2)):  # the watch: the real clock
        tid = desk.open()
    mail, lines = mail_store(store), []
    service = Watch(mail, log=lines.append, passes=[every(30, check.check)])
    runner = threading.Thread(target=service.run)
    runner.start()
    try:
        wait_until(lambda: sla(store, tid)["breach_noted"] is not None, "the breach", timeout=WAIT)
    finally:
        service.stop()
        runner.join(WAIT)
    with store.sql() as q:
        assert q.value("SELECT count(*) FROM ticket_events WHERE ticket_id = :t "
                       "AND action = 'sla_breach'", {"t": tid}) == 1
    mail.close()
    store.close()
