"""The outbox at psql (migration 0008): a staff member queues mail only for the reply they write
in that very transaction, to the ticket's client, untouched; never marks mail sent, never reads
the outbox rows of tickets they can't see or the desk's secret; a client reads none of it; the
mail service updates only the sending columns and records as sent only what the outbox holds.
The desk is tests/pg_attacks.py's, with a mailbox for each department."""

from __future__ import annotations

import psycopg
import pytest

from store import service as sv
from store.mail.mailboxes import add_mailbox
from store.mail.service_login import grant_mail_login
from tests.pg_attacks import desk  # noqa: F401 - the fixture
from tests.pg_attacks import AttackDesk, refused, refused_or_nothing

pytestmark = pytest.mark.pg

REPLY = ("INSERT INTO messages (ticket_id, kind, body, author_staff_id, created_at) "
         "VALUES (%s, 'staff', 'hello', %s, now()) RETURNING id")
QUEUE = ("INSERT INTO outbox (ticket_id, message_id, kind, recipient, state, attempts, not_before, "
         "created_at{extra_cols}) VALUES (%s, %s, %s, %s, 'queued', 0, now(), now(){extra_vals})")


@pytest.fixture
def mailed(desk: AttackDesk) -> AttackDesk:
    add_mailbox(desk.store, "tech@desk.example", "Tech")
    add_mailbox(desk.store, "billing@desk.example", "Billing")
    desk.roles["mail"] = grant_mail_login(desk.store, "desk_mail")
    s, alice, bob = desk.store, desk.staff["alice"], desk.staff["bob"]
    desk.alice_reply = sv.reply(s, alice, desk.t_locked, "Mail me.").reply_id
    desk.bob_reply = sv.reply(s, bob, desk.t_hidden, "Hidden mail.").reply_id
    return desk


def queue(extra: dict | None = None) -> str:
    extra = extra or {}
    return QUEUE.format(extra_cols="".join(f", {c}" for c in extra),
                        extra_vals="".join(f", {v}" for v in extra.values()))


def in_one_transaction(desk: AttackDesk, person: str, statement: str, params_of) -> Exception | None:
    """Writes a reply as `person` (under their lock), then `statement` with params_of(reply id)
    in the same transaction; the database's refusal, or None."""
    try:
        with desk.login(person) as conn:
            reply = conn.execute(REPLY, (desk.t_locked, desk.staff[person].id)).fetchone()[0]
            conn.execute(statement, params_of(reply))
    except psycopg.Error as error:
        return error
    return None


def test_staff_queue_only_the_mail_of_the_reply_they_just_wrote(mailed: AttackDesk) -> None:
    d = mailed
    john = "john@example.com"
    # The right row, in the reply's transaction: taken.
    assert in_one_transaction(d, "alice", queue(), lambda r: (d.t_locked, r, "reply", john)) is None
    # To anyone else, as an acknowledgement, already sent, or with a Message-ID of their own.
    for statement, params in [
        (queue(), lambda r: (d.t_locked, r, "reply", "victim@evil.example")),
        (queue(), lambda r: (d.t_locked, r, "acknowledgement", john)),
        (queue({"mail_message_id": "'forged@desk.example'"}), lambda r: (d.t_locked, r, "reply", john)),
        (queue({"last_answer": "'250 ok'"}), lambda r: (d.t_locked, r, "reply", john)),
        (queue().replace("'queued', 0", "'sent', 0"), lambda r: (d.t_locked, r, "reply", john)),
        (queue().replace("'queued', 0", "'queued', 99"), lambda r: (d.t_locked, r, "reply", john)),
    ]:
        error = in_one_transaction(d, "alice", statement, params)
        assert getattr(error, "sqlstate", None) == "42501", (statement, error)
    # A reply of the past (not this transaction's), another's reply, an internal comment.
    past = d.id_of("SELECT min(id) FROM messages WHERE ticket_id = :t AND kind = 'staff'", t=d.t_locked)
    refused(d, "alice", queue(), (d.t_locked, past, "reply", john))
    internal = d.id_of("SELECT id FROM messages WHERE ticket_id = :t AND kind = 'internal'", t=d.t_locked)
    refused(d, "alice", queue(), (d.t_locked, internal, "reply", john))
    refused(d, "bob", queue(), (d.t_hidden, d.bob_reply, "reply", "mary@example.com"))
    # The client's own mail as another ticket's: the row names the reply's own ticket.
    error = in_one_transaction(d, "alice", queue(), lambda r: (d.t_free, r, "reply", john))
    assert getattr(error, "sqlstate", None) == "42501"


