"""What the response rules' tests share: tests/desk.py's desk, rules added by the operator, the
queue worked off as PostgreSQL's operator would (`rule run`; nothing to do on SQLite, where
rules run inline), and the rows to look at."""

from __future__ import annotations

from store.db import Store
from store.rules.manage import add_rule
from store.rules.queue import run_pending
from tests.desk import Desk

TS, BILLING = "Technical support", "Billing"


def rule(desk: Desk, name: str, **kw):
    return add_rule(desk.store, None, name, **kw)


def settle(store: Store) -> int:
    """Runs what the database queued (PostgreSQL); how many events ran."""
    return run_pending(store) if store.dialect == "postgresql" else 0


def opened(desk: Desk, subject: str = "Site down", body: str = "example.com is down", **kw) -> int:
    tid = desk.open(subject, body, **kw)
    settle(desk.store)
    return tid


def rows(store: Store, sql: str, **params) -> list[tuple]:
    with store.sql() as q:
        return q.rows(sql, params)


def system_lines(store: Store, ticket_id: int) -> list[str]:
    return [r[0] for r in rows(store, "SELECT body FROM messages WHERE ticket_id = :t AND "
                                      "kind = 'system' ORDER BY id", t=ticket_id)]


def ticket_row(store: Store, ticket_id: int) -> tuple:
    """(department name, responsible login, priority, placed_first)."""
    return rows(store, "SELECT d.name, s.login, t.priority, t.placed_first FROM tickets t "
                       "JOIN departments d ON d.id = t.department_id LEFT JOIN staff s "
                       "ON s.id = t.responsible_staff_id WHERE t.id = :t", t=ticket_id)[0]
