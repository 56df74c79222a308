"""The mail tables and the mail service's role under attack on PostgreSQL (migration 0007): a
staff login reads a ticket's mail ids and originals only where it sees the ticket and failed
mail only as an administrator; a client reads none of it; the mail service's own login writes
only what the intake writes (a client's message as that client, its ids and original beside
it) and cannot update or delete tickets, write as staff, archive, or read failed mail back."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from store.mail.intake import receive
from store.mail.mailboxes import add_mailbox
from store.mail.service_login import grant_mail_login
from store.db import Store
from tests.mail_desk import add_sent_id, mail
from tests.pg_attacks import AttackDesk, refused, refused_or_nothing

pytestmark = pytest.mark.pg


@pytest.fixture
def desk(pg_url: str):
    d = AttackDesk(pg_url)
    add_mailbox(d.store, "tech@desk.example", "Tech")
    add_mailbox(d.store, "billing@desk.example", "Billing")
    d.roles["mail"] = grant_mail_login(d.store, "desk_mail")
    url = make_url(pg_url).set(username="desk_mail").render_as_string(hide_password=False)
    mailer = Store.open(url, migrate=False)
    d.tech_mail = receive(mailer, mail(sender="john@example.com", to="tech@desk.example",
                                       message_id="<tech1@example.com>"))
    d.billing_mail = receive(mailer, mail(sender="mary@example.com", to="billing@desk.example",
                                          message_id="<bill1@example.com>"))
    assert receive(mailer, b"\x00 junk").outcome == "failed"
    mailer.close()
    yield d
    d.close()


def count(desk: AttackDesk, person: str, sql: str) -> int:
    with desk.login(person) as conn:
        return conn.execute(sql).fetchone()[0]


def test_failed_mail_is_read_by_administrators_only(desk: AttackDesk) -> None:
    assert count(desk, "root", "SELECT count(*) FROM failed_mail") == 1
    for person in ("alice", "bob", "eve", "mail"):
        assert desk.attempt(person, "SELECT 1") is None
        error = desk.attempt(person, "SELECT raw FROM failed_mail")
        if error is None:
            assert count(desk, person, "SELECT count(*) FROM failed_mail") == 0, person
    refused(desk, "john@example.com", "SELECT raw FROM failed_mail")


def test_originals_and_ids_are_read_only_where_the_ticket_is_seen(desk: AttackDesk) -> None:
    tech, billing = desk.tech_mail.message_id, desk.billing_mail.message_id
    seen = {}
    for person in ("alice", "bob", "root"):
        with desk.login(person) as conn:
            seen[person] = (
                sorted(r[0] for r in conn.execute("SELECT message_id FROM mail_originals")),
                sorted(r[0] for r in conn.execute("SELECT message_id FROM mail_ids")))
    assert seen["alice"] == ([tech], [tech])
    assert seen["bob"] == ([billing], [billing])
    assert seen["root"] == ([tech, billing], [tech, billing])
    for table in ("mail_originals", "mail_ids", "mailboxes"):
        refused(desk, "john@example.com", f"SELECT * FROM {table}")
    refused(desk, "mail", "SELECT raw FROM mail_originals")


@pytest.mark.parametrize("sql", [
    "UPDATE tickets SET subject = 'x'",
    "UPDATE tickets SET locked_by_id = NULL, lock_token = NULL, locked_at = NULL",
    "UPDATE messages SET body = 'x'",
    "UPDATE clients SET balance_cents = 0",
    "UPDATE clients SET email = 'x@example.com'",
    "UPDATE mail_ids SET ticket_id = 1",
    "UPDATE failed_mail SET resolved_at = now()",
    "UPDATE mailboxes SET department_id = 1",
    "DELETE FROM tickets", "DELETE FROM messages", "DELETE FROM mail_ids",
    "DELETE FROM mail_originals", "DELETE FROM failed_mail", "DELETE FROM clients",
    "DELETE FROM mailboxes",
    "INSERT INTO holders (ticket_id, department_id, is_open, opened_at) SELECT id, 1, true, now() FROM tickets",
    "INSERT INTO mailboxes (department_id, address, imap_last_uid, created_at) VALUES (1, 'x@y.z', 0, now())",
    "SELECT ticket_tui_charge(current_user, 1, 1, 100, now())",
])
def test_the_mail_service_updates_and_deletes_nothing_else(desk: AttackDesk, sql: str) -> None:
    refused(desk, "mail", sql)


def _as_client(desk: AttackDesk, client_id: int, sql: str) -> str:
    return f"SELECT set_config('ticket_tui.mail_client', '{client_id}', true); {sql}"


def test_the_mail_service_writes_as_a_client_never_as_staff_or_another(desk: AttackDesk) -> None:
    john, mary, alice = desk.john.id, desk.mary.id, desk.staff["alice"].id
    ticket = desk.tech_mail.ticket_id
    insert = ("INSERT INTO messages (ticket_id, kind, body, author_staff_id, author_client_id, "
              "created_at) VALUES ({t}, '{kind}', 'x', {staff}, {client}, now())")
    refused(desk, "mail", insert.format(t=ticket, kind="staff", staff=alice, client="NULL"))
    refused(desk, "mail", _as_client(desk, john, insert.format(
        t=ticket, kind="staff", staff=alice, client="NULL")))
    refused(desk, "mail", _as_client(desk, john, insert.format(
        t=ticket, kind="system", staff="NULL", client="NULL")))
    refused(desk, "mail", _as_client(desk, john, insert.format(
        t=ticket, kind="client", staff="NULL", client=mary)))
    # Acting as mary, john's ticket is not there to write to.
    refused_or_nothing(desk, "mail", _as_client(desk, mary, insert.format(
        t=ticket, kind="client", staff="NULL", client=mary)))
    # Nobody else becomes a client by naming one in the setting.
    for person in ("alice", "root", "mary@example.com"):
        with desk.login(person) as conn:
            conn.execute(f"SELECT set_config('ticket_tui.mail_client', '{john}', true)")
            who = conn.execute("SELECT ticket_tui_client_id(current_user)").fetchone()[0]
        assert who == (mary if person.startswith("mary") else None)
        refused(desk, person, _as_client(desk, john, insert.format(
            t=ticket, kind="client", staff="NULL", client=john)))


def test_the_mail_service_never_archives(desk: AttackDesk) -> None:
    refused(desk, "mail", _as_client(desk, desk.john.id, (
        f"UPDATE tickets SET archived_at = now() WHERE id = {desk.t_closed}")))


def test_ids_and_originals_go_only_beside_a_message_written_now(desk: AttackDesk) -> None:
    old = desk.tech_mail.message_id
    refused(desk, "mail", "INSERT INTO mail_ids (message_id_header, direction, ticket_id, "
            f"message_id, made_up, created_at) VALUES ('fake@x', 'in', {desk.tech_mail.ticket_id}, "
            f"{old}, false, now())")
    refused(desk, "mail", "INSERT INTO mail_ids (message_id_header, direction, ticket_id, "
            f"message_id, made_up, created_at) VALUES ('out@x', 'out', {desk.t_hidden}, NULL, "
            "false, now())")
    refused(desk, "mail", "INSERT INTO mail_originals (message_id, raw, sha256, size, sender, "
            f"to_addresses, cc_addresses) VALUES ({desk.t_locked}, 'x', 'x', 1, '', '', '')")


def test_bounce_notes_only_on_a_ticket_the_desk_mailed_and_only_by_the_mail_service(
        desk: AttackDesk) -> None:
    call = "SELECT ticket_tui_mail_bounced(current_user, {t}, 'bounced')"
    refused(desk, "mail", call.format(t=desk.t_hidden))
    add_sent_id(desk.store, desk.t_hidden, "<sent@desk.example>")
    for person in ("bob", "root", "mary@example.com"):
        refused(desk, person, call.format(t=desk.t_hidden))
    assert desk.attempt("mail", call.format(t=desk.t_hidden)) is None
    for person in ("alice", "john@example.com"):
        refused(desk, person, f"SELECT ticket_tui_mail_ticket_client(current_user, {desk.t_hidden})")
