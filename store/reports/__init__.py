"""Reports: how the desk did over a period, per department, per staff member and per day.

One function, `desk_report`, serves the command line and the Reports screen. Every figure and
the rules of who sees what are defined in docs/reports.md. Days are UTC days (the desk has no
time-zone setting yet); a period is whole days, both ends included.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from ..actors import Actor, StaffActor
from ..db import Store
from ..errors import BadInput, NotAllowed, NotFound
from ..service.rules import require_staff
from .queries import Figures, gather

DEFAULT_DAYS = 30
MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    first: date  # both ends included
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), timezone.utc)

    @property
    def end(self) -> datetime:  # the moment the period is over
        return datetime.combine(self.last + timedelta(days=1), time(), timezone.utc)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]


def parse_date(text: str, what: str) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise BadInput(f"'{text}' is not a date; write it like 2026-11-20 ({what}).") from None


def period(first: str | date | None, last: str | date | None, today: date) -> Period:
    """The period asked for: by default the 30 days ending today (or ending at `last`, or
    starting at `first`)."""
    if isinstance(first, str):
        first = parse_date(first, "from")
    if isinstance(last, str):
        last = parse_date(last, "to")
    if last is None:
        last = today if first is None else min(today, first + timedelta(days=DEFAULT_DAYS - 1))
    if first is None:
        first = last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise BadInput(f"The period starts ({first}) after it ends ({last}).")
    if (last - first).days >= MAX_DAYS:
        raise BadInput(f"A report covers at most {MAX_DAYS} days; this one asks for "
                       f"{(last - first).days + 1}.")
    return Period(first, last)


@dataclass
class Row:
    """One department's or one staff member's figures (docs/reports.md defines each)."""

    name: str
    login: str | None = None  # staff rows only
    opened: int | None = 0
    first_responded: int = 0
    closed: int = 0
    reopened: int | None = 0
    overdue: int | None = None  # departments' rows, once the desk has response targets
    first_response_median_minutes: float | None = None
    first_response_p90_minutes: float | None = None
    resolution_median_minutes: float | None = None
    replies: int = 0
    incidents: int = 0
    charges: int = 0
    charged: str = "0.00"
    ratings_good: int | None = None
    ratings_bad: int | None = None

    def as_dict(self) -> dict:
        out = dict(self.__dict__)
        if self.login is None:
            del out["login"]
        return out


@dataclass(frozen=True)
class Day:
    date: date
    created: int
    closed: int
    backlog: int


@dataclass
class Report:
    period: Period
    department: str | None  # the one asked for, or None for all the viewer sees
    departments: list[Row] = field(default_factory=list)
    staff: list[Row] = field(default_factory=list)
    days: list[Day] = field(default_factory=list)
    ratings_shown: bool = False  # the viewer heads a department of the report, or is an admin

    def as_json(self) -> dict:
        return {
            "from": self.period.first.isoformat(), "to": self.period.last.isoformat(),
            "departments": [r.as_dict() for r in self.departments],
            "staff": [r.as_dict() for r in self.staff],
            "days": [{"date": d.date.isoformat(), "created": d.created, "closed": d.closed,
                      "backlog": d.backlog} for d in self.days],
        }


def desk_report(store: Store, actor: Actor, *, first: str | date | None = None,
                last: str | date | None = None, department: str | None = None,
                now: datetime | None = None) -> Report:
    """The report of the departments the staff member sees (administrators: all), or of one."""
    from ..clock import utcnow

    staff = require_staff(actor, "read reports")
    now = now or utcnow()
    span = period(first, last, now.date())
    with store.sql() as q:
        names = dict(q.rows("SELECT id, name FROM departments ORDER BY name"))
        scope = _scope(staff, names, department)
        figures = gather(q, span.start, span.end, now, sorted(scope))
        staff_names = {i: (login, name) for i, login, name in q.rows("SELECT id, login, name FROM staff")}
    if department is not None:
        department = names[next(iter(scope))]  # as the desk spells it
    report = Report(span, department, ratings_shown=staff.is_admin or bool(staff.head_of & scope))
    for dept_id in sorted(scope, key=lambda d: names[d].lower()):
        report.departments.append(_row(figures, staff, names[dept_id], lambda k: k[0] == dept_id,
                                       dept_ids=[dept_id], author=None))
    for staff_id in sorted(figures.staff_ids(), key=lambda s: staff_names[s][0]):
        login, name = staff_names[staff_id]
        row = _row(figures, staff, name, lambda k: k[1] == staff_id, dept_ids=sorted(scope),
                   author=staff_id)
        row.login, row.opened, row.reopened, row.overdue = login, None, None, None
        report.staff.append(row)
    report.days = _days(figures, span, now)
    return report


def _scope(staff: StaffActor, names: dict[int, str], department: str | None) -> set[int]:
    seen = set(names) if staff.is_admin else set(staff.department_ids) & set(names)
    if department is None:
        return seen
    wanted = [d for d, n in names.items() if n.lower() == department.strip().lower()]
    if not wanted:
        raise NotFound(f"There is no department named '{department}'.")
    if wanted[0] not in seen:
        raise NotAllowed(f"You don't work in the department {names[wanted[0]]}; its report is "
                         "for its staff and the administrators.")
    return {wanted[0]}


def _row(f: Figures, viewer: StaffActor, name: str, match, *, dept_ids: list[int],
         author: int | None) -> Row:
    """Sums the figures kept per (department, staff member) whose key matches."""
    def total(counts: dict) -> int:
        return sum(v for k, v in counts.items() if match(k))

    def values(lists: dict) -> list[float]:
        return [v for k, vs in lists.items() if match(k) for v in vs]

    firsts, resolutions = values(f.first_response), values(f.resolution)
    row = Row(
        name=name, opened=total(f.opened), first_responded=len(firsts), closed=total(f.closed),
        reopened=total(f.reopened), overdue=None if f.overdue is None else total(f.overdue),
        first_response_median_minutes=_median(firsts),
        first_response_p90_minutes=_p90(firsts), resolution_median_minutes=_median(resolutions),
        replies=total(f.replies), incidents=total(f.incidents), charges=total(f.charges),
        charged=f"{total(f.charged) / 100:.2f}",
    )
    _ratings(row, f, viewer, dept_ids, author)
    return row


def _ratings(row: Row, f: Figures, viewer: StaffActor, dept_ids: list[int],
             author: int | None) -> None:
    """Only where the viewer may see them (store.service.ratings): else they stay None."""
    from ..service.ratings import sees_ratings_of

    if author is None:
        pairs = [(d, a) for d in dept_ids for a in f.rating_authors(d)
                 if sees_ratings_of(viewer, d, a)]
        shown = all(viewer.is_admin or d in viewer.head_of for d in dept_ids)
    else:
        pairs = [(d, author) for d in dept_ids if sees_ratings_of(viewer, d, author)]
        shown = bool(pairs)
    if shown:
        row.ratings_good = sum(f.ratings.get((d, a, True), 0) for d, a in pairs)
        row.ratings_bad = sum(f.ratings.get((d, a, False), 0) for d, a in pairs)


def _days(f: Figures, span: Period, now: datetime) -> list[Day]:
    """Per day: created and closed, and the open tickets at the day's end, counted back from
    the tickets open now through each later day's changes."""
    out = []
    backlog = f.open_now - sum(n for d, n in f.net.items() if d > span.last.isoformat())
    for day in reversed(span.days()):
        key = day.isoformat()
        out.append(Day(day, f.created_by_day.get(key, 0), f.closed_by_day.get(key, 0),
                       max(backlog, 0)))
        backlog -= f.net.get(key, 0)
    return list(reversed(out))


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _p90(values: list[float]) -> float | None:
    """The 90th percentile, nearest rank: the smallest value at least 90% of them don't exceed."""
    if not values:
        return None
    return round(sorted(values)[math.ceil(0.9 * len(values)) - 1], 1)
