"""Mail out (issue 18): a staff reply is queued in its own transaction and sent once, From the
department's mailbox, threaded to the client's last mail, with a signed Message-ID recorded
as the desk's; internal comments and system messages never go out. On SQLite and PostgreSQL
(staff as their own login, the sender as the mail service's)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from store import admin
from store import service as sv
from store.clock import utcnow
from store.errors import BadInput
from store.mail.intake import receive
from store.mail.outbox import list_outbox, message_deliveries
from store.mail.secret import desk_secret
from store.mail.sending import send_pass
from store.mail.signing import verify_message_id
from store.views import NewAttachment
from tests.mail_desk import mail, rows
from tests.outbox_desk import OutboxDesk, outbox_desk


def test_a_reply_goes_out_once_from_the_departments_mailbox_threaded_and_signed(box: OutboxDesk) -> None:
    ticket = box.mailed_ticket(subject="Re: Site down", message_id="<first@example.com>")
    alice = box.desk.alice
    result = sv.reply(box.store, alice, ticket, "It is up again.", internal="was the disk")
    [queued] = list_outbox(box.store)
    assert (queued.message_id, queued.kind, queued.state, queued.recipient) == (
        result.reply_id, "reply", "queued", "john@example.com")
    assert send_pass(box.mailer) == (1, 0, 0)
    assert send_pass(box.mailer) == (0, 0, 0)  # nothing twice
    [sent] = box.received(1)
    assert box.smtp.handler.received[0].mail_from == "support@desk.example"
    assert box.smtp.handler.received[0].recipients == ("john@example.com",)
    assert sent["From"].addresses[0].addr_spec == "support@desk.example"
    assert str(sent["Reply-To"]) == str(sent["From"])
    assert sent["To"].addresses[0].addr_spec == "john@example.com"
    assert str(sent["Subject"]) == f"Re: Site down [#{ticket}]"
    assert str(sent["In-Reply-To"]) == "<first@example.com>"
    assert sent.get_content().strip() == "It is up again."
    assert "was the disk" not in sent.as_string()
    assert verify_message_id(str(sent["Message-ID"]), desk_secret(box.mailer)) == (ticket, result.reply_id)
    assert message_deliveries(box.store, [result.reply_id])[result.reply_id].state == "sent"
    assert result.internal_id not in message_deliveries(box.store, [result.internal_id])
    # The desk's own mail coming back (a copy, a forward loop) is known: a duplicate.
    assert rows(box.store, "SELECT direction, message_id FROM mail_ids WHERE message_id_header = :h",
                h=str(sent["Message-ID"]).strip("<>")) == [("out", result.reply_id)]
    back = receive(box.mailer, sent.as_bytes(), secret=desk_secret(box.mailer))
    assert back.outcome == "duplicate"
    # The client answering the mail threads back to the ticket.
    answer = mail(subject=f"Re: Site down [#{ticket}]", sender="john@example.com",
                  extra=f"In-Reply-To: {sent['Message-ID']}\r\n")
    assert receive(box.mailer, answer, secret=desk_secret(box.mailer))[:2] == ("client_message", ticket)


def test_internal_comments_system_messages_and_departments_without_a_mailbox_send_nothing(
        box: OutboxDesk) -> None:
    ticket = box.mailed_ticket()
    desk = box.desk
    sv.reply(box.store, desk.alice, ticket, "", internal="only for us")
    sv.assign(box.store, desk.alice, ticket, staff="carol")  # a system message
    admin.add_department(box.store, "Sales")
    admin.add_staff(box.store, "sam", "Sam Seller", ["Sales"])
    other = desk.open(department="Sales")
    from store.actors import staff_actor

    sam = staff_actor(box.store, "sam")
    sv.take(box.store, sam, other)
    sv.reply(box.store, sam, other, "Sales has no mailbox: read it in the client area.")
    assert list_outbox(box.store) == []
    assert send_pass(box.mailer) == (0, 0, 0)


def test_a_reply_and_its_mail_are_one_transaction(box: OutboxDesk) -> None:
    """A reply refused by a rule queues nothing; each Ok queues exactly its own mail."""
    ticket = box.mailed_ticket()
    with pytest.raises(BadInput):
        sv.reply(box.store, box.desk.alice, ticket, "x" * 2_000_000)
    assert list_outbox(box.store) == []
    result = sv.reply(box.store, box.desk.alice, ticket, "Closing.", close=True)
    assert [r.message_id for r in list_outbox(box.store)] == [result.reply_id]


def test_attachments_go_as_mime_parts(box: OutboxDesk) -> None:
    ticket = box.mailed_ticket()
    data = bytes(range(256)) * 40
    sv.reply(box.store, box.desk.alice, ticket, "The log, attached.",
             attachments=[NewAttachment("nginx error.log", data, "text/plain"),
                          NewAttachment("pic.png", b"\x89PNG fake", "image/png")])
    assert send_pass(box.mailer).sent == 1
    [sent] = box.received(1)
    files = [(p.get_filename(), p.get_content_type(), p.get_payload(decode=True))
             for p in sent.iter_attachments()]
    assert files == [("nginx error.log", "text/plain", data), ("pic.png", "image/png", b"\x89PNG fake")]


def test_4xx_and_a_closed_port_retry_with_back_off_then_deliver_once(box: OutboxDesk) -> None:
    ticket = box.mailed_ticket()
    reply_id = sv.reply(box.store, box.desk.alice, ticket, "Try later.").reply_id
    box.smtp.handler.refuse_next(1, 451, "4.3.0 Greylisted, come back later")
    now = utcnow()
    assert send_pass(box.mailer, now=now) == (0, 1, 0)
    [row] = list_outbox(box.store)
    assert (row.state, row.attempts) == ("queued", 1)
    assert "451 4.3.0 Greylisted" in row.last_answer
    assert row.not_before == now + timedelta(minutes=1)
    delivery = message_deliveries(box.store, [reply_id])[reply_id]
    assert (delivery.state, delivery.attempts) == ("queued", 1)
    assert send_pass(box.mailer, now=now + timedelta(seconds=59)) == (0, 0, 0)  # not yet
    box.smtp.handler.refuse_next(1, 421, "4.7.0 Too busy")
    assert send_pass(box.mailer, now=now + timedelta(minutes=1)) == (0, 1, 0)
    assert list_outbox(box.store)[0].not_before == now + timedelta(minutes=3)  # 1 + 2
    assert send_pass(box.mailer, now=now + timedelta(minutes=3)) == (1, 0, 0)
    assert len(box.received(1)) == 1
    assert message_deliveries(box.store, [reply_id])[reply_id].state == "sent"


def test_5xx_fails_the_reply_with_the_servers_answer_and_it_can_be_sent_again(box: OutboxDesk) -> None:
    from store.mail.outbox import resend

    ticket = box.mailed_ticket()
    reply_id = sv.reply(box.store, box.desk.alice, ticket, "Bounce me.").reply_id
    box.smtp.handler.refuse_next(1, 550, "5.1.1 No such user here")
    assert send_pass(box.mailer) == (0, 0, 1)
    delivery = message_deliveries(box.store, [reply_id])[reply_id]
    assert (delivery.state, delivery.reason) == ("failed", "550 5.1.1 No such user here")
    assert send_pass(box.mailer) == (0, 0, 0)  # failed stays failed
    first_id = list_outbox(box.store)[0].mail_message_id
    resend(box.store, delivery.outbox_id)
    assert send_pass(box.mailer) == (1, 0, 0)
    [sent] = box.received(1)
    assert str(sent["Message-ID"]).strip("<>") == first_id  # the same id as the first try
    with pytest.raises(Exception, match="no failed mail"):
        resend(box.store, delivery.outbox_id)


def test_no_smtp_url_is_one_sentence_and_keeps_the_queue(box: OutboxDesk) -> None:
    ticket = box.mailed_ticket()
    sv.reply(box.store, box.desk.alice, ticket, "Waiting for a server.")
    admin.set_setting(box.store, "smtp_url", "")
    with pytest.raises(BadInput, match="smtp_url"):
        send_pass(box.mailer)
    assert list_outbox(box.store)[0].state == "queued"


def test_not_before_holds_a_mail_back(box: OutboxDesk) -> None:
    """A held reply (queued with a later not_before) is not sent before its time."""
    ticket = box.mailed_ticket()
    sv.reply(box.store, box.desk.alice, ticket, "Held for a minute.")
    later = utcnow() + timedelta(minutes=5)
    with box.store.write() as s:
        from store.mail.models import OutboxMail

        s.query(OutboxMail).update({"not_before": later})
    assert send_pass(box.mailer) == (0, 0, 0)
    assert send_pass(box.mailer, now=later) == (1, 0, 0)


def test_a_bounce_of_a_sent_reply_is_noted_on_its_ticket(box: OutboxDesk) -> None:
    from tests.mail_desk import BOUNCE

    ticket = box.mailed_ticket()
    sv.reply(box.store, box.desk.alice, ticket, "This one will bounce.")
    assert send_pass(box.mailer).sent == 1
    [sent] = box.received(1)
    bounce = BOUNCE.format(sent=sent["Message-ID"]).encode()
    assert receive(box.mailer, bounce, secret=desk_secret(box.mailer))[:2] == ("bounce", ticket)
    assert rows(box.store, "SELECT count(*) FROM messages WHERE ticket_id = :t AND kind = 'system' "
                           "AND body LIKE 'A mail to the client bounced.%'", t=ticket) == [(1,)]


def test_an_address_smtp_cannot_carry_fails_in_one_sentence_and_an_idn_goes(box: OutboxDesk) -> None:
    from store.actors import client_actor

    tickets = []
    for email in ("jöhn@example.com", "ida@exämple.com"):
        admin.add_client(box.store, email, "Someone")
        tickets.append(box.desk.open(client=client_actor(box.store, email)))
        sv.take(box.store, box.desk.alice, tickets[-1])
    umlaut, idn = tickets
    bad = sv.reply(box.store, box.desk.alice, umlaut, "Can't be mailed.").reply_id
    sv.reply(box.store, box.desk.alice, idn, "Goes to the IDNA form.")
    assert send_pass(box.mailer) == (1, 0, 1)
    delivery = message_deliveries(box.store, [bad])[bad]
    assert delivery.state == "failed" and "non-ASCII letters before the @" in delivery.reason
    assert box.smtp.handler.wait_for(1)[0].recipients == ("ida@xn--exmple-cua.com",)


def test_the_thread_marks_each_staff_replys_mail_for_staff_only(box: OutboxDesk) -> None:
    from store.service.reading import show

    ticket = box.mailed_ticket()
    failed = sv.reply(box.store, box.desk.alice, ticket, "Refused.", internal="note").reply_id
    box.smtp.handler.refuse_next(1, 550, "5.1.1 [red]No such user\x1b[0m")
    send_pass(box.mailer)
    sent = sv.reply(box.store, box.desk.alice, ticket, "Taken.").reply_id
    send_pass(box.mailer)
    marks = {m.id: (m.delivery, m.delivery_reason) for m in show(box.store, box.desk.alice, ticket).messages}
    assert marks[failed][0] == "failed" and marks[failed][1].startswith("550 5.1.1 [red]No such user")
    assert marks[sent] == ("sent", "250 accepted")
    assert [mark for mid, mark in marks.items() if mid not in (failed, sent)] == [(None, "")] * 2
    client = show(box.store, box.desk.john, ticket).messages
    assert {m.delivery for m in client} == {None}


@pytest.mark.pg
def test_a_mail_sent_is_heard_live_by_an_open_thread(pg_url: str, smtp_server) -> None:
    from store import live
    from store.db import Store

    store = Store.open(pg_url)
    box = outbox_desk(store, smtp_server)
    try:
        ticket = box.mailed_ticket()
        sv.reply(store, box.desk.alice, ticket, "Heard?")
        listener = live.listen(store)
        try:
            while listener.wait(timeout=0.5) is not None:
                pass  # what the setting-up said
            assert send_pass(box.mailer).sent == 1
            change = listener.wait(timeout=10)
            assert change is not None and ticket in change.ticket_ids
        finally:
            listener.close()
    finally:
        box.mailer.close()
        store.close()


def test_a_mail_that_cannot_be_made_fails_alone_and_the_rest_go(box: OutboxDesk, monkeypatch) -> None:
    """A bug met while making one mail (injected here: no real mail can reach one) fails that
    mail with the reason; the queue goes on."""
    from store.mail import sending

    ticket = box.mailed_ticket()
    broken = sv.reply(box.store, box.desk.alice, ticket, "Meets a bug.").reply_id
    sv.reply(box.store, box.desk.alice, ticket, "Fine.")
    real = sending.compose_reply

    def with_a_bug(reply, **kw):
        if reply.message_id == broken:
            raise KeyError("an unexpected bug")
        return real(reply, **kw)

    monkeypatch.setattr(sending, "compose_reply", with_a_bug)
    assert send_pass(box.mailer) == (1, 0, 1)
    delivery = message_deliveries(box.store, [broken])[broken]
    assert delivery.state == "failed" and "could not be made (KeyError" in delivery.reason


def test_a_staff_member_who_sees_the_ticket_sends_its_failed_mail_again(box: OutboxDesk) -> None:
    """The ticket form's R (store.mail.outbox.resend_failed_of): the ticket's failed mail goes
    again with its Message-ID; someone who doesn't see the ticket is refused."""
    from store.errors import NotVisible, NotFound
    from store.mail.outbox import resend_failed_of
    from tests.personal import own_store

    ticket = box.mailed_ticket()
    alice, bob = box.desk.alice, box.desk.bob
    reply_id = sv.reply(box.store, alice, ticket, "Bounce me.").reply_id
    box.smtp.handler.refuse_next(1, 550, "5.2.2 Mailbox full")
    assert send_pass(box.mailer) == (0, 0, 1)
    with pytest.raises((NotVisible, NotFound)):
        resend_failed_of(own_store(box.store, bob), bob, ticket)
    assert resend_failed_of(own_store(box.store, alice), alice, ticket) == 1
    assert resend_failed_of(own_store(box.store, alice), alice, ticket) == 0
    assert send_pass(box.mailer) == (1, 0, 0)
    assert message_deliveries(box.store, [reply_id])[reply_id].state == "sent"


