"""Every event that moves a ticket's due times, on SQLite and PostgreSQL (as each actor's own
login there), against moments computed by hand. Technical support works mon-fri 09:00-17:00 UTC
unless a test says otherwise; 2026-12-04 is a Friday, 2026-12-07 a Monday. On PostgreSQL the
step runs in Python here as well (until the trigger of the next migration takes it over)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from store import admin
from store import service as sv
from store.clock import as_of
from store.db import Store
from store.sla import hours, policy, step
from tests.desk import make_desk

TECH = "Technical support"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def sla(store, tid: int) -> dict | None:
    with store.sql() as q:
        return step.load(q, tid)


@pytest.fixture
def desk(db_url):
    # The operator's connection on PostgreSQL too: a login role's messages are stamped with the
    # server's clock, and these moments are the test clock's (store/clock.py's as_of).
    # tests/test_sla_logins.py drives the step as each person's own login.
    store = Store.open(db_url)
    d = make_desk(store)
    hours.set_hours(store, TECH, "UTC", ["mon-fri 09:00-17:00"])
    policy.set_policy(store, TECH, None, 60, 30, 480)
    yield d
    store.close()


def opened(desk, at: datetime, **kw) -> int:
    with as_of(at):
        return desk.open(**kw)


def staff_reply(desk, tid: int, at: datetime, body: str = "On it.", **kw) -> None:
    with as_of(at):
        token = sv.take(desk.store, desk.alice, tid).token
        sv.reply(desk.store, desk.alice, tid, body, token=token, **kw)


def client_writes(desk, tid: int, at: datetime) -> None:
    with as_of(at):
        sv.client_reply(desk.store, desk.john, tid, "Any news?")


def test_a_new_ticket_gets_its_first_response_and_resolution_due(desk) -> None:
    tid = opened(desk, utc(2026, 12, 4, 16, 30))  # Friday, 30 minutes before closing
    row = sla(desk.store, tid)
    assert row["first_due"] == utc(2026, 12, 7, 9, 30)  # 30 on Friday, 30 on Monday
    assert row["resolution_due"] == utc(2026, 12, 7, 16, 30)  # 30 on Friday, 450 on Monday
    assert row["next_due"] is None and row["first_met"] is None
    assert row["due"] == utc(2026, 12, 7, 9, 30) and not row["breached"]


def test_a_department_without_policy_gives_no_row(desk) -> None:
    assert sla(desk.store, opened(desk, utc(2026, 12, 7, 9), department="Billing")) is None


def test_the_first_staff_reply_meets_or_misses_the_first_response(desk) -> None:
    on_time = opened(desk, utc(2026, 12, 7, 9))
    late = opened(desk, utc(2026, 12, 7, 9))
    staff_reply(desk, on_time, utc(2026, 12, 7, 9, 59))
    staff_reply(desk, late, utc(2026, 12, 7, 10, 1))
    row = sla(desk.store, on_time)
    assert (row["first_at"], row["first_met"], row["breached"]) == (utc(2026, 12, 7, 9, 59), True, False)
    assert row["first_due"] == utc(2026, 12, 7, 10)  # kept for display
    assert row["due"] == utc(2026, 12, 7, 17)  # resolution: 480 minutes from 09:00
    row = sla(desk.store, late)
    assert (row["first_met"], row["breached"]) == (False, True)


def test_a_client_message_starts_the_next_response_and_a_reply_stops_it(desk) -> None:
    tid = opened(desk, utc(2026, 12, 7, 9))
    staff_reply(desk, tid, utc(2026, 12, 7, 9, 10))
    client_writes(desk, tid, utc(2026, 12, 7, 16, 50))
    row = sla(desk.store, tid)
    assert row["next_due"] == utc(2026, 12, 8, 9, 20)  # 10 on Monday, 20 on Tuesday
    assert row["due"] == utc(2026, 12, 7, 17)  # the resolution is sooner
    staff_reply(desk, tid, utc(2026, 12, 8, 9, 25))  # five minutes late
    row = sla(desk.store, tid)
    assert row["next_due"] is None and row["next_left"] is None and row["breached"]


def test_an_internal_comment_moves_nothing(desk) -> None:
    tid = opened(desk, utc(2026, 12, 7, 9))
    before = sla(desk.store, tid)
    with as_of(utc(2026, 12, 7, 9, 30)):
        token = sv.take(desk.store, desk.alice, tid).token
        sv.reply(desk.store, desk.alice, tid, internal="Looks like DNS.", token=token)
    assert sla(desk.store, tid) == before


def test_a_delay_pauses_across_a_weekend_and_a_holiday(desk) -> None:
    hours.set_hours(desk.store, TECH, "UTC", ["mon-fri 09:00-17:00"], ["2026-12-07"])
    policy.set_policy(desk.store, TECH, None, 120)
    tid = opened(desk, utc(2026, 12, 3, 16))  # Thursday: 120 minutes are due Friday 10:00
    late = opened(desk, utc(2026, 12, 3, 16))
    for t in (tid, late):
        with as_of(utc(2026, 12, 3, 16, 30)):
            sv.delay(desk.store, desk.alice, t, utc(2026, 12, 8, 12))  # to Tuesday noon
    row = sla(desk.store, late)
    # 90 business minutes were left; they count from Tuesday 12:00 (Monday is a holiday).
    assert (row["first_left"], row["first_due"]) == (90, utc(2026, 12, 8, 13, 30))
    assert row["due"] == utc(2026, 12, 8, 13, 30)
    # The delay runs out by its date, with no event: the clock ran on since Tuesday noon.
    staff_reply(desk, tid, utc(2026, 12, 8, 13, 29))
    staff_reply(desk, late, utc(2026, 12, 8, 13, 31))
    assert (sla(desk.store, tid)["first_met"], sla(desk.store, late)["first_met"]) == (True, False)


def test_a_client_message_ends_a_delay_early_and_the_clock_runs_again(desk) -> None:
    tid = opened(desk, utc(2026, 12, 3, 16))  # first response due Thursday 17:00 less nothing
    with as_of(utc(2026, 12, 3, 16, 20)):
        sv.delay(desk.store, desk.alice, tid, utc(2026, 12, 10, 9))
    assert sla(desk.store, tid)["first_left"] == 40
    client_writes(desk, tid, utc(2026, 12, 4, 10))
    row = sla(desk.store, tid)
    assert (row["first_due"], row["first_left"], row["due"]) == (
        utc(2026, 12, 4, 10, 40), None, utc(2026, 12, 4, 10, 40))


def test_close_pauses_and_a_reopening_client_message_resumes(desk) -> None:
    tid = opened(desk, utc(2026, 12, 7, 9))
    staff_reply(desk, tid, utc(2026, 12, 7, 9, 20))
    staff_reply(desk, tid, utc(2026, 12, 7, 10), "Fixed.", close=True)
    row = sla(desk.store, tid)
    assert not row["is_open"]
    assert (row["resolution_met"], row["resolution_left"], row["resolution_due"], row["due"]) == (
        True, 420, None, None)
    client_writes(desk, tid, utc(2026, 12, 8, 9, 30))
    row = sla(desk.store, tid)
    assert row["is_open"] and row["resolution_met"] is None
    assert row["resolution_due"] == utc(2026, 12, 8, 16, 30)  # the 420 minutes left
    assert row["next_due"] == row["due"] == utc(2026, 12, 8, 10)


def test_assigning_to_another_department_uses_its_hours_and_policy(desk) -> None:
    hours.set_hours(desk.store, "Billing", "America/New_York", ["mon-fri 08:00-12:00"])
    policy.set_policy(desk.store, "Billing", None, 120)
    tid = opened(desk, utc(2026, 12, 7, 9))
    with as_of(utc(2026, 12, 7, 9, 30)):
        sv.assign(desk.store, desk.alice, tid, department="Billing")
    row = sla(desk.store, tid)
    # 30 of Technical support's 60 used: 90 of Billing's 120 left, from 08:00 New York (13:00 UTC).
    assert row["first_due"] == utc(2026, 12, 7, 14, 30)
    assert row["resolution_due"] is None and row["resolution_target"] is None  # Billing has none
    assert row["department_id"] != sla(desk.store, opened(desk, utc(2026, 12, 7, 9)))["department_id"]


def test_a_priority_change_takes_the_priority_policy(desk) -> None:
    admin.set_setting(desk.store, "use_priority", "true")
    policy.set_policy(desk.store, TECH, "urgent", 15)
    tid = opened(desk, utc(2026, 12, 7, 9))
    with as_of(utc(2026, 12, 7, 9, 5)):
        token = sv.take(desk.store, desk.alice, tid).token
        sv.save_parameters(desk.store, desk.alice, tid, priority="urgent", token=token)
    row = sla(desk.store, tid)
    assert (row["first_target"], row["first_due"]) == (15, utc(2026, 12, 7, 9, 15))
    assert row["resolution_due"] is None  # the urgent policy has no resolution target


def test_business_hours_follow_the_zone_across_a_dst_change(desk) -> None:
    hours.set_hours(desk.store, TECH, "Europe/Berlin", ["mon-sun 09:00-17:00"])
    policy.set_policy(desk.store, TECH, None, 120)
    tid = opened(desk, utc(2026, 10, 24, 14))  # Saturday 16:00 in Berlin (summer time, UTC+2)
    # 60 minutes on Saturday; Sunday opens at 09:00 winter time (08:00 UTC), 60 more.
    assert sla(desk.store, tid)["first_due"] == utc(2026, 10, 25, 9)
