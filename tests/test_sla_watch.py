"""What the TUI watches of the response targets (store/sla/watch.py): whether the desk has any,
and the tickets of a staff member's queue whose due moment passed since the last look, on
SQLite and PostgreSQL, and on PostgreSQL through each person's own login."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from store import admin
from store import service as sv
from store.clock import as_of
from store.db import Store
from store.sla import policy
from store.sla.watch import due_display, news_sql, newly_overdue
from tests.desk import make_desk
from tests.personal import own_store, personal_desk

TECH = "Technical support"
T0 = datetime(2026, 12, 7, 9, tzinfo=timezone.utc)  # a Monday; both departments always open


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def desk(db_url):
    store = Store.open(db_url)
    yield make_desk(store)
    store.close()


def opened(desk, minutes: int, department: str = TECH, priority: str | None = None) -> int:
    with as_of(at(minutes)):
        return sv.open_ticket(desk.store, desk.john, department, "Site down", "It is down.",
                              priority=priority)


def test_a_desk_has_targets_once_a_policy_is_set_and_says_its_warning_window(desk) -> None:
    assert due_display(desk.store) == (False, timedelta(minutes=60))
    policy.set_policy(desk.store, TECH, None, 60)
    admin.set_setting(desk.store, "sla_warning_minutes", "15")
    assert due_display(desk.store) == (True, timedelta(minutes=15))


def test_the_tickets_whose_due_passed_in_the_window_of_the_queue_soonest_first(desk) -> None:
    admin.set_setting(desk.store, "use_priority", "true")
    policy.set_policy(desk.store, TECH, None, 60)
    policy.set_policy(desk.store, TECH, "urgent", 10, resolution=30)
    policy.set_policy(desk.store, "Billing", None, 20)
    late = opened(desk, 0)  # first response due at 60
    urgent = opened(desk, 5, priority="urgent")  # first response due at 15
    billing = opened(desk, 0, "Billing")  # due at 20
    answered = opened(desk, 0)
    with as_of(at(1)):
        token = sv.take(desk.store, desk.alice, answered).token
        sv.reply(desk.store, desk.alice, answered, "On it.", token=token)  # no running due left
    delayed = opened(desk, 0)
    with as_of(at(2)):
        sv.delay(desk.store, desk.alice, delayed, at(24 * 60))

    names = [(b.ticket_id, b.target, b.due) for b in newly_overdue(desk.store, desk.root, at(0), at(61))]
    assert names == [(urgent, "first response", at(15)), (billing, "first response", at(20)),
                     (late, "first response", at(60))]
    # Alice's queue is Technical support's; a window holds only the dues that passed in it.
    assert [b.ticket_id for b in newly_overdue(desk.store, desk.alice, at(16), at(61))] == [late]
    assert newly_overdue(desk.store, desk.alice, at(61), at(120)) == []
    assert [b.ticket_id for b in newly_overdue(desk.store, desk.bob, at(0), at(61))] == [billing]
    assert len(newly_overdue(desk.store, desk.root, at(0), at(61), limit=2)) == 2


def test_a_closed_ticket_is_not_overdue(desk) -> None:
    policy.set_policy(desk.store, TECH, None, 60)
    tid = opened(desk, 0)
    with as_of(at(30)):
        token = sv.take(desk.store, desk.alice, tid).token
        sv.reply(desk.store, desk.alice, tid, "Done.", close=True, token=token)
    assert newly_overdue(desk.store, desk.root, at(0), at(120)) == []


def test_a_look_reads_a_range_of_the_due_index_not_the_desk(sqlite_url) -> None:
    """What keeps a look cheap on a million tickets (SQLite's plan; PostgreSQL has the same
    partial index, ticket_sla.due WHERE due IS NOT NULL)."""
    store = Store.open(sqlite_url)
    desk = make_desk(store)
    for actor in (desk.root, desk.alice):
        with desk.store.sql() as q:
            params = {"since": q.db_time(at(0)), "until": q.db_time(at(60)), "n": 20}
            plan = " ".join(str(r) for r in q.rows("EXPLAIN QUERY PLAN " + news_sql(actor, params),
                                                   params))
        assert "ix_ticket_sla_due (due>? AND due<?)" in plan and "SCAN" not in plan
    store.close()


@pytest.mark.pg
def test_on_postgresql_a_staff_login_hears_of_its_departments_tickets_only(pg_url, monkeypatch) -> None:
    d = personal_desk(pg_url, monkeypatch)
    try:
        policy.set_policy(d.store, TECH, None, 1)
        tid = d.open()
        after = datetime.now(timezone.utc) + timedelta(minutes=2)
        alice, bob = own_store(d.store, d.alice), own_store(d.store, d.bob)
        assert [b.ticket_id for b in newly_overdue(alice, d.alice, after - timedelta(hours=1), after)] == [tid]
        # Bob's login reads no Technical support ticket, whatever the query would ask for.
        assert newly_overdue(bob, d.root, after - timedelta(hours=1), after) == []
        assert due_display(bob).in_use
    finally:
        d.store.close()
