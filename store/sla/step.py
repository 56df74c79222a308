"""The response targets' step in the store: once per ticket at the end of every transaction that
recorded an event for it (SLA_SPEC.md, "The step").

store/service/locking.record, the one place ticket events are written, calls `touch`; the
transaction (store/sql.py's Pool.transaction, store/db.py's sessions) runs `refresh_touched`
just before it commits, so the due times are written in the same transaction as the event that
moves them. A desk without any policy pays one indexed probe per transaction (two EXISTS).
"""

from __future__ import annotations

import time
from datetime import datetime

from ..sql import Sql, expand, utc
from . import python_step_runs
from .clocks import APPLIED, COLUMNS, TIMES, Inputs, Row, Targets, advance, start
from .hours import calendar_for


def touch(q: Sql, ticket_id: int, at: datetime) -> None:
    """The ticket had an event at `at` in this transaction: refresh it before the commit."""
    if not python_step_runs(q.dialect):
        return
    touched = q.collect(refresh_touched)
    if ticket_id not in touched or touched[ticket_id] < at:
        touched[ticket_id] = at


# A desk that never had response targets (no policy, no ticket_sla row) pays nothing: each
# connection asks at most once per UNUSED_TTL seconds (policy.py forgets the answers of this
# process when it changes a policy; another process's new policy is seen within the TTL).
UNUSED_TTL = 1.0
_unused: dict[int, float] = {}  # id of a driver connection -> until when the answer holds


def forget_unused() -> None:
    _unused.clear()


def _never_used(q: Sql) -> bool:
    key = id(q.connection)  # (sqlite3's connections take no weak reference; a reused id only
    until = _unused.get(key)  # inherits an answer at most UNUSED_TTL old, as the TTL allows)
    now = time.monotonic()
    if until is not None and now < until:
        return True
    unused = not q.value("SELECT EXISTS (SELECT 1 FROM sla_policies) "
                         "OR EXISTS (SELECT 1 FROM ticket_sla)")
    if len(_unused) > 64:  # a process holds a few connections; never let it grow
        _unused.clear()
    if unused:
        _unused[key] = now + UNUSED_TTL
    else:
        _unused.pop(key, None)
    return unused


def refresh_touched(q: Sql, touched: dict[int, datetime]) -> None:
    if _never_used(q):
        return
    params: dict = {}
    if not q.value("SELECT EXISTS (SELECT 1 FROM sla_policies) OR EXISTS (SELECT 1 FROM "
                   f"ticket_sla WHERE ticket_id IN ({expand(params, 't', sorted(touched))}))",
                   params):
        return
    for ticket_id in sorted(touched):
        refresh(q, ticket_id, touched[ticket_id])


def refresh(q: Sql, ticket_id: int, at: datetime) -> None:
    """SLA_SPEC.md's refresh(ticket, at) (store/sla/clocks.py does the arithmetic)."""
    if not q.sqlite:  # one refresh of a ticket at a time: the second reads the first's row
        q.run("SELECT id FROM tickets WHERE id = :t FOR UPDATE", {"t": ticket_id})
    i = read_inputs(q, ticket_id)
    if i is None:
        return
    stored = load(q, ticket_id)
    calendars: dict[int, object] = {}

    def calendar_of(department_id: int):
        if department_id not in calendars:
            calendars[department_id] = calendar_for(q, department_id)
        return calendars[department_id]

    if stored is None:
        p = policy(q, i.department_id, i.priority, i.policy_id)
        if p is None:
            return
        save(q, ticket_id, start(i, p, at, calendar_of(i.department_id)), insert=True)
        return
    row = dict(stored)
    advance(row, i, at, calendar_of, lambda d, p, a: policy(q, d, p, a))
    if row != stored:
        save(q, ticket_id, row, insert=False)


# A response: a staff reply, not a response rule's automatic answer, not one still held (undo
# send; it counts at its own time once released). pg_refresh.py's FIRST_REPLY is the same.
FIRST_REPLY = "m.kind = 'staff' AND m.automatic = FALSE AND m.held_until IS NULL"
# The policy a rule applied (migration 0019). (A test of an older schema says NULL here and
# leaves policy_id out of COLUMNS, as it says its FIRST_REPLY.)
APPLIED_INPUT = "t.sla_policy_id"


def read_inputs(q: Sql, ticket_id: int) -> Inputs | None:
    found = q.row("SELECT department_id, priority, is_open, awaiting_staff, delayed_until, "
                  "(SELECT min(m.created_at) FROM messages m WHERE m.ticket_id = t.id "
                  f"AND {FIRST_REPLY}), {APPLIED_INPUT} FROM tickets t WHERE t.id = :t",
                  {"t": ticket_id})
    if found is None:
        return None
    dept, priority, is_open, awaiting, delayed_until, first_reply, applied = found
    return Inputs(dept, priority, bool(is_open), bool(awaiting), utc(delayed_until),
                  utc(first_reply), applied)


def policy(q: Sql, department_id: int, priority: int, applied: int | None = None) -> Targets | None:
    """The policy a rule applied while it exists (docs/sla.md), else the one for (department,
    priority), else the department's for any priority."""
    if applied is not None:
        found = q.row("SELECT first_response, next_response, resolution FROM sla_policies "
                      "WHERE id = :i", {"i": applied})
        if found is not None:
            return Targets(*found)
    found = q.row("SELECT first_response, next_response, resolution FROM sla_policies "
                  "WHERE department_id = :d AND priority IN (:p, 0) ORDER BY priority DESC",
                  {"d": department_id, "p": priority})
    return None if found is None else Targets(*found)


def load(q: Sql, ticket_id: int) -> Row | None:
    found = q.row(f"SELECT {', '.join(COLUMNS)} FROM ticket_sla WHERE ticket_id = :t",
                  {"t": ticket_id})
    if found is None:
        return None
    row = {APPLIED: None, **dict(zip(COLUMNS, found))}
    for name in COLUMNS:
        if name in TIMES:
            row[name] = utc(row[name])
        elif name in ("is_open", "awaiting_staff", "first_met", "resolution_met", "breached"):
            row[name] = None if row[name] is None else bool(row[name])
    return row


def save(q: Sql, ticket_id: int, row: Row, *, insert: bool) -> None:
    params = {name: (q.db_time(value) if name in TIMES and value is not None else value)
              for name, value in row.items()}
    params["ticket_id"] = ticket_id
    if insert:
        names = ("ticket_id",) + COLUMNS
        q.run(f"INSERT INTO ticket_sla ({', '.join(names)}) "
              f"VALUES ({', '.join(':' + n for n in names)})", params)
    else:
        q.run(f"UPDATE ticket_sla SET {', '.join(f'{n} = :{n}' for n in COLUMNS)} "
              "WHERE ticket_id = :ticket_id", params)
