"""A client at psql with their own login role: they read only what the client area shows, and
write only what it writes (issue 21; migrations 0004 and 0005).

The client area shows a client their own tickets, their messages and the staff's replies, the
charges on them; it writes a new ticket, a client message (which reopens the ticket, takes it
out of the archive, ends a delay), the read mark, and Archive when no holder has the ticket
open. The desk is tests/pg_attacks.py's; john is the client of t_locked, t_free, t_closed and
t_archived.
"""

from __future__ import annotations

import pytest

from tests.pg_attacks import desk  # noqa: F401 - the fixture
from tests.pg_attacks import AttackDesk, new_ticket, recent, refused, refused_or_nothing

pytestmark = pytest.mark.pg


@pytest.mark.parametrize("sql", [
    "SELECT summary FROM tickets", "SELECT locked_by_id FROM tickets",
    "SELECT lock_token FROM tickets", "SELECT locked_at FROM tickets",
    "SELECT responsible_staff_id FROM tickets", "SELECT * FROM tickets",
    "SELECT * FROM holders", "SELECT action, staff_id FROM ticket_events",
    "SELECT staff_id FROM charges", "SELECT * FROM client_logins",
    # a write's RETURNING reads as much as a SELECT
    "UPDATE tickets SET client_unread = 0 RETURNING summary, locked_by_id",
])
def test_a_client_reads_nothing_of_the_staffs_side(desk: AttackDesk, sql: str) -> None:
    refused(desk, "john@example.com", sql)


def test_what_the_client_area_reads_still_reads(desk: AttackDesk) -> None:
    """(Not an attack: what is left readable is what the client area needs.)"""
    with desk.login("john@example.com") as conn:
        rows = conn.execute("SELECT id, subject, is_open, archived_at, client_unread "
                            "FROM tickets ORDER BY id").fetchall()
        assert [r[0] for r in rows] == sorted([desk.t_locked, desk.t_free, desk.t_closed,
                                               desk.t_archived])
        assert {k for k, in conn.execute("SELECT kind FROM messages")} == {"client", "staff"}


def test_archive_only_what_nobody_has_open(desk: AttackDesk) -> None:
    john = "john@example.com"
    archive = "UPDATE tickets SET archived_at = now() WHERE id = %s"
    refused(desk, john, archive, (desk.t_free,))  # In progress
    refused(desk, john, archive, (desk.t_locked,))
    # A closed one he may archive, and the server says when.
    assert desk.attempt(john, "UPDATE tickets SET archived_at = '2001-01-01' WHERE id = %s",
                        (desk.t_closed,)) is None
    (at,), = desk.rows("SELECT archived_at FROM tickets WHERE id = :t", t=desk.t_closed)
    assert recent(at)
    # Out of the archive only with a message of his.
    refused(desk, john, "UPDATE tickets SET archived_at = NULL WHERE id = %s", (desk.t_archived,))


def test_holders_are_out_of_a_clients_reach(desk: AttackDesk) -> None:
    john = "john@example.com"
    refused(desk, john, "UPDATE holders SET is_open = false, closed_at = now()")
    refused(desk, john, "INSERT INTO holders (ticket_id, staff_id, is_open, opened_at) "
                        "VALUES (%s, %s, true, now())", (desk.t_free, desk.staff["eve"].id))
    refused(desk, john, "UPDATE tickets SET is_open = true WHERE id = %s", (desk.t_closed,))
    # The database's own path reopens a ticket only after a message of his, in that transaction.
    refused(desk, john, "SELECT ticket_tui_client_wrote(current_user, %s, %s, now())",
            (desk.t_closed, desk.john.id))
    refused(desk, john, "SELECT ticket_tui_client_wrote(current_user, %s, %s, now())",
            (desk.t_hidden, desk.mary.id))
    refused(desk, john, "SELECT ticket_tui_client_wrote(%s, %s, %s, now())",
            (desk.roles["mary@example.com"], desk.t_hidden, desk.mary.id))


