"""Response rules at psql (issue 19; migration 0017). Only administrators' logins read or write
rules (and read their runs); nobody writes the queue of pending runs or the record of runs but
the database's own trigger and the operator; a client can't dodge the rules, nor make a run for
someone else's ticket; a staff login marks itself away, not others (an administrator anyone).

The desk is tests/pg_attacks.py's: alice and carol (Tech), bob (Billing), eve (no department),
root (administrator); john's tickets t_free (Tech) and others."""

from __future__ import annotations

import pytest

from store.rules.manage import add_rule, list_rules
from store.rules.queue import run_pending
from tests.pg_attacks import desk  # noqa: F401 - the fixture
from tests.pg_attacks import AttackDesk, refused, refused_or_nothing

pytestmark = pytest.mark.pg


@pytest.fixture
def ruled(desk: AttackDesk) -> AttackDesk:
    add_rule(desk.store, None, "to billing", words=["invoice"], assign_department="Billing")
    add_rule(desk.store, None, "top", on="client-message", top=True)
    return desk


def rule_names(desk: AttackDesk, person: str) -> set[str]:
    with desk.login(person) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM rules").fetchall()}


def test_only_an_administrator_reads_and_writes_rules(ruled: AttackDesk) -> None:
    assert rule_names(ruled, "root") == {"to billing", "top"}
    assert rule_names(ruled, "alice") == set()
    assert ruled.attempt("root", "UPDATE rules SET stop = true WHERE name = 'top'") is None
    assert ruled.rows("SELECT stop FROM rules WHERE name = 'top'") == [(True,)]


@pytest.mark.parametrize("sql", [
    "INSERT INTO rules (name, on_event, position, conditions, actions, stop, created_at) "
    "VALUES ('mine', 'new', 9, '{}', '{\"assign_staff\": 3}', false, now())",
])
@pytest.mark.parametrize("person", ["alice", "bob", "eve"])
def test_a_staff_login_that_is_no_administrator_adds_no_rule(ruled: AttackDesk, person: str,
                                                             sql: str) -> None:
    refused(ruled, person, sql)


@pytest.mark.parametrize("sql", [
    "UPDATE rules SET actions = '{\"favorite\": 3}'",
    "DELETE FROM rules",
])
@pytest.mark.parametrize("person", ["alice", "john@example.com"])
def test_nobody_else_changes_or_removes_a_rule(ruled: AttackDesk, person: str, sql: str) -> None:
    refused_or_nothing(ruled, person, sql)


def test_a_client_reads_no_rule_and_no_run(ruled: AttackDesk) -> None:
    for table in ("rules", "rule_runs", "rule_queue"):
        refused(ruled, "john@example.com", f"SELECT * FROM {table}")
    refused(ruled, "alice", "SELECT * FROM rule_queue")


@pytest.mark.parametrize("person", ["john@example.com", "alice", "root"])
@pytest.mark.parametrize("sql", [
    "INSERT INTO rule_queue (ticket_id, event, message_id, queued_at) SELECT ticket_id, "
    "'client-message', id, now() FROM messages LIMIT 1",
    "DELETE FROM rule_queue",
    "INSERT INTO rule_runs (rule_id, ticket_id, event, message_id, fired, detail, ran_at) "
    "SELECT r.id, m.ticket_id, 'new', m.id, true, '', now() FROM rules r, messages m",
    "DELETE FROM rule_runs",
])
def test_no_login_writes_the_queue_or_the_runs(ruled: AttackDesk, person: str, sql: str) -> None:
    refused_or_nothing(ruled, person, sql)


def test_a_client_message_is_queued_by_the_database_and_run_once_by_the_operator(
        ruled: AttackDesk) -> None:
    with ruled.login("john@example.com") as conn:  # what the app's client_reply writes, by hand
        conn.execute("INSERT INTO messages (ticket_id, kind, author_client_id, body, created_at) "
                     "VALUES (%s, 'client', %s, 'me again', now())", (ruled.t_free, ruled.john.id))
    assert ruled.rows("SELECT ticket_id, event FROM rule_queue") == [(ruled.t_free, "client-message")]
    assert run_pending(ruled.store) == 1
    assert run_pending(ruled.store) == 0
    assert ruled.rows("SELECT placed_first FROM tickets WHERE id = :t", t=ruled.t_free) == [(True,)]


def test_a_client_cannot_skip_the_rules(ruled: AttackDesk) -> None:
    with ruled.login("john@example.com") as conn:
        conn.execute("SELECT set_config('ticket_tui.no_rules', 'on', false)")
        conn.execute("INSERT INTO messages (ticket_id, kind, author_client_id, body, created_at) "
                     "VALUES (%s, 'client', %s, 'quietly', now())", (ruled.t_free, ruled.john.id))
    assert len(ruled.rows("SELECT id FROM rule_queue")) == 1


def test_staff_away_is_ones_own_unless_an_administrator(ruled: AttackDesk) -> None:
    carol = ruled.staff["carol"].id
    refused(ruled, "alice", f"INSERT INTO staff_away (staff_id, since) VALUES ({carol}, now())")
    assert ruled.attempt("carol", f"INSERT INTO staff_away (staff_id, since) VALUES ({carol}, now())") is None
    refused_or_nothing(ruled, "alice", "DELETE FROM staff_away")
    assert ruled.attempt("root", "DELETE FROM staff_away") is None
    assert ruled.rows("SELECT count(*) FROM staff_away") == [(0,)]
    refused(ruled, "john@example.com", "SELECT * FROM staff_away")


def test_list_rules_through_the_app_as_each_login(ruled: AttackDesk) -> None:
    from sqlalchemy.engine import make_url

    from store.db import Store

    url = make_url(ruled.url).set(username=ruled.roles["root"]).render_as_string(hide_password=False)
    root = Store.open(url, migrate=False)
    try:
        assert [r.name for r in list_rules(root, ruled.staff["root"])] == ["to billing", "top"]
    finally:
        root.close()