def test_staff_never_mark_mail_sent_and_read_only_what_they_see(mailed: AttackDesk) -> None:
    d = mailed
    refused(d, "alice", "UPDATE outbox SET state = 'sent'")
    refused(d, "alice", "UPDATE outbox SET recipient = 'victim@evil.example'")
    refused(d, "alice", "DELETE FROM outbox")
    refused(d, "alice", "INSERT INTO mail_ids (message_id_header, direction, ticket_id, message_id, "
                        "made_up, created_at) VALUES ('x@y', 'out', %s, %s, false, now())",
            (d.t_locked, d.alice_reply))
    with d.login("alice") as conn:
        seen = conn.execute("SELECT ticket_id FROM outbox").fetchall()
    assert seen == [(d.t_locked,)]  # not bob's mail on the Billing ticket
    assert d.attempt("alice", "SELECT secret FROM mail_secret").sqlstate == "42501"
    assert d.attempt("alice", "SELECT ticket_tui_mail_ticket_client(current_user, 1)").sqlstate == "42501"


def test_a_failed_mail_is_queued_again_only_by_whoever_sees_its_ticket(mailed: AttackDesk) -> None:
    d = mailed
    with d.store.sql(write=True) as q:
        q.run("UPDATE outbox SET state = 'failed', last_answer = '550 no'")
    hidden = d.id_of("SELECT id FROM outbox WHERE ticket_id = :t", t=d.t_hidden)
    mine = d.id_of("SELECT id FROM outbox WHERE ticket_id = :t", t=d.t_locked)
    refused(d, "alice", "SELECT ticket_tui_outbox_retry(current_user, %s)", (hidden,))
    refused(d, "alice", "SELECT ticket_tui_outbox_retry('bob', %s)", (hidden,))  # as someone else
    assert d.attempt("alice", "SELECT ticket_tui_outbox_retry(current_user, %s)", (mine,)) is None
    assert d.rows("SELECT state FROM outbox WHERE id = :i", i=mine) == [("queued",)]
    refused(d, "alice", "SELECT ticket_tui_outbox_retry(current_user, %s)", (mine,))  # not failed
    refused(d, "john@example.com", "SELECT ticket_tui_outbox_retry(current_user, %s)", (mine,))


def test_a_client_reads_no_outbox_and_no_secret(mailed: AttackDesk) -> None:
    for sql in ("SELECT * FROM outbox", "SELECT secret FROM mail_secret"):
        assert mailed.attempt("john@example.com", sql).sqlstate == "42501"
    refused(mailed, "john@example.com", queue(), (mailed.t_free, mailed.alice_reply, "reply",
                                                  "john@example.com"))


def test_the_mail_service_writes_only_the_sending_columns(mailed: AttackDesk) -> None:
    d = mailed
    row = d.id_of("SELECT id FROM outbox WHERE ticket_id = :t", t=d.t_locked)
    with d.login("mail") as conn:
        assert conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 2
        assert conn.execute("SELECT count(*) FROM mail_secret").fetchone()[0] == 1
    for sql in ("UPDATE outbox SET recipient = 'victim@evil.example'",
                "UPDATE outbox SET ticket_id = ticket_id", "UPDATE outbox SET kind = 'reply'",
                "DELETE FROM outbox", "UPDATE mail_secret SET secret = 'known to me now'"):
        refused(d, "mail", sql)
    # A staff reply is the staff's to queue; an id recorded as sent must be an outbox row's.
    refused(d, "mail", queue(), (d.t_free, d.alice_reply, "reply", "john@example.com"))
    refused(d, "mail", "INSERT INTO mail_ids (message_id_header, direction, ticket_id, message_id, "
                       "made_up, created_at) VALUES ('made@up', 'out', %s, %s, false, now())",
            (d.t_locked, d.alice_reply))
    refused_or_nothing(d, "mail", "UPDATE outbox SET state = 'sent', mail_message_id = 'a@b' "
                                  "WHERE id = -1")
    assert d.attempt("mail", "UPDATE outbox SET state = 'sending' WHERE id = %s", (row,)) is None
