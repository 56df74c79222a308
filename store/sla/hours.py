"""A department's business hours in the store: its zone, weekly open spans and holidays
(tables of migration 0015). No department_hours row = always open.

`calendar_for` is what the response targets' step (and the response rules) read; `set_hours`
and `get_hours` serve `ticket-tui department hours NAME`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from ..db import Store
from ..errors import BadInput, NotFound
from ..sql import Sql
from .calendar import Calendar, parse_holidays, parse_week, week_text, zone

MAX_HOLIDAYS = 1000  # a department's holidays for years ahead fit; a runaway script does not


class Hours(NamedTuple):
    department: str
    calendar: Calendar

    def json(self) -> dict:
        c = self.calendar
        return {"department": self.department, "always_open": c.always_open,
                "zone": None if c.always_open else c.zone, "week": week_text(c.week),
                "holidays": [d.isoformat() for d in sorted(c.holidays)]}

    def lines(self) -> list[str]:
        c = self.calendar
        if c.always_open:
            return [f"{self.department}: always open (no business hours set)."]
        out = [f"{self.department}: business hours in {c.zone}"]
        out += [f"  {line}" for line in week_text(c.week)]
        if c.holidays:
            out.append("  holidays: " + ", ".join(d.isoformat() for d in sorted(c.holidays)))
        return out


def department_id(q: Sql, name: str) -> tuple[int, str]:
    """A department by its name (any case): (id, name as stored)."""
    found = q.row("SELECT id, name FROM departments WHERE lower(name) = :n",
                  {"n": name.strip().lower()})
    if found is None:
        raise NotFound(f"There is no department named '{name.strip()}'.")
    return found[0], found[1]


def calendar_for(q: Sql, department_id: int) -> Calendar:
    """The department's calendar; always open when it has no hours."""
    zone_name = q.value("SELECT zone FROM department_hours WHERE department_id = :d",
                        {"d": department_id})
    if zone_name is None:
        return Calendar()
    week: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for weekday, opens, closes in q.rows(
            "SELECT weekday, opens, closes FROM department_spans WHERE department_id = :d "
            "ORDER BY weekday, opens", {"d": department_id}):
        week[weekday].append((opens, closes))
    holidays = frozenset(_day(d) for d, in q.rows(
        "SELECT day FROM department_holidays WHERE department_id = :d", {"d": department_id}))
    return Calendar(zone_name, tuple(tuple(spans) for spans in week), holidays)


def _day(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def get_hours(store: Store, name: str) -> Hours:
    with store.sql() as q:
        dept, stored = department_id(q, name)
        return Hours(stored, calendar_for(q, dept))


def set_hours(store: Store, name: str, tz: str | None, week: Iterable[str],
              holidays: Iterable[str] = ()) -> Hours:
    """Replaces the department's hours whole: a zone and week lines, and holidays (dates)."""
    week, holidays = list(week), list(holidays)
    if not week or tz is None:
        raise BadInput("Business hours need a time zone (--tz) and at least one --week line; "
                       "--always-open clears them.")
    calendar = Calendar(zone(tz.strip()), parse_week(week), parse_holidays(holidays))
    if len(calendar.holidays) > MAX_HOLIDAYS:
        raise BadInput(f"{len(calendar.holidays)} holidays is too many; {MAX_HOLIDAYS} at most.")
    with store.sql(write=True) as q:
        dept, stored = department_id(q, name)
        _clear(q, dept)
        q.run("INSERT INTO department_hours (department_id, zone) VALUES (:d, :z)",
              {"d": dept, "z": calendar.zone})
        for weekday, spans in enumerate(calendar.week):
            for opens, closes in spans:
                q.run("INSERT INTO department_spans (department_id, weekday, opens, closes) "
                      "VALUES (:d, :w, :o, :c)", {"d": dept, "w": weekday, "o": opens, "c": closes})
        for day in sorted(calendar.holidays):
            q.run("INSERT INTO department_holidays (department_id, day) VALUES (:d, :day)",
                  {"d": dept, "day": day.isoformat() if q.sqlite else day})
        return Hours(stored, calendar)


def clear_hours(store: Store, name: str) -> Hours:
    """The department is always open again."""
    with store.sql(write=True) as q:
        dept, stored = department_id(q, name)
        _clear(q, dept)
        return Hours(stored, Calendar())


def _clear(q: Sql, dept: int) -> None:
    for table in ("department_spans", "department_holidays", "department_hours"):
        q.run(f"DELETE FROM {table} WHERE department_id = :d", {"d": dept})
