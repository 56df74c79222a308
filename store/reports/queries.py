"""The report's reads: one grouped query per kind of figure, each over the period's rows only
(migration 0014's indexes), kept per (department, staff member) for the rows to sum.

Plain SQL (store/sql.py) for both databases; on PostgreSQL row security limits every query to
what the login sees, and the department filter keeps it to the departments of the report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from ..sql import Sql, expand

Key = tuple[int, int | None]  # (department id, staff id or None)

CLOSED_FOR_ALL = "%; ticket closed"  # store.service.locking.CLOSED_FOR_ALL, as a LIKE pattern


@dataclass
class Figures:
    opened: dict[Key, int] = field(default_factory=dict)
    closed: dict[Key, int] = field(default_factory=dict)
    reopened: dict[Key, int] = field(default_factory=dict)
    overdue: dict[Key, int] | None = None  # per department; None: no response targets at all
    replies: dict[Key, int] = field(default_factory=dict)
    incidents: dict[Key, int] = field(default_factory=dict)
    charges: dict[Key, int] = field(default_factory=dict)
    charged: dict[Key, int] = field(default_factory=dict)  # cents
    first_response: dict[Key, list[float]] = field(default_factory=lambda: defaultdict(list))
    resolution: dict[Key, list[float]] = field(default_factory=lambda: defaultdict(list))
    ratings: dict[tuple[int, int | None, bool], int] = field(default_factory=dict)
    created_by_day: dict[str, int] = field(default_factory=dict)
    closed_by_day: dict[str, int] = field(default_factory=dict)
    net: dict[str, int] = field(default_factory=dict)  # per day from the start to now: +opened...
    open_now: int = 0

    def staff_ids(self) -> set[int]:
        keys = set()
        for d in (self.closed, self.replies, self.incidents, self.charges, self.first_response,
                  self.resolution):
            keys.update(k[1] for k in d)
        keys.update(k[1] for k in self.ratings)
        return {k for k in keys if k is not None}

    def rating_authors(self, dept: int) -> set[int | None]:
        return {a for d, a, _ in self.ratings if d == dept}


def _day(q: Sql, column: str) -> str:
    """The UTC day of a stored moment, as YYYY-MM-DD."""
    if q.sqlite:
        return f"substr({column}, 1, 10)"
    return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"


def _minutes(q: Sql, later: str, earlier: str) -> str:
    if q.sqlite:
        return f"(julianday({later}) - julianday({earlier})) * 1440.0"
    return f"EXTRACT(EPOCH FROM {later} - {earlier}) / 60.0"


def gather(q: Sql, start: datetime, end: datetime, now: datetime, departments: list[int]) -> Figures:
    f = Figures()
    p = {"start": q.db_time(start), "end": q.db_time(end), "now": q.db_time(now)}
    depts = f"t.department_id IN ({expand(p, 'd', departments)})"
    period = ">= :start"  # and < :end, after it

    def counts(target: dict, sql: str) -> None:
        for dept, staff, n in q.rows(sql, p):
            target[(dept, staff)] = target.get((dept, staff), 0) + int(n or 0)

    day = _day(q, "t.created_at")
    for dept, d, n in q.rows(
            f"SELECT t.department_id, {day}, count(*) FROM tickets t WHERE t.created_at >= :start "
            f"AND t.created_at < :end AND {depts} GROUP BY t.department_id, {day}", p):
        f.opened[(dept, None)] = f.opened.get((dept, None), 0) + n
        f.created_by_day[d] = f.created_by_day.get(d, 0) + n

    # Each staff reply of the period, and for a ticket's first one the minutes it took (a
    # response rule's automatic answer is no reply: migration 0018's messages.automatic).
    first = ("NOT EXISTS (SELECT 1 FROM messages p WHERE p.ticket_id = m.ticket_id "
             "AND p.kind = 'staff' AND p.automatic = FALSE AND p.id < m.id)")
    for dept, staff, minutes in q.rows(
            f"SELECT t.department_id, m.author_staff_id, CASE WHEN {first} THEN "
            f"{_minutes(q, 'm.created_at', 't.created_at')} END FROM messages m "
            f"JOIN tickets t ON t.id = m.ticket_id WHERE m.kind = 'staff' AND m.automatic = FALSE "
            f"AND m.created_at {period} AND m.created_at < :end AND {depts}", p):
        f.replies[(dept, staff)] = f.replies.get((dept, staff), 0) + 1
        if minutes is not None:
            f.first_response[(dept, staff)].append(max(float(minutes), 0.0))

    events = (f"FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE e.created_at "
              f"{period} AND e.created_at < :end AND {depts} AND e.action")
    eday = _day(q, "e.created_at")
    for dept, staff, d, n in q.rows(
            f"SELECT t.department_id, e.staff_id, {eday}, count(*) {events} IN ('close', 'ok') "
            f"GROUP BY t.department_id, e.staff_id, {eday}", p):
        f.closed[(dept, staff)] = f.closed.get((dept, staff), 0) + n
        f.closed_by_day[d] = f.closed_by_day.get(d, 0) + n
    for dept, staff, minutes in q.rows(
            f"SELECT t.department_id, e.staff_id, {_minutes(q, 'e.created_at', 't.created_at')} "
            f"{events} IN ('close', 'ok') AND e.detail LIKE '{CLOSED_FOR_ALL}'", p):
        f.resolution[(dept, staff)].append(max(float(minutes), 0.0))
    # Tickets of the period that missed a response target: recorded (breached) or due now.
    if q.value("SELECT EXISTS (SELECT 1 FROM sla_policies)"):
        f.overdue = {}
        counts(f.overdue, "SELECT t.department_id, NULL, count(*) FROM tickets t JOIN ticket_sla s "
               "ON s.ticket_id = t.id WHERE t.created_at >= :start AND t.created_at < :end "
               f"AND {depts} AND (s.breached OR s.due < :now) GROUP BY t.department_id")
    counts(f.reopened, f"SELECT t.department_id, NULL, count(*) {events} = 'reopened' "
                       "GROUP BY t.department_id")
    counts(f.incidents, f"SELECT t.department_id, e.staff_id, sum(CAST(e.detail AS INTEGER)) "
                        f"{events} = 'incidents' GROUP BY t.department_id, e.staff_id")
    for dept, staff, n, cents in q.rows(
            "SELECT t.department_id, c.staff_id, count(*), sum(c.amount_cents) FROM charges c "
            f"JOIN tickets t ON t.id = c.ticket_id WHERE c.created_at {period} "
            f"AND c.created_at < :end AND {depts} GROUP BY t.department_id, c.staff_id", p):
        f.charges[(dept, staff)] = n
        f.charged[(dept, staff)] = int(cents)
    for dept, author, good, n in q.rows(
            "SELECT t.department_id, m.author_staff_id, r.good, count(*) FROM message_ratings r "
            "JOIN messages m ON m.id = r.message_id JOIN tickets t ON t.id = m.ticket_id "
            f"WHERE r.rated_at {period} AND r.rated_at < :end AND {depts} "
            "GROUP BY t.department_id, m.author_staff_id, r.good", p):
        f.ratings[(dept, author, bool(good))] = n
    _backlog(q, f, p, depts)
    return f


def _backlog(q: Sql, f: Figures, p: dict, depts: str) -> None:
    """What the backlog needs: the tickets open now, and each day's change from the period's
    start to now (opened and reopened: +1; a close or Ok that left no holder open: -1)."""
    f.open_now = q.value(f"SELECT count(*) FROM tickets t WHERE t.is_open AND {depts}", p) or 0
    tday, eday = _day(q, "t.created_at"), _day(q, "e.created_at")
    rows = q.rows(
        f"SELECT {tday}, count(*) FROM tickets t WHERE t.created_at >= :start "
        f"AND t.created_at <= :now AND {depts} GROUP BY {tday}", p)
    rows += q.rows(
        f"SELECT {eday}, count(*) FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id "
        f"WHERE e.action = 'reopened' AND e.created_at >= :start AND e.created_at <= :now "
        f"AND {depts} GROUP BY {eday}", p)
    closing = q.rows(
        f"SELECT {eday}, count(*) FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id "
        f"WHERE e.action IN ('close', 'ok') AND e.created_at >= :start AND e.created_at <= :now "
        f"AND e.detail LIKE '{CLOSED_FOR_ALL}' AND {depts} GROUP BY {eday}", p)
    for d, n in rows:
        f.net[d] = f.net.get(d, 0) + n
    for d, n in closing:
        f.net[d] = f.net.get(d, 0) - n
