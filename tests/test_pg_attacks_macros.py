"""Macros at psql (issue 20; migration 0009): a staff login reads the macros of its own scope
only, and nobody but the operator writes one; a client reads none. Through the app, a staff
member's own login can't apply a macro of another department's or person's scope.

The desk is tests/pg_attacks.py's: alice and carol (Tech), bob (Billing), eve (no department),
root (administrator); alice holds the lock of t_locked (Tech)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from store import admin
from store.errors import Refused
from store.macros import add_macro
from store.service.macros import apply_macro, macros_for
from store.db import Store
from tests.pg_attacks import desk  # noqa: F401 - the fixture
from tests.pg_attacks import AttackDesk, refused

pytestmark = pytest.mark.pg
SCOPES = {"Everyone": {}, "Tech's": {"department": "Tech"}, "Billing's": {"department": "Billing"},
          "Alice's": {"staff": "alice"}, "Bob's": {"staff": "bob"}}


@pytest.fixture
def macros(desk: AttackDesk) -> AttackDesk:
    admin.add_reply_template(desk.store, "Hi", "Hi {client.name}.")
    for name, scope in SCOPES.items():
        add_macro(desk.store, name, "Hi", comment=f"{name} note", **scope)
    return desk


def readable(desk: AttackDesk, person: str) -> set[str]:
    with desk.login(person) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM macros").fetchall()}


def test_each_login_reads_its_own_scope(macros: AttackDesk) -> None:
    assert readable(macros, "alice") == {"Everyone", "Tech's", "Alice's"}
    assert readable(macros, "bob") == {"Everyone", "Billing's", "Bob's"}
    assert readable(macros, "eve") == {"Everyone"}
    assert readable(macros, "root") == set(SCOPES)


def test_a_client_reads_no_macro(macros: AttackDesk) -> None:
    refused(macros, "john@example.com", "SELECT * FROM macros")


@pytest.mark.parametrize("sql", [
    "INSERT INTO macros (name, template_id, close, comment, department_id) SELECT 'Mine', id, "
    "true, '', (SELECT id FROM departments WHERE name = 'Billing') FROM reply_templates",
    "INSERT INTO macros (name, template_id, close, comment) SELECT 'Mine', id, true, '' "
    "FROM reply_templates",
    "UPDATE macros SET department_id = NULL, staff_id = NULL",
    "UPDATE macros SET comment = 'changed' WHERE name = 'Everyone'",
    "DELETE FROM macros",
])
@pytest.mark.parametrize("person", ["alice", "root"])
def test_no_staff_login_writes_a_macro(macros: AttackDesk, person: str, sql: str) -> None:
    refused(macros, person, sql)


def test_a_login_cant_apply_another_scopes_macro(macros: AttackDesk) -> None:
    alice = macros.staff["alice"]
    url = make_url(macros.store.url).set(username=macros.roles["alice"]).render_as_string(
        hide_password=False)
    own = Store.open(url, migrate=False)
    try:
        offered = {m.name for m in macros_for(own, alice, macros.t_locked)}
        assert offered == {"Everyone", "Tech's", "Alice's"}
        for name in ("Billing's", "Bob's"):
            with pytest.raises(Refused):
                apply_macro(own, alice, macros.t_locked, name)
        # The id of another's macro, learnt somehow, is no better than its name.
        bobs = macros.id_of("SELECT id FROM macros WHERE name = 'Bob''s'")
        with pytest.raises(Refused):
            apply_macro(own, alice, macros.t_locked, bobs)
        done = apply_macro(own, alice, macros.t_locked, "Tech's")
        assert done.reply_id is not None
    finally:
        own.close()
    assert [b for (b,) in macros.rows(
        "SELECT body FROM messages WHERE ticket_id = :t AND kind = 'internal' ORDER BY id",
        t=macros.t_locked)][-1] == "Tech's note"
