"""The two implementations of the step agree: the same random sequences of real service actions
and clock moves (tests/test_sla_property.py's) on SQLite, where store/sla/step.py computes the
due times in Python, and on PostgreSQL, where the database's trigger does (migration 0016); after
every action the two ticket_sla rows are equal to the microsecond. (test_sla_property compares
each with the replay; this holds the PL/pgSQL port to the Python step directly.)"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings

from store import admin
from store.clock import as_of
from store.db import Store
from store.service.locking import record
from store.sla import hours, policy, step
from tests.desk import make_desk
from tests.test_sla_property import ACTIONS, BILLING, TECH, Run, add_policy_rules



def _desk(url: str):
    """Other calendars than test_sla_property's: Lord Howe's half-hour change (5 April 2026)
    with a lunch break and Good Friday, and Berlin open round the clock (a 23-hour 29 March)."""
    store = Store.open(url)
    d = make_desk(store)
    admin.set_setting(store, "use_priority", "true")
    hours.set_hours(store, TECH, "Australia/Lord_Howe", ["mon-fri 08:30-12:00,13:00-17:30"],
                    ["2026-04-03"])
    hours.set_hours(store, BILLING, "Europe/Berlin", ["mon-sun 00:00-24:00"])
    policy.set_policy(store, TECH, None, 60, 30, 480)
    policy.set_policy(store, TECH, "high", 20, 10, 240)
    policy.set_policy(store, BILLING, None, 120, 45, 1440)
    policy.set_policy(store, BILLING, "urgent", 5)
    add_policy_rules(store)
    return d


@pytest.fixture
def desks(sqlite_url, pg_url):
    """One desk on each database for every example of a run (each example: a new ticket)."""
    made = [_desk(url) for url in (sqlite_url, pg_url)]
    yield made
    for d in made:
        d.store.close()


def _row(run: Run) -> dict | None:
    return _row_of(run.store, run.tid)


@pytest.mark.pg
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
def test_the_trigger_keeps_the_due_times_the_python_step_keeps(desks, actions) -> None:
    python, trigger = (Run(d) for d in desks)
    assert _row(python) == _row(trigger)
    for n, action in enumerate(actions):
        python.act(*action)
        trigger.act(*action)
        assert _row(python) == _row(trigger), actions[:n + 1]


def test_a_transaction_with_events_at_several_moments_runs_the_step_at_the_latest(db_url) -> None:
    """The operator's imports write events with their own moments, several to a ticket in one
    transaction (a savepoint each): step.py refreshes once, at the latest; so does the trigger."""
    store = Store.open(db_url)
    try:
        d = make_desk(store)
        policy.set_policy(store, TECH, None, 60, 30, 480)  # always open: plain hours
        opened = datetime(2027, 1, 4, 10, tzinfo=timezone.utc)
        with as_of(opened):
            tid = d.open()
        with store.sql(write=True) as q:
            q.run("UPDATE tickets SET is_open = FALSE WHERE id = :t", {"t": tid})
            record(q, None, tid, "note", at=opened + timedelta(hours=1))
            q.run("SAVEPOINT imported")
            record(q, None, tid, "note", at=opened + timedelta(hours=10))
            q.run("RELEASE SAVEPOINT imported")
            record(q, None, tid, "note", at=opened + timedelta(hours=2))
        row = _row_of(store, tid)
        # Closed at 20:00 (not 11:00): the resolution (due 18:00) missed, no minute left.
        assert (row["resolution_met"], row["resolution_left"], row["first_left"]) == (False, 0, 0)
    finally:
        store.close()


def _row_of(store, tid: int) -> dict | None:
    with store.sql() as q:
        return step.load(q, tid)
