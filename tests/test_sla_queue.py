"""The queue's order with due times, on SQLite and PostgreSQL: unchanged (domain.md) unless the
setting queue_by_due is on; then, after the tickets placed first, the soonest due first and the
tickets without a due time last, page by page (keyset pagination over the due)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from store import admin
from store import service as sv
from store.clock import as_of
from store.db import Store
from store.sla import policy
from tests.desk import make_desk

TECH = "Technical support"


def at(minute: int) -> datetime:
    return datetime(2026, 12, 7, 9, minute, tzinfo=timezone.utc)


@pytest.fixture
def desk(db_url):
    store = Store.open(db_url)  # the operator's: moments are the test clock's
    d = make_desk(store)
    yield d
    store.close()


@pytest.fixture
def tickets(desk):
    """no_due (9:00, no policy yet), later (9:10, due 10:10), sooner (9:20, due 9:40)."""
    with as_of(at(0)):
        no_due = desk.open()
    policy.set_policy(desk.store, TECH, None, 60)
    with as_of(at(10)):
        later = desk.open()
    policy.set_policy(desk.store, TECH, None, 20)
    with as_of(at(20)):
        sooner = desk.open()
    return no_due, later, sooner


def _queue(desk, limit: int = 50) -> list[int]:
    out, after = [], None
    with as_of(at(30)):
        while True:
            page = sv.list_tickets(desk.store, desk.alice, limit=limit, after=after)
            out += [r.id for r in page]
            if len(page) < limit:
                return out
            after = page[-1].sort_key


def test_the_queue_order_is_unchanged_by_default(desk, tickets) -> None:
    no_due, later, sooner = tickets
    assert _queue(desk) == [no_due, later, sooner]


@pytest.mark.parametrize("limit", [50, 1])
def test_queue_by_due_lists_the_soonest_due_first_and_no_due_last(desk, tickets, limit) -> None:
    no_due, later, sooner = tickets
    admin.set_setting(desk.store, "queue_by_due", "true")
    assert _queue(desk, limit) == [sooner, later, no_due]
    with as_of(at(30)):
        token = sv.take(desk.store, desk.alice, no_due).token
        sv.save_parameters(desk.store, desk.alice, no_due, placed_first=True, token=token)
    assert _queue(desk, limit) == [no_due, sooner, later]  # placed first comes first


def test_rows_carry_due_and_overdue(desk, tickets) -> None:
    no_due, later, sooner = tickets
    with as_of(at(50)):
        rows = {r.id: r for r in sv.list_tickets(desk.store, desk.alice)}
    assert (rows[sooner].due, rows[sooner].overdue) == (at(40), True)
    assert (rows[later].due, rows[later].overdue) == (datetime(2026, 12, 7, 10, 10, tzinfo=timezone.utc), False)
    assert (rows[no_due].due, rows[no_due].overdue, rows[no_due].due_times) == (None, False, None)
