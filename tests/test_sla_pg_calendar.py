"""Business time in PL/pgSQL (store/sla/pg_calendar.py) against store/sla/calendar.py: a few
hand-computed cases, then hypothesis on random calendars in four zones with starts around
their DST changes, holidays near them, and any session TimeZone; they must agree to the
microsecond, and refuse the same never-open calendars."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.errors import BadInput
from store.sla.calendar import Calendar, parse_week

pytestmark = pytest.mark.pg

UTC = timezone.utc
ZONES = ("Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC")
SESSION_ZONES = ("UTC", "Europe/Berlin", "Pacific/Chatham", "America/St_Johns")


@pytest.fixture(scope="module")
def db(pg_cluster, pg_template):
    """One database for the module, with the functions migration 0016 made."""
    name = "tt_sla_pg_calendar"
    pg_cluster.admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    pg_cluster.admin_sql(f"CREATE DATABASE {name} TEMPLATE {pg_template}")
    with psycopg.connect(pg_cluster.url(name), autocommit=True) as conn:
        yield conn
    pg_cluster.admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _args(cal: Calendar) -> tuple:
    spans = None if cal.always_open else [[d, b, e] for d, day in enumerate(cal.week) for b, e in day]
    return cal.zone, spans, sorted(cal.holidays)


def pg_add(conn, cal: Calendar, start: datetime, minutes: int, session_zone: str = "UTC"):
    conn.execute("SELECT set_config('TimeZone', %s, false)", (session_zone,))
    due = conn.execute("SELECT ticket_tui_business_add(%s, %s::integer[], %s::date[], %s, %s)",
                       (*_args(cal), start, minutes)).fetchone()[0]
    # In UTC: psycopg hands it back in the session's zone, and PEP 495 makes a repeated wall
    # time (fold=1) unequal to every moment of another zone.
    return due.astimezone(UTC)


def pg_between(conn, cal: Calendar, a: datetime, b: datetime, session_zone: str = "UTC"):
    conn.execute("SELECT set_config('TimeZone', %s, false)", (session_zone,))
    return conn.execute("SELECT ticket_tui_business_between(%s, %s::integer[], %s::date[], %s, %s)",
                        (*_args(cal), a, b)).fetchone()[0]


def at(y, mo, d, h, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


OFFICE = parse_week(["mon-fri 09:00-17:00"])


def test_hand_computed_cases(db) -> None:
    office = Calendar("UTC", OFFICE)
    assert pg_add(db, office, at(2026, 12, 4, 16, 50), 30) == at(2026, 12, 7, 9, 20)
    assert pg_add(db, office, at(2026, 12, 5, 12), 0) == at(2026, 12, 5, 12)  # 0: the start itself
    assert pg_between(db, office, at(2026, 12, 4, 16, 50), at(2026, 12, 7, 9, 20)) == 30
    assert pg_between(db, office, at(2026, 12, 7, 9, 20), at(2026, 12, 4, 16, 50)) == 0
    assert pg_add(db, Calendar(), at(2026, 12, 5, 23), 90) == at(2026, 12, 6, 0, 30)
    assert pg_between(db, Calendar(), at(2026, 12, 5, 23), at(2026, 12, 6, 0, 30)) == 90
    christmas = Calendar("Europe/Berlin", OFFICE, frozenset({date(2026, 12, 24), date(2026, 12, 25)}))
    assert pg_add(db, christmas, at(2026, 12, 23, 15), 120) == at(2026, 12, 28, 9)
    assert pg_between(db, christmas, at(2026, 12, 23, 8), at(2026, 12, 28, 16)) == 16 * 60
    # Hours follow the wall clock: Friday before (UTC+1), Monday after (UTC+2) the change.
    assert pg_add(db, Calendar("Europe/Berlin", OFFICE), at(2026, 3, 27, 15, 30), 60) == at(2026, 3, 30, 7, 30)
    whole_days = Calendar("America/New_York", parse_week(["mon-sun 00:00-24:00"]))
    assert pg_between(db, whole_days, at(2026, 3, 8, 5), at(2026, 3, 9, 4), "Europe/Berlin") == 23 * 60
    assert pg_between(db, whole_days, at(2026, 11, 1, 4), at(2026, 11, 2, 5), "Pacific/Chatham") == 25 * 60
    # Berlin's 02:00-03:00 on 29 March 2026 doesn't exist: 02:00 is read as 01:00 UTC (CET).
    gap = Calendar("Europe/Berlin", parse_week(["sun 02:00-04:00"]))
    assert pg_between(db, gap, at(2026, 3, 29, 0), at(2026, 3, 29, 12)) == 60
    # 02:30-03:00 that day is empty: 02:30 reads as 01:30 UTC, 03:00 as 01:00 UTC.
    empty = Calendar("Europe/Berlin", parse_week(["sun 02:30-03:00"]))
    assert pg_between(db, empty, at(2026, 3, 28, 0), at(2026, 3, 30, 0)) == 0
    assert pg_add(db, empty, at(2026, 3, 28, 0), 1) == at(2026, 4, 5, 0, 31)
    # 02:30 on 25 October 2026 happens twice in Berlin: the first (CEST, 00:30 UTC) counts.
    fold = Calendar("Europe/Berlin", parse_week(["sun 02:30-23:00"]))
    assert pg_add(db, fold, at(2026, 10, 24, 12), 1) == at(2026, 10, 25, 0, 31)
    # Lord Howe moves its clocks by half an hour: 02:00-02:30 on Sunday 4 October 2026 is
    # skipped. 02:15 is read at +10:30 (15:45 UTC), 03:00 at +11:00 (16:00 UTC): 15 minutes.
    howe = Calendar("Australia/Lord_Howe", parse_week(["sun 02:15-03:00"]))
    assert pg_add(db, howe, at(2026, 10, 3, 0), 1) == at(2026, 10, 3, 15, 46)
    assert pg_between(db, howe, at(2026, 10, 3, 0), at(2026, 10, 5, 0)) == 15


def test_never_open_is_refused_and_negative_minutes_too(db) -> None:
    for cal in (Calendar("UTC", ((),) * 7),
                Calendar("UTC", parse_week(["mon 09:00-10:00"]),
                         frozenset(date(2026, 1, 1) + timedelta(days=n) for n in range(1200)))):
        with pytest.raises(BadInput):
            cal.add(at(2026, 1, 1, 0), 5)
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="never open"):
            pg_add(db, cal, at(2026, 1, 1, 0), 5)
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="negative"):
        pg_add(db, Calendar(), at(2026, 1, 1, 0), -1)


# --- hypothesis ----------------------------------------------------------------------------------
@cache
def changes(zone: str) -> tuple[datetime, ...]:
    """The zone's UTC offset changes from 2024 to 2031, found by a daily walk and a bisection."""
    tz, found = ZoneInfo(zone), []
    day = at(2024, 1, 1, 0)
    while day.year < 2032:
        nxt = day + timedelta(days=1)
        if day.astimezone(tz).utcoffset() != nxt.astimezone(tz).utcoffset():
            lo, hi = day, nxt
            while hi - lo > timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                same = mid.astimezone(tz).utcoffset() == lo.astimezone(tz).utcoffset()
                lo, hi = (mid, hi) if same else (lo, mid)
            found.append(hi.replace(second=0, microsecond=0))
        day = nxt
    return tuple(found) or (at(2026, 3, 29, 1), at(2026, 10, 25, 1))


