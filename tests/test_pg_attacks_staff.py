"""A staff member at psql with their own login role: every write the app would refuse them, the
database refuses too, or it changes nothing (issue 21; migrations 0004 and 0005).

The rule: every write a personal role can make in SQL is one the app could make for that person
at that moment; nothing a person does in SQL widens what they can see or lets them act as
someone else. The desk is tests/pg_attacks.py's: alice (Tech) holds the lock of t_locked, which
eve (no department) also sees as its assignee; t_hidden is Billing's, unseen by Tech.
"""

from __future__ import annotations

import pytest

from tests.pg_attacks import desk  # noqa: F401 - the fixture
from tests.pg_attacks import AttackDesk, new_ticket, recent, refused, refused_or_nothing

pytestmark = pytest.mark.pg


def sees(desk: AttackDesk, person: str, ticket: int) -> bool:
    with desk.login(person) as conn:
        return conn.execute("SELECT count(*) FROM tickets WHERE id = %s", (ticket,)).fetchone()[0] == 1


def test_a_holder_row_never_makes_a_hidden_ticket_visible(desk: AttackDesk) -> None:
    alice = desk.staff["alice"].id
    tech = desk.id_of("SELECT id FROM departments WHERE name = 'Tech'")
    hidden = desk.t_hidden
    assert not sees(desk, "alice", hidden)
    refused(desk, "alice", "INSERT INTO holders (ticket_id, staff_id, is_open, opened_at) "
                           "VALUES (%s, %s, true, now())", (hidden, alice))
    refused(desk, "alice", "INSERT INTO holders (ticket_id, department_id, is_open, opened_at) "
                           "VALUES (%s, %s, true, now())", (hidden, tech))
    # Moving one's own holder row onto another ticket, or renaming whose it is.
    refused(desk, "alice", "UPDATE holders SET ticket_id = %s WHERE staff_id = %s", (hidden, alice))
    refused(desk, "eve", "UPDATE holders SET staff_id = %s WHERE staff_id = %s",
            (alice, desk.staff["eve"].id))
    assert not sees(desk, "alice", hidden)
    with desk.login("alice") as conn:
        assert conn.execute("SELECT count(*) FROM abuse_cases").fetchone()[0] == 0


@pytest.mark.parametrize("table", ["tickets", "messages", "holders", "ticket_events", "charges",
                                   "attachments", "abuse_cases", "message_edits",
                                   "staff_settings"])
def test_staff_delete_nothing_but_their_own_drafts_favorites_and_seen_marks(
        desk: AttackDesk, table: str) -> None:
    refused(desk, "root", f"DELETE FROM {table}")


def test_messages_are_written_in_ones_own_name_under_the_lock(desk: AttackDesk) -> None:
    carol, alice = desk.staff["carol"].id, desk.staff["alice"].id
    insert = ("INSERT INTO messages (ticket_id, kind, body, author_staff_id, author_client_id, "
              "created_at) VALUES (%s, %s, 'x', %s, %s, now())")
    refused(desk, "alice", insert, (desk.t_locked, "staff", carol, None))  # another's name
    refused(desk, "alice", insert, (desk.t_locked, "client", None, desk.john.id))  # the client's
    refused(desk, "alice", insert, (desk.t_free, "staff", alice, None))  # no lock
    refused(desk, "carol", insert, (desk.t_locked, "internal", carol, None))  # alice's lock
    refused(desk, "carol", insert, (desk.t_locked, "system", None, None))  # locked by another
    # Under her lock she may reply, but not in the past: the server says when.
    assert desk.attempt("alice", "INSERT INTO messages (ticket_id, kind, body, author_staff_id, "
                                 "created_at) VALUES (%s, 'staff', 'late', %s, '2001-01-01')",
                        (desk.t_locked, alice)) is None
    (created,), = desk.rows("SELECT created_at FROM messages WHERE body = 'late'")
    assert recent(created)


def test_messages_keep_their_author_ticket_and_history(desk: AttackDesk) -> None:
    first = desk.id_of("SELECT min(id) FROM messages WHERE ticket_id = :t", t=desk.t_locked)
    refused(desk, "alice", "UPDATE messages SET body = 'never said' WHERE id = %s", (first,))
    refused(desk, "alice", "UPDATE messages SET author_client_id = NULL, author_staff_id = %s "
                           "WHERE id = %s", (desk.staff["alice"].id, first))
    refused(desk, "alice", "UPDATE messages SET kind = 'internal' WHERE id = %s", (first,))
    refused(desk, "alice", "UPDATE messages SET ticket_id = %s WHERE id = %s", (desk.t_free, first))
    refused(desk, "alice", "UPDATE messages SET created_at = '2001-01-01' WHERE id = %s", (first,))
    refused(desk, "alice", "INSERT INTO message_edits (message_id, previous_body, edited_by_id, "
                           "edited_at) VALUES (%s, 'fake history', %s, now())",
            (first, desk.staff["carol"].id))
    refused(desk, "alice", "INSERT INTO message_edits (message_id, previous_body, edited_by_id, "
                           "edited_at) VALUES (%s, 'fake history', %s, now())",
            (first, desk.staff["alice"].id))


