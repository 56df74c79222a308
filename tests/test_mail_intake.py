"""Mail in (store/mail/intake.py), on SQLite and on PostgreSQL as the mail service's own login:
new tickets, answers threaded by Message-ID or by a client's own subject tag, exactly once."""

from __future__ import annotations

import hashlib

from store.mail.intake import receive
from store.mail.signing import make_message_id
from tests.mail_desk import (
    BILLING, BOUNCE, SECRET, SUPPORT, add_sent_id, count, mail, mail_desk, mail_store, rows, set_setting,
)


def _new(store, mailer, **kw) -> int:
    result = receive(mailer, mail(**kw), secret=SECRET)
    assert result.outcome == "new_ticket", result
    return result.ticket_id


def test_a_mail_opens_a_ticket_in_its_mailbox_department_for_a_new_client(store) -> None:
    mail_desk(store)
    mailer = mail_store(store)
    raw = mail("Our shop shows a 502.", subject="Shop down", message_id="<m1@example.com>")
    result = receive(mailer, raw)
    assert result.outcome == "new_ticket" and result.reason == ""
    [(subject, client, dept, is_open)] = rows(store, (
        "SELECT t.subject, c.email, d.name, t.is_open FROM tickets t JOIN clients c ON "
        "c.id = t.client_id JOIN departments d ON d.id = t.department_id WHERE t.id = :t"),
        t=result.ticket_id)
    assert (subject, client, dept, bool(is_open)) == ("Shop down", "jane@example.com",
                                                      "Technical support", True)
    assert rows(store, "SELECT name FROM clients WHERE email = 'jane@example.com'") == [("Jane Roe",)]
    assert rows(store, "SELECT kind, body FROM messages WHERE id = :m", m=result.message_id) == [
        ("client", "Our shop shows a 502.")]
    [(header, direction, made_up)] = rows(
        store, "SELECT message_id_header, direction, made_up FROM mail_ids")
    assert (header, direction, bool(made_up)) == ("m1@example.com", "in", False)
    [(original, digest, size, to)] = rows(store, "SELECT raw, sha256, size, to_addresses FROM "
                                          "mail_originals WHERE message_id = :m", m=result.message_id)
    assert bytes(original) == raw and digest == hashlib.sha256(raw).hexdigest()
    assert size == len(raw) and to == SUPPORT


def test_the_same_mail_delivered_twice_is_one_message(store) -> None:
    mail_desk(store)
    mailer = mail_store(store)
    raw = mail(message_id="<twice@example.com>")
    first, second = receive(mailer, raw), receive(mailer, raw)
    assert second.outcome == "duplicate"
    assert (second.ticket_id, second.message_id) == (first.ticket_id, first.message_id)
    assert count(store, "messages") == 1 and count(store, "mail_originals") == 1


def test_a_mail_without_message_id_gets_a_stable_one_and_is_taken_once(store) -> None:
    mail_desk(store)
    mailer = mail_store(store)
    raw = mail(message_id="")
    assert receive(mailer, raw).outcome == "new_ticket"
    assert receive(mailer, raw).outcome == "duplicate"
    assert rows(store, "SELECT made_up FROM mail_ids") in ([(True,)], [(1,)])


def test_answers_thread_by_in_reply_to_and_by_references(store) -> None:
    mail_desk(store)
    mailer = mail_store(store)
    ticket = _new(store, mailer, message_id="<q1@example.com>")
    answer = receive(mailer, mail("Still down.", message_id="<q2@example.com>",
                                  extra="In-Reply-To: <q1@example.com>\r\n"))
    assert (answer.outcome, answer.ticket_id) == ("client_message", ticket)
    later = receive(mailer, mail("And now?", message_id="<q3@example.com>",
                                 extra="References: <zz@else.example> <q2@example.com>\r\n"))
    assert (later.outcome, later.ticket_id) == ("client_message", ticket)
    assert count(store, "tickets") == 1 and count(store, "messages") == 3


def test_a_signed_id_of_the_desk_threads_and_a_forged_one_opens_a_new_ticket(store) -> None:
    desk = mail_desk(store)
    mailer = mail_store(store)
    ticket = _new(store, mailer, sender="john@example.com")
    signed = make_message_id(ticket, 1, SECRET, "desk.example")
    answer = receive(mailer, mail(sender="john@example.com", extra=f"In-Reply-To: {signed}\r\n"),
                     secret=SECRET)
    assert (answer.outcome, answer.ticket_id) == ("client_message", ticket)
    forged = make_message_id(ticket, 1, b"someone else's secret, long enough", "desk.example")
    stranger = receive(mailer, mail(sender="john@example.com", extra=f"In-Reply-To: {forged}\r\n"),
                       secret=SECRET)
    assert stranger.outcome == "new_ticket" and stranger.ticket_id != ticket
    assert desk.john.email == "john@example.com"


