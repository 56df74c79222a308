"""A help desk on PostgreSQL and a hostile person at psql: what the attack tests share.

Set up by the operator, through the service (tests/test_pg_attacks_*.py then attack it in raw
SQL, with psycopg, as the staff members' and clients' own login roles):

- departments Tech (per-incident support) and Billing; staff root (administrator), alice and
  carol (Tech), bob (Billing), eve (no department); clients john and mary, each with a service;
- t_locked: john's, in Tech, assigned to eve (so eve sees it without being in Tech), then taken
  by alice, who replied and wrote an internal comment: locked by alice;
- t_hidden: mary's, in Billing, taken by bob (internal comment), with an abuse case: nobody of
  Tech sees it;
- t_free: john's, in Tech, open and unlocked; t_closed: john's, in Tech, answered and closed by
  alice (Awaiting response from client); t_archived: john's, closed and archived by him.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import psycopg
import pytest
from sqlalchemy.engine import make_url

from store import admin, logins
from store import service as sv
from store.actors import client_actor, staff_actor
from store.db import Store
from tests.snapshot import snapshot

STAFF = ("root", "alice", "carol", "bob", "eve")


class AttackDesk:
    def __init__(self, url: str) -> None:
        self.url = url
        self.store = s = Store.open(url)
        admin.add_department(s, "Tech", per_incident=True)
        admin.add_department(s, "Billing")
        admin.add_staff(s, "root", "Root", admin=True)
        admin.add_staff(s, "alice", "Alice", ["Tech"])
        admin.add_staff(s, "carol", "Carol", ["Tech"])
        admin.add_staff(s, "bob", "Bob", ["Billing"])
        admin.add_staff(s, "eve", "Eve")
        admin.add_client(s, "john@example.com", "John", "pays late")
        admin.add_client(s, "mary@example.com", "Mary", "VIP")
        self.john_service = admin.add_service(s, "john@example.com", "john.example", "domain",
                                              "john.example").id
        self.mary_service = admin.add_service(s, "mary@example.com", "mary.example", "domain",
                                              "mary.example").id
        self.staff = {login: staff_actor(s, login) for login in STAFF}
        self.john = client_actor(s, "john@example.com")
        self.mary = client_actor(s, "mary@example.com")
        alice, bob = self.staff["alice"], self.staff["bob"]

        self.t_locked = sv.open_ticket(s, self.john, "Tech", "Site down", "502 since 9:00")
        sv.assign(s, self.staff["root"], self.t_locked, staff="eve")
        sv.take(s, alice, self.t_locked)
        sv.reply(s, alice, self.t_locked, "Restarting nginx.", internal="client is rude")
        self.t_hidden = sv.open_ticket(s, self.mary, "Billing", "Invoice", "Wrong amount")
        sv.take(s, bob, self.t_hidden)
        sv.reply(s, bob, self.t_hidden, "", internal="refund pending")
        sv.register_abuse(s, bob, self.t_hidden, "spam", "sends spam")
        self.t_free = sv.open_ticket(s, self.john, "Tech", "Mail", "bounces")
        self.t_closed = sv.open_ticket(s, self.john, "Tech", "DNS", "what are my name servers?")
        sv.take(s, alice, self.t_closed)
        sv.reply(s, alice, self.t_closed, "ns1 and ns2.", close=True)
        self.t_archived = sv.open_ticket(s, self.john, "Tech", "Old", "old question")
        sv.take(s, alice, self.t_archived)
        sv.reply(s, alice, self.t_archived, "Answered.", close=True)
        sv.archive(s, self.john, self.t_archived)
        self.roles = {login: logins.grant_login(s, login).role for login in STAFF}
        for client in ("john@example.com", "mary@example.com"):
            self.roles[client] = logins.grant_login(s, client, client=True).role

    def id_of(self, sql: str, **params) -> int:
        return self.rows(sql, **params)[0][0]

    def rows(self, sql: str, **params) -> list[tuple]:
        """As the operator (the truth, whatever the logins may see)."""
        with self.store.sql() as q:
            return q.rows(sql, params)

    @contextmanager
    def login(self, person: str):
        """A raw connection with the person's own login role; committed if the block ends well."""
        url = make_url(self.url)
        with psycopg.connect(host=url.host, port=url.port, dbname=url.database,
                             user=self.roles[person]) as conn:
            yield conn

    def attempt(self, person: str, sql: str, params: dict | tuple | None = None) -> Exception | None:
        """Runs one statement as the person and commits; the database's refusal, or None."""
        try:
            with self.login(person) as conn:
                conn.execute(sql, params)
        except psycopg.Error as exc:
            return exc
        return None

    def close(self) -> None:
        self.store.close()


@pytest.fixture
def desk(pg_url: str):
    """The desk above on a fresh database (the test modules import this fixture)."""
    d = AttackDesk(pg_url)
    yield d
    d.close()


def refused_or_nothing(desk: AttackDesk, person: str, sql: str, params=None) -> None:
    """The attempt was refused, or it changed no row of any table."""
    before = snapshot(desk.store)
    error = desk.attempt(person, sql, params)
    after = snapshot(desk.store)
    changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
    assert not changed, f"{person}: {sql} {params or ''} changed {changed} (refusal: {error})"


def refused(desk: AttackDesk, person: str, sql: str, params=None) -> None:
    """The database refused it outright for the person's role (insufficient_privilege: a
    privilege, a policy or a write rule), and so changed nothing."""
    before = snapshot(desk.store)
    error = desk.attempt(person, sql, params)
    assert error is not None, f"{person}: {sql} {params or ''} was accepted"
    assert getattr(error, "sqlstate", None) == "42501", f"{person}: {sql}: {error!r}"
    assert snapshot(desk.store) == before


def new_ticket(**columns) -> str:
    """An INSERT of a whole ticket row (every NOT NULL column), open and waiting; `columns`
    (SQL expressions) add to or replace its values."""
    values = {"summary": "''", "priority": "2", "placed_first": "false", "client_unread": "0",
              "incidents": "0", "is_open": "true", "awaiting_staff": "true",
              "waiting_since": "now()", "created_at": "now()", "updated_at": "now()",
              "subject": "'spam'", **columns}
    return f"INSERT INTO tickets ({', '.join(values)}) VALUES ({', '.join(values.values())})"


def recent(value: datetime, within: timedelta = timedelta(minutes=5)) -> bool:
    """A moment the server wrote just now, not one a writer chose."""
    return abs(datetime.now(timezone.utc) - value) < within