def test_the_lock_moves_only_as_the_take_rule_says(desk: AttackDesk) -> None:
    carol, eve = desk.staff["carol"].id, desk.staff["eve"].id
    lock = "UPDATE tickets SET locked_by_id = %s, lock_token = 'x', locked_at = now() WHERE id = %s"
    refused(desk, "alice", lock, (carol, desk.t_free))  # to someone else
    refused(desk, "eve", lock, (eve, desk.t_locked))  # over alice, not in a holding department
    refused(desk, "eve", "UPDATE tickets SET locked_by_id = NULL, lock_token = NULL, "
                         "locked_at = NULL WHERE id = %s", (desk.t_locked,))  # not hers
    refused(desk, "alice", "UPDATE tickets SET locked_at = '2001-01-01' WHERE id = %s",
            (desk.t_locked,))  # her own lock, made to look idle
    refused(desk, "alice", lock, (desk.staff["alice"].id, desk.t_archived))
    # Taking a free ticket is allowed, at the server's time whatever was sent.
    assert desk.attempt("alice", "UPDATE tickets SET locked_by_id = %s, lock_token = 'y', "
                                 "locked_at = '2001-01-01' WHERE id = %s",
                        (desk.staff["alice"].id, desk.t_free)) is None
    (at,), = desk.rows("SELECT locked_at FROM tickets WHERE id = :t", t=desk.t_free)
    assert recent(at)


def test_what_needs_the_lock_needs_it_in_sql_too(desk: AttackDesk) -> None:
    for column, value in (("subject", "'mine'"), ("priority", "4"), ("placed_first", "true"),
                          ("incidents", "0"), ("client_unread", "0"), ("awaiting_staff", "true"),
                          ("service_id", str(desk.john_service))):
        refused(desk, "eve", f"UPDATE tickets SET {column} = {value} WHERE id = %s", (desk.t_locked,))
    refused(desk, "alice", "UPDATE tickets SET service_id = %s WHERE id = %s",
            (desk.mary_service, desk.t_locked))  # another client's service, even under the lock
    # Closing holders is Ok / Close: under the lock, one's own and one's departments'.
    refused(desk, "carol", "UPDATE holders SET is_open = false, closed_at = now() "
                           "WHERE ticket_id = %s", (desk.t_locked,))
    refused(desk, "alice", "UPDATE holders SET is_open = false, closed_at = now() "
                           "WHERE ticket_id = %s AND staff_id = %s",
            (desk.t_locked, desk.staff["eve"].id))
    refused(desk, "alice", "UPDATE holders SET is_open = false, closed_at = now() "
                           "WHERE ticket_id = %s", (desk.t_free,))
    # Nor is a ticket "Awaiting response" while a holder has it open.
    refused(desk, "alice", "UPDATE tickets SET is_open = false WHERE id = %s", (desk.t_free,))


def test_assign_and_fields_the_app_never_changes(desk: AttackDesk) -> None:
    billing = desk.id_of("SELECT id FROM departments WHERE name = 'Billing'")
    refused(desk, "carol", "UPDATE tickets SET department_id = %s WHERE id = %s",
            (billing, desk.t_locked))  # locked by alice: can't be assigned meanwhile
    refused(desk, "carol", "INSERT INTO holders (ticket_id, department_id, is_open, opened_at) "
                           "VALUES (%s, %s, true, now())", (desk.t_locked, billing))
    refused(desk, "alice", "UPDATE tickets SET client_id = %s WHERE id = %s",
            (desk.mary.id, desk.t_locked))
    refused(desk, "alice", "UPDATE tickets SET archived_at = now() WHERE id = %s", (desk.t_closed,))
    refused(desk, "alice", "UPDATE tickets SET created_at = '2001-01-01' WHERE id = %s",
            (desk.t_locked,))
    refused(desk, "alice", "UPDATE tickets SET split_from_id = %s WHERE id = %s",
            (desk.t_free, desk.t_locked))
    refused(desk, "alice", new_ticket(client_id=str(desk.mary.id), department_id=str(billing)))
    refused(desk, "alice", new_ticket(  # a "split" of a ticket whose lock she doesn't hold
        client_id=str(desk.john.id), department_id="(SELECT department_id FROM tickets "
        f"WHERE id = {desk.t_free})", subject="'Mail'", split_from_id=str(desk.t_free)))


