"""Business time (store/sla/calendar.py): weekends, holidays, time zones, DST, and what people
type; with hypothesis, `add` and `between` agree with each other and with a minute-by-minute
count."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.errors import BadInput
from store.sla.calendar import Calendar, parse_holidays, parse_week, week_text, zone

UTC = timezone.utc
OFFICE = parse_week(["mon-fri 09:00-17:00"])


def at(y, mo, d, h, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def test_always_open_without_hours() -> None:
    c = Calendar()
    assert c.add(at(2026, 12, 5, 23), 90) == at(2026, 12, 6, 0, 30)
    assert c.between(at(2026, 12, 5, 23), at(2026, 12, 6, 0, 30)) == 90 and c.is_open(at(2026, 12, 6, 3))


def test_friday_evening_runs_over_the_weekend() -> None:
    c = Calendar("UTC", OFFICE)
    assert c.add(at(2026, 12, 4, 16, 50), 30) == at(2026, 12, 7, 9, 20)
    assert c.add(at(2026, 12, 5, 12), 1) == at(2026, 12, 7, 9, 1)  # Saturday: Monday's opening
    assert c.between(at(2026, 12, 4, 16, 50), at(2026, 12, 7, 9, 20)) == 30
    assert not c.is_open(at(2026, 12, 5, 12)) and c.is_open(at(2026, 12, 7, 9))
    assert not c.is_open(at(2026, 12, 7, 17))  # closing time is closed


def test_a_holiday_is_closed_and_a_delay_spanning_it_counts_nothing_for_it() -> None:
    c = Calendar("Europe/Berlin", OFFICE, parse_holidays(["2026-12-24", "2026-12-25"]))
    # Wednesday 23rd 16:00 Berlin + 120 min: 60 that day, then Monday 28th 09:00-10:00 Berlin.
    assert c.add(at(2026, 12, 23, 15), 120) == at(2026, 12, 28, 9)
    assert c.between(at(2026, 12, 23, 8), at(2026, 12, 28, 16)) == 8 * 60 + 8 * 60  # 09-17 twice


def test_hours_follow_the_wall_clock_across_dst() -> None:
    berlin = Calendar("Europe/Berlin", OFFICE)
    # The Friday before (CET, UTC+1) and the Monday after (CEST, UTC+2) the March change.
    assert berlin.add(at(2026, 3, 27, 15, 30), 60) == at(2026, 3, 30, 7, 30)
    whole_days = Calendar("America/New_York", parse_week(["mon-sun 00:00-24:00"]))
    # 8 March 2026: New York's day has 23 hours; 1 November: 25.
    assert whole_days.between(at(2026, 3, 8, 5), at(2026, 3, 9, 4)) == 23 * 60
    assert whole_days.between(at(2026, 11, 1, 4), at(2026, 11, 2, 5)) == 25 * 60


def test_a_span_in_the_spring_gap_is_read_before_the_change() -> None:
    c = Calendar("Europe/Berlin", parse_week(["sun 02:00-04:00"]))
    # 29 March 2026 02:00-03:00 doesn't exist in Berlin: 02:00 is read as 01:00 UTC (CET),
    # 04:00 is 02:00 UTC (CEST): one real hour open.
    assert c.between(at(2026, 3, 29, 0), at(2026, 3, 29, 12)) == 60


def test_what_people_type() -> None:
    week = parse_week(["Mon-Fri 09:00-12:00, 13:00-17:00", "sat 10:00-14:00", "fri-mon 20:00-22:00"])
    assert week_text(week) == ["mon 09:00-12:00,13:00-17:00,20:00-22:00",
                               "tue 09:00-12:00,13:00-17:00", "wed 09:00-12:00,13:00-17:00",
                               "thu 09:00-12:00,13:00-17:00", "fri 09:00-12:00,13:00-17:00,20:00-22:00",
                               "sat 10:00-14:00,20:00-22:00", "sun 20:00-22:00"]
    assert parse_week(week_text(week)) == week
    for bad, says in [("monday 9-17", "not a line of hours"), ("mon 17:00-09:00", "earlier to a later"),
                      ("mon 09:00-25:00", "24:00 at most"), ("xyz 09:00-10:00", "days are mon"),
                      ("mon 09:60-10:00", "earlier to a later")]:
        with pytest.raises(BadInput, match=says):
            parse_week([bad])
    with pytest.raises(BadInput, match="overlap"):
        parse_week(["mon 09:00-12:00", "mon 11:00-13:00"])
    with pytest.raises(BadInput, match="YYYY-MM-DD"):
        parse_holidays(["24.12.2026"])
    with pytest.raises(BadInput, match="not a time zone"):
        zone("Mars/Olympus")
    assert zone("Europe/Berlin") == "Europe/Berlin"


def test_hours_closed_on_every_day_for_years_are_refused_not_searched_forever() -> None:
    holidays = frozenset(date(2026, 1, 1) + timedelta(days=n) for n in range(4 * 366))
    c = Calendar("UTC", parse_week(["mon 09:00-10:00"]), holidays)
    with pytest.raises(BadInput, match="never open"):
        c.add(at(2026, 1, 1, 0), 1)


# --- properties ---------------------------------------------------------------------------------
ZONES = st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
                         "Asia/Kolkata", "America/Sao_Paulo"])
SPAN = st.tuples(st.integers(0, 1439), st.integers(1, 600)).map(lambda s: (s[0], min(1440, s[0] + s[1])))


@st.composite
def calendars(draw) -> Calendar:
    week = []
    for _ in range(7):
        spans = sorted(draw(st.lists(SPAN, max_size=2)))
        kept = [s for i, s in enumerate(spans) if i == 0 or s[0] >= spans[i - 1][1]]
        week.append(tuple(kept))
    if not any(week):
        week[0] = ((540, 1020),)
    holidays = draw(st.frozensets(st.dates(date(2026, 1, 1), date(2027, 12, 31)), max_size=20))
    return Calendar(draw(ZONES), tuple(week), holidays)


MOMENTS = st.datetimes(datetime(2026, 1, 1), datetime(2027, 10, 1)).map(lambda d: d.replace(tzinfo=UTC))


@settings(max_examples=300, deadline=None)
@given(calendars(), MOMENTS, st.integers(0, 20_000), st.integers(0, 20_000))
def test_adding_in_two_steps_is_adding_once_and_between_undoes_add(c, start, m1, m2) -> None:
    once = c.add(start, m1 + m2)
    assert c.add(c.add(start, m1), m2) == once or m1 == 0 or m2 == 0
    if m1 + m2:
        assert c.between(start, once) == m1 + m2
        assert c.is_open(once - timedelta(microseconds=1))  # it ends inside an open span


@settings(max_examples=60, deadline=None)
@given(calendars(), MOMENTS, st.integers(1, 3 * 24 * 60))
def test_between_is_a_minute_by_minute_count_of_open_minutes(c, start, span) -> None:
    start = start.replace(second=0, microsecond=0)
    counted = sum(c.is_open(start + timedelta(minutes=n)) for n in range(span))
    assert c.between(start, start + timedelta(minutes=span)) == counted