def test_a_subject_tag_counts_only_from_the_tickets_own_client(store) -> None:
    mail_desk(store)
    mailer = mail_store(store)
    ticket = _new(store, mailer, sender="john@example.com", subject="Site down")
    own = receive(mailer, mail(sender="john@example.com", subject=f"Re: Site down [#{ticket}]"))
    assert (own.outcome, own.ticket_id) == ("client_message", ticket)
    for sender in ("mary@example.org", "stranger@evil.example"):
        other = receive(mailer, mail(sender=sender, subject=f"Re: Site down [#{ticket}]"))
        assert other.outcome == "new_ticket" and other.ticket_id != ticket
    assert rows(store, "SELECT count(*) FROM messages WHERE ticket_id = :t", t=ticket) == [(2,)]


def test_an_answer_to_an_archived_ticket_reopens_it_as_a_client_message_does(store) -> None:
    from store import service as sv

    desk = mail_desk(store)
    mailer = mail_store(store)
    ticket = _new(store, mailer, sender="john@example.com", message_id="<arch@example.com>")
    sv.take(store, desk.alice, ticket)
    sv.reply(store, desk.alice, ticket, "Fixed.", close=True)
    sv.archive(store, desk.john, ticket)
    answer = receive(mailer, mail(sender="john@example.com", extra="In-Reply-To: <arch@example.com>\r\n"))
    assert answer.outcome == "client_message"
    [(archived, is_open, awaiting)] = rows(
        store, "SELECT archived_at, is_open, awaiting_staff FROM tickets WHERE id = :t", t=ticket)
    assert archived is None and bool(is_open) and bool(awaiting)
    assert rows(store, "SELECT action FROM ticket_events WHERE ticket_id = :t AND action = "
                "'unarchived'", t=ticket) == [("unarchived",)]


def test_the_mailbox_comes_from_the_mta_recipient_then_the_headers(store) -> None:
    mail_desk(store)
    mailer = mail_store(store)
    by_to = receive(mailer, mail(to="someone@else.example"), to=BILLING.upper())
    by_cc = receive(mailer, mail(to="someone@else.example", extra=f"Cc: {BILLING}\r\n"))
    delivered = receive(mailer, mail(to="list@else.example", extra=f"Delivered-To: {SUPPORT}\r\n"))
    departments = [rows(store, "SELECT d.name FROM tickets t JOIN departments d ON "
                        "d.id = t.department_id WHERE t.id = :t", t=r.ticket_id)[0][0]
                   for r in (by_to, by_cc, delivered)]
    assert departments == ["Billing", "Billing", "Technical support"]
    nowhere = receive(mailer, mail(to="someone@else.example"))
    assert nowhere.outcome == "failed" and "no mailbox" in nowhere.reason


def test_unknown_senders_are_refused_when_the_setting_says_so(store) -> None:
    mail_desk(store)
    set_setting(store, "mail_unknown_senders", "refuse")
    mailer = mail_store(store)
    dropped = receive(mailer, mail(sender="nobody@example.net"))
    assert dropped.outcome == "dropped" and "nobody@example.net" in dropped.reason
    assert count(store, "tickets") == 0 and count(store, "failed_mail") == 0
    assert receive(mailer, mail(sender="john@example.com")).outcome == "new_ticket"


def test_automatic_mail_answering_a_ticket_is_a_message_recorded_as_automatic(store) -> None:
    mail_desk(store)
    mailer = mail_store(store)
    ticket = _new(store, mailer, message_id="<auto1@example.com>")
    auto = receive(mailer, mail("I am out of office.", message_id="<auto2@example.com>",
                                extra="In-Reply-To: <auto1@example.com>\r\n"
                                      "Auto-Submitted: auto-replied\r\n"))
    assert (auto.outcome, auto.ticket_id) == ("client_message", ticket)
    assert rows(store, "SELECT automatic_reason FROM mail_ids WHERE message_id_header = "
                "'auto2@example.com'") == [("Auto-Submitted: auto-replied",)]
    assert rows(store, "SELECT automatic_reason FROM mail_ids WHERE message_id_header = "
                "'auto1@example.com'") == [(None,)]


def test_the_operator_takes_mail_in_as_the_service_does(store) -> None:
    """A retry or an import runs as the operator: threading and bounces work there too."""
    mail_desk(store)
    ticket = _new(store, store, sender="john@example.com", message_id="<op1@example.com>")
    answer = receive(store, mail(sender="john@example.com", extra="In-Reply-To: <op1@example.com>\r\n"))
    assert (answer.outcome, answer.ticket_id) == ("client_message", ticket)
    tagged = receive(store, mail(sender="john@example.com", subject=f"Re: x [#{ticket}]"))
    assert (tagged.outcome, tagged.ticket_id) == ("client_message", ticket)
    add_sent_id(store, ticket, "<sent-op@desk.example>")
    bounce = receive(store, BOUNCE.format(sent="<sent-op@desk.example>").encode())
    assert (bounce.outcome, bounce.ticket_id) == ("bounce", ticket)


def test_mail_from_the_desks_own_address_is_dropped(store) -> None:
    mail_desk(store)
    mailer = mail_store(store)
    own = receive(mailer, mail(sender=f"Support <{BILLING.upper()}>", to=SUPPORT))
    assert own.outcome == "dropped" and BILLING in own.reason
    assert count(store, "tickets") == 0 and count(store, "clients") == 2