def test_clients_are_changed_only_as_the_app_does(desk: AttackDesk) -> None:
    refused(desk, "alice", "UPDATE clients SET balance_cents = 100000")
    refused(desk, "alice", "UPDATE clients SET incidents_left = 1000")
    refused(desk, "alice", "UPDATE clients SET email = 'x' || email")
    refused(desk, "alice", "UPDATE clients SET email = CASE WHEN id = %s THEN %s ELSE %s END",
            (desk.john.id, "mary@example.com", "john@example.com"))  # a swap of two clients
    refused_or_nothing(desk, "alice", "UPDATE clients SET internal_comment = 'ok' WHERE id = %s",
                       (desk.mary.id,))  # no ticket of Mary's is hers to see
    refused(desk, "alice", "INSERT INTO charges (ticket_id, client_id, staff_id, amount_cents, "
                           "created_at) VALUES (%s, %s, %s, 100, now())",
            (desk.t_locked, desk.john.id, desk.staff["alice"].id))


def test_the_billing_functions_check_the_name_and_the_lock(desk: AttackDesk) -> None:
    alice, carol = desk.staff["alice"].id, desk.staff["carol"].id
    charge = "SELECT ticket_tui_charge(%s, %s, %s, 100, now())"
    refused(desk, "alice", charge, ("carol", desk.t_locked, carol))  # another's name
    refused(desk, "alice", "SELECT ticket_tui_charge(current_user, %s, %s, 100, now())",
            (desk.t_locked, carol))  # herself, naming another as the actor
    refused(desk, "carol", "SELECT ticket_tui_charge(current_user, %s, %s, 100, now())",
            (desk.t_locked, carol))  # alice holds the lock
    refused(desk, "alice", "SELECT ticket_tui_charge(current_user, %s, %s, -100, now())",
            (desk.t_locked, alice))
    refused(desk, "alice", "SELECT ticket_tui_use_incidents(current_user, %s, %s, 5000)",
            (desk.t_locked, alice))
    refused(desk, "alice", "SELECT ticket_tui_client_wrote(current_user, %s, %s, now())",
            (desk.t_closed, desk.john.id))  # a client's function
    # The legitimate path: her charge under her lock, the balance follows.
    assert desk.attempt("alice", "SELECT ticket_tui_charge(current_user, %s, %s, 250, '2001-01-01')",
                        (desk.t_locked, alice)) is None
    assert desk.rows("SELECT balance_cents FROM clients WHERE id = :c", c=desk.john.id) == [(-250,)]
    (created,), = desk.rows("SELECT created_at FROM charges")  # the server's time, not hers
    assert recent(created)


def test_history_and_cases_in_ones_own_name_only(desk: AttackDesk) -> None:
    event = ("INSERT INTO ticket_events (ticket_id, staff_id, client_id, action, detail, "
             "created_at) VALUES (%s, %s, %s, 'reply', '', now())")
    refused(desk, "alice", event, (desk.t_locked, desk.staff["carol"].id, None))
    refused(desk, "alice", event, (desk.t_locked, None, desk.john.id))
    refused(desk, "alice", event, (desk.t_hidden, desk.staff["alice"].id, None))
    abuse = ("INSERT INTO abuse_cases (ticket_id, client_id, service_id, staff_id, kind, "
             "description, created_at) VALUES (%s, %s, %s, %s, 'spam', 'x', now())")
    refused(desk, "alice", abuse, (desk.t_locked, desk.john.id, None, desk.staff["carol"].id))
    refused(desk, "alice", abuse, (desk.t_locked, desk.mary.id, desk.mary_service,
                                   desk.staff["alice"].id))
    assert desk.attempt("alice", "INSERT INTO ticket_events (ticket_id, staff_id, action, detail, "
                                 "created_at) VALUES (%s, %s, 'note', '', '2001-01-01')",
                        (desk.t_locked, desk.staff["alice"].id)) is None
    (created,), = desk.rows("SELECT created_at FROM ticket_events WHERE action = 'note'")
    assert recent(created)


def test_files_go_only_with_the_message_being_written(desk: AttackDesk) -> None:
    theirs = desk.id_of("SELECT min(id) FROM messages WHERE ticket_id = :t", t=desk.t_locked)
    own = desk.id_of("SELECT max(id) FROM messages WHERE ticket_id = :t AND kind = 'staff'",
                     t=desk.t_locked)
    attach = ("INSERT INTO attachments (message_id, name, content_type, size, sha256, data) "
              "VALUES (%s, 'x.txt', 'text/plain', 1, 'f', 'abc')")
    refused(desk, "alice", attach, (theirs,))  # John's message
    refused(desk, "alice", attach, (own,))  # her own, sent earlier