def test_a_held_replys_mail_waits_for_its_release_and_an_undo_takes_it_back(box: OutboxDesk) -> None:
    """Undo send and the outbox: a held reply's mail is `held` (interface.md), no pass sends it
    before the reply is released (on PostgreSQL its client, as whom the sender reads it, can't
    read it before), and undoing the reply takes its mail back with it."""
    import time

    admin.set_setting(box.store, "send_delay_seconds", "3")
    ticket = box.mailed_ticket()
    alice = box.desk.alice
    held = sv.reply(box.store, alice, ticket, "Held a moment.")
    assert held.held_until is not None
    [reply] = [m for m in sv.show(box.store, alice, ticket).messages if m.kind == "staff"]
    assert reply.delivery == "held"
    assert send_pass(box.mailer) == (0, 0, 0)
    sv.undo_send(box.store, alice, ticket)
    assert list_outbox(box.store) == []
    again = sv.reply(box.store, alice, ticket, "Held again.")
    # A pass that counts a moment after the release but finds it not done sends nothing empty:
    assert send_pass(box.mailer, now=again.held_until + timedelta(seconds=1)) in ((0, 0, 0), (1, 0, 0))
    time.sleep(max(0.0, (again.held_until - utcnow()).total_seconds()) + 0.2)
    send_pass(box.mailer, now=utcnow() + timedelta(seconds=10))
    [sent] = box.received(1)
    assert "Held again." in sent.get_content() and "Held a moment." not in sent.get_content()