def test_the_ticket_fields_a_client_may_not_set(desk: AttackDesk) -> None:
    john = "john@example.com"
    for sql in ("UPDATE tickets SET client_unread = 5 WHERE id = %s",
                "UPDATE tickets SET awaiting_staff = NOT awaiting_staff WHERE id = %s",
                "UPDATE tickets SET delayed_until = now() + interval '9 days' WHERE id = %s",
                "UPDATE tickets SET waiting_since = '2001-01-01' WHERE id = %s",
                "UPDATE tickets SET summary = 'x' WHERE id = %s",
                "UPDATE tickets SET locked_by_id = NULL, lock_token = NULL, locked_at = NULL "
                "WHERE id = %s"):
        refused(desk, john, sql, (desk.t_locked,))


def test_a_client_writes_only_as_themselves(desk: AttackDesk) -> None:
    john = "john@example.com"
    alice = desk.staff["alice"].id
    refused(desk, john, "INSERT INTO ticket_events (ticket_id, staff_id, client_id, action, "
                        "detail, created_at) VALUES (%s, %s, NULL, 'reply', '', now())",
            (desk.t_locked, alice))
    refused(desk, john, "INSERT INTO ticket_events (ticket_id, staff_id, client_id, action, "
                        "detail, created_at) VALUES (%s, %s, %s, 'reply', '', now())",
            (desk.t_locked, alice, desk.john.id))
    staff_reply = desk.id_of("SELECT id FROM messages WHERE ticket_id = :t AND kind = 'staff'",
                             t=desk.t_locked)
    refused(desk, john, "INSERT INTO attachments (message_id, name, content_type, size, sha256, "
                        "data) VALUES (%s, 'x.exe', 'text/plain', 1, 'f', 'MZ')", (staff_reply,))
    refused(desk, john, "INSERT INTO drafts (ticket_id, client_id, body, internal_comment, "
                        "updated_at) VALUES (%s, %s, 'b', 'for staff eyes', now())",
            (desk.t_locked, desk.john.id))
    # His own message may not be dated in the past.
    assert desk.attempt(john, "INSERT INTO messages (ticket_id, kind, body, author_client_id, "
                              "created_at) VALUES (%s, 'client', 'old news', %s, '2001-01-01')",
                        (desk.t_locked, desk.john.id)) is None
    (created,), = desk.rows("SELECT created_at FROM messages WHERE body = 'old news'")
    assert recent(created)


def test_a_new_ticket_has_only_what_a_client_sets(desk: AttackDesk) -> None:
    john = "john@example.com"
    tech = desk.id_of("SELECT id FROM departments WHERE name = 'Tech'")
    mine = {"client_id": str(desk.john.id), "department_id": str(tech)}
    for staff_side in ({"summary": "'staff only'"}, {"placed_first": "true"},
                       {"client_unread": "3"}, {"incidents": "5"}, {"is_open": "false"},
                       {"archived_at": "now()"}, {"delayed_until": "now() + interval '1 day'"},
                       {"responsible_staff_id": str(desk.staff["alice"].id)},
                       {"locked_by_id": str(desk.staff["alice"].id), "lock_token": "'t'",
                        "locked_at": "now()"},
                       {"service_id": str(desk.mary_service)},  # Mary's service
                       {"priority": "4"},  # priorities are off
                       {"split_from_id": str(desk.t_free)},
                       {"client_id": str(desk.mary.id)}):  # in Mary's name
        refused(desk, john, new_ticket(**{**mine, **staff_side}))
    # What the client area sends is accepted, at the server's time.
    assert desk.attempt(john, new_ticket(**mine, created_at="'2001-01-01'")) is None
    (created,), = desk.rows("SELECT max(created_at) FROM tickets")
    assert recent(created)


@pytest.mark.parametrize("sql", [
    "DELETE FROM tickets", "DELETE FROM messages", "DELETE FROM attachments",
    "UPDATE clients SET balance_cents = 1000000", "UPDATE clients SET email = 'x@y.z'",
    "UPDATE messages SET body = 'I never said that'",
])
def test_a_client_changes_no_record(desk: AttackDesk, sql: str) -> None:
    """(0003's privileges refused these already: kept so that 0004 never loosens them.)"""
    refused_or_nothing(desk, "john@example.com", sql)
