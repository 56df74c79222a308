"""The business-hours conditions of response rules (store/sla/hours.py's calendars): inside or
outside the ticket's department's hours at the moment its message was written; no hours set is
always open. On both databases by a holiday (today is closed whatever the hour), and on SQLite
under a fake clock at chosen moments of a weekly calendar."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from store.sla.hours import set_hours
from tests.desk import Desk, make_desk
from tests.rules_desk import BILLING, TS, opened, rule, system_lines


@pytest.fixture
def desk(store) -> Desk:
    return make_desk(store)


def hours_rules(desk: Desk) -> None:
    rule(desk, "inside", hours="inside", comment="in hours")
    rule(desk, "outside", hours="outside", comment="out of hours")


def fired(desk: Desk, tid: int) -> list[str]:
    return [line.split('"')[1] for line in system_lines(desk.store, tid)]


def test_a_holiday_is_outside_hours_and_no_hours_is_always_inside(desk: Desk) -> None:
    today = datetime.now(timezone.utc).date()
    set_hours(desk.store, TS, "UTC", ["mon-sun 00:00-23:59"],
              [today.isoformat(), (today + timedelta(days=1)).isoformat()])
    hours_rules(desk)
    assert fired(desk, opened(desk)) == ["outside"]
    assert fired(desk, opened(desk, department=BILLING)) == ["inside"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("moment, expected", [
    (datetime(2026, 11, 16, 8, 30, tzinfo=timezone.utc), "inside"),  # Monday 09:30 in Berlin
    (datetime(2026, 11, 16, 16, 30, tzinfo=timezone.utc), "outside"),  # Monday 17:30 there
    (datetime(2026, 11, 21, 10, 0, tzinfo=timezone.utc), "outside"),  # a Saturday
])
def test_the_weekly_calendar_in_the_departments_zone(desk: Desk, monkeypatch, moment, expected) -> None:
    from tests.snapshot_apps import install_clock

    set_hours(desk.store, TS, "Europe/Berlin", ["mon-fri 09:00-17:00"])
    hours_rules(desk)
    install_clock(monkeypatch).freeze(moment)
    assert fired(desk, opened(desk)) == [expected]


def test_the_command_line_takes_inside_or_outside(desk: Desk) -> None:
    from store.errors import BadInput

    with pytest.raises(BadInput, match="inside"):
        rule(desk, "bad", hours="sometimes", top=True)