EDGES = (0, 30, 60, 90, 120, 135, 150, 180, 210, 540, 720, 1020, 1380, 1410, 1440)


@st.composite
def day_spans(draw) -> tuple[tuple[int, int], ...]:
    points = sorted(set(draw(st.lists(st.one_of(st.sampled_from(EDGES), st.integers(0, 1440)),
                                      max_size=6))))
    if len(points) % 2:
        points = points[:-1]
    return tuple(zip(points[::2], points[1::2]))


@st.composite
def calendars(draw) -> Calendar:
    zone = draw(st.sampled_from(ZONES))
    week = () if draw(st.integers(0, 9)) == 0 else tuple(draw(day_spans()) for _ in range(7))
    if week and not any(week):
        week = (((540, 1020),),) + week[1:]
    return Calendar(zone, week)


@st.composite
def cases(draw):
    cal = draw(calendars())
    change = draw(st.sampled_from(changes(cal.zone)))
    start = change + timedelta(minutes=draw(st.integers(-4 * 1440, 4 * 1440)),
                               microseconds=draw(st.sampled_from([0, 0, 1, 999_999, 30_500_000])))
    local = start.astimezone(ZoneInfo(cal.zone)).date()
    holidays = frozenset(local + timedelta(days=n)
                         for n in draw(st.lists(st.integers(-2, 12), max_size=6)))
    cal = Calendar(cal.zone, cal.week, holidays)
    return cal, start, draw(st.sampled_from(SESSION_ZONES))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=cases(), minutes=st.one_of(st.integers(0, 600), st.integers(0, 20_000)))
def test_add_agrees_with_calendar(db, case, minutes) -> None:
    cal, start, session_zone = case
    assert pg_add(db, cal, start, minutes, session_zone) == cal.add(start, minutes)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=cases(), span=st.one_of(st.integers(-60, 600), st.integers(0, 15 * 1440)),
       seconds=st.integers(0, 59))
def test_between_agrees_with_calendar(db, case, span, seconds) -> None:
    cal, start, session_zone = case
    end = start + timedelta(minutes=span, seconds=seconds)
    assert pg_between(db, cal, start, end, session_zone) == cal.between(start, end)


def test_by_department_reads_its_hours_or_is_always_open(pg_url) -> None:
    from store import admin
    from store.db import Store
    from store.sla import hours

    store = Store.open(pg_url)
    try:
        admin.add_department(store, "Tech")
        admin.add_department(store, "Night")
        hours.set_hours(store, "Tech", "Australia/Lord_Howe", ["mon-fri 09:00-12:00,13:00-17:00",
                                                              "sun 02:15-03:00"], ["2026-10-05"])
        start, end = at(2026, 10, 2, 0, 7), at(2026, 10, 9, 3)
        with store.sql() as q:
            for name in ("Tech", "Night"):
                dept, _ = hours.department_id(q, name)
                cal = hours.calendar_for(q, dept)
                assert q.value("SELECT ticket_tui_department_add(:d, :s, 1000)",
                               {"d": dept, "s": start}) == cal.add(start, 1000)
                assert q.value("SELECT ticket_tui_department_between(:d, :s, :e)",
                               {"d": dept, "s": start, "e": end}) == cal.between(start, end)
            assert cal.always_open  # Night has no hours
    finally:
        store.close()
