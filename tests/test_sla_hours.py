"""A department's business hours in the store: set, read back as a calendar, cleared; bad input
refused whole, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from store import admin
from store.errors import BadInput, NotFound
from store.sla import hours
from store.sla.calendar import Calendar


@pytest.fixture
def dept(store):
    admin.add_department(store, "Technical support")
    return store


def _calendar(store, name="Technical support") -> Calendar:
    with store.sql() as q:
        return hours.calendar_for(q, hours.department_id(q, name)[0])


def test_no_hours_is_always_open(dept) -> None:
    assert _calendar(dept).always_open
    assert hours.get_hours(dept, "technical SUPPORT").lines() == [
        "Technical support: always open (no business hours set)."]


def test_hours_set_are_read_back_as_the_calendar(dept) -> None:
    hours.set_hours(dept, "Technical support", "Europe/Berlin",
                    ["mon-fri 09:00-17:00", "sat 10:00-14:00"], ["2026-12-25", "2026-12-24"])
    cal = _calendar(dept)
    assert cal.zone == "Europe/Berlin"
    assert cal.week[0] == ((540, 1020),) and cal.week[5] == ((600, 840),) and cal.week[6] == ()
    assert cal.holidays == {date(2026, 12, 24), date(2026, 12, 25)}
    # Friday 16:50 Berlin (15:50 UTC) + 30 business minutes = Saturday 10:20 Berlin (09:20 UTC).
    assert cal.add(datetime(2026, 12, 4, 15, 50, tzinfo=timezone.utc), 30) == \
        datetime(2026, 12, 5, 9, 20, tzinfo=timezone.utc)
    shown = hours.get_hours(dept, "Technical support").json()
    assert shown == {"department": "Technical support", "always_open": False,
                     "zone": "Europe/Berlin", "week": [f"{d} 09:00-17:00" for d in
                                                       ("mon", "tue", "wed", "thu", "fri")]
                     + ["sat 10:00-14:00"], "holidays": ["2026-12-24", "2026-12-25"]}


def test_setting_again_replaces_and_clearing_makes_always_open(dept) -> None:
    hours.set_hours(dept, "Technical support", "UTC", ["mon-fri 09:00-17:00"], ["2026-12-25"])
    hours.set_hours(dept, "Technical support", "UTC", ["sun 08:00-09:00"])
    cal = _calendar(dept)
    assert cal.week[6] == ((480, 540),) and cal.week[0] == () and not cal.holidays
    hours.clear_hours(dept, "Technical support")
    assert _calendar(dept).always_open


@pytest.mark.parametrize("tz, week, holidays", [
    ("Mars/Olympus", ["mon-fri 09:00-17:00"], []),
    ("UTC", ["mon-fri 9-5"], []),
    ("UTC", ["mon-fri 17:00-09:00"], []),
    ("UTC", ["mon-fri 09:00-17:00"], ["25.12.2026"]),
    ("UTC", [], []),
    (None, ["mon-fri 09:00-17:00"], []),
])
def test_bad_hours_are_refused_and_change_nothing(dept, tz, week, holidays) -> None:
    hours.set_hours(dept, "Technical support", "UTC", ["mon 09:00-10:00"])
    with pytest.raises(BadInput):
        hours.set_hours(dept, "Technical support", tz, week, holidays)
    assert _calendar(dept).week[0] == ((540, 600),)


def test_an_unknown_department_is_not_found(dept) -> None:
    with pytest.raises(NotFound):
        hours.set_hours(dept, "Sales", "UTC", ["mon 09:00-10:00"])
