"""Mail out against hostile text and machines: ticket text with CR, LF, Unicode line
separators or encoded words in the subject, names and filenames never makes a header of its
own; acknowledgements (mail_acknowledge_new) never answer automatic mail, never loop with an
auto-responder, and stay within mail_auto_per_hour. On SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest

from store import service as sv
from store.mail.intake import receive
from store.mail.outbox import list_outbox
from store.mail.secret import desk_secret
from store.mail.sending import send_pass
from tests.mail_desk import mail, set_setting
from tests.outbox_desk import OutboxDesk, parsed

HOSTILE = [
    "Hi\r\nBcc: victim@evil.example",
    "Hi\nBcc: victim@evil.example\n\nbody",
    "Hi\u2028Bcc: victim@evil.example\u2029X-Evil: 1",
    "=?utf-8?q?Hi=0D=0ABcc:_victim@evil.example?=",
    "Hi\x85Bcc: victim@evil.example\x0bX-Evil: 1\x1b[31m",
]
EXPECTED = {"from", "reply-to", "to", "subject", "date", "message-id", "in-reply-to",
            "references", "mime-version", "content-type"}  # multipart: no encoding of its own


def _operator_writes(box: OutboxDesk, sql: str, **params) -> None:
    """Hostile text put straight into the database (an import, an old version, a bug): the
    sender must be safe whatever the tables hold."""
    with box.store.sql(write=True) as q:
        q.run(sql, params)


@pytest.mark.parametrize("evil", HOSTILE)
def test_hostile_subject_names_and_filenames_make_no_header(box: OutboxDesk, evil: str) -> None:
    ticket = box.mailed_ticket()
    reply = sv.reply(box.store, box.desk.alice, ticket, f"Body with {evil} in it.",
                     attachments=[sv_file("report.txt", b"data")])
    _operator_writes(box, "UPDATE tickets SET subject = :s WHERE id = :t", s=evil, t=ticket)
    _operator_writes(box, "UPDATE clients SET name = :n WHERE email = 'john@example.com'", n=evil)
    _operator_writes(box, "UPDATE departments SET name = :n WHERE name = 'Technical support'", n=evil)
    _operator_writes(box, "UPDATE attachments SET name = :n WHERE message_id = :m",
                     n=evil + ".txt", m=reply.reply_id)
    assert send_pass(box.mailer) == (1, 0, 0)
    [received] = box.smtp.handler.wait_for(1)
    assert received.recipients == ("john@example.com",)
    sent = parsed(received.data)
    assert {name.lower() for name in sent.keys()} == EXPECTED
    head = received.data.decode("ascii").split("\r\n\r\n")[0]
    assert not re.search(r"^(bcc|x-evil)\s*:", head, re.I | re.M)  # the text, never a header
    subject = str(sent["Subject"])
    assert subject.startswith("Re: ") and "Hi" in subject and subject.endswith(f"[#{ticket}]")
    assert not any(ch in subject for ch in "\r\n\u2028\u2029\x85\x0b\x1b")
    [part] = list(sent.iter_attachments())
    assert not any(ch in part.get_filename() for ch in "\r\n\u2028\u2029")
    assert {name.lower() for name in part.keys()} <= {"content-type", "content-disposition",
                                                     "content-transfer-encoding", "mime-version"}


def sv_file(name: str, data: bytes):
    from store.views import NewAttachment

    return NewAttachment(name, data, "text/plain")


def _take(box: OutboxDesk, raw: bytes):
    return receive(box.mailer, raw, secret=desk_secret(box.mailer))


def test_acknowledgements_are_off_by_default(box: OutboxDesk) -> None:
    assert _take(box, mail()).outcome == "new_ticket"
    assert list_outbox(box.store) == []


def test_an_acknowledgement_goes_to_a_new_mailed_ticket_as_an_automatic_reply(box: OutboxDesk) -> None:
    set_setting(box.store, "mail_acknowledge_new", "on")
    first = _take(box, mail(subject="Site down", message_id="<q1@example.com>"))
    [row] = list_outbox(box.store)
    assert (row.kind, row.ticket_id, row.message_id, row.recipient) == (
        "acknowledgement", first.ticket_id, first.message_id, "jane@example.com")
    # An answer on the ticket is no new ticket: no second acknowledgement.
    again = _take(box, mail(sender="jane@example.com", subject=f"Re: Site down [#{first.ticket_id}]"))
    assert again.outcome == "client_message" and len(list_outbox(box.store)) == 1
    assert send_pass(box.mailer) == (1, 0, 0)
    [ack] = box.received(1)
    assert ack["Auto-Submitted"] == "auto-replied"
    assert str(ack["In-Reply-To"]) == "<q1@example.com>"
    assert str(ack["Subject"]) == f"Re: Site down [#{first.ticket_id}]"
    assert f"ticket #{first.ticket_id}" in ack.get_content()


@pytest.mark.parametrize("extra", ["Auto-Submitted: auto-replied\r\n", "Precedence: bulk\r\n",
                                   "List-Id: <news.example.com>\r\n", "X-Autoreply: yes\r\n"])
def test_no_acknowledgement_to_automatic_mail(box: OutboxDesk, extra: str) -> None:
    set_setting(box.store, "mail_acknowledge_new", "on")
    assert _take(box, mail(extra=extra)).outcome == "new_ticket"
    assert _take(box, mail(sender="MAILER-DAEMON@mx.example.net")).outcome == "new_ticket"
    assert list_outbox(box.store) == []


def test_an_auto_responder_answering_an_acknowledgement_does_not_loop(box: OutboxDesk) -> None:
    """Another desk that acknowledges everything, answering each of ours: one round, then
    quiet. Its answers either thread to our ticket or are automatic: never a new ack."""
    set_setting(box.store, "mail_acknowledge_new", "on")
    robot = "Other Desk <help@other-desk.example>"
    _take(box, mail(sender=robot, subject="Your invoice"))
    for round_ in range(3):
        send_pass(box.mailer)
        for ack in box.received(1)[round_:]:
            # Their acknowledgement of ours: a new mail to our address, naming our mail.
            answer = mail(sender=robot, subject=f"[Ticket 9{round_}] {ack['Subject']}",
                          extra=f"In-Reply-To: {ack['Message-ID']}\r\n"
                                "Auto-Submitted: auto-replied\r\n")
            assert _take(box, answer).outcome == "client_message"
            # And one that names nothing (a careless auto-responder): new, but automatic.
            careless = mail(sender="Other Desk <noreply@other-desk.example>",
                            subject="We got your mail")
            assert _take(box, careless).outcome == "new_ticket"
    assert send_pass(box.mailer) == (0, 0, 0)
    assert len(box.smtp.handler.received) == 1


def test_at_most_mail_auto_per_hour_acknowledgements_per_address(box: OutboxDesk) -> None:
    set_setting(box.store, "mail_acknowledge_new", "on")
    set_setting(box.store, "mail_auto_per_hour", "2")
    for n in range(4):
        assert _take(box, mail(subject=f"Question {n}")).outcome == "new_ticket"
    _take(box, mail(sender="other@example.com"))
    acks = [(row.recipient) for row in list_outbox(box.store)]
    assert sorted(acks) == ["jane@example.com", "jane@example.com", "other@example.com"]
