"""The real mail servers the mail tests run against (tests/mailservers.py): Dovecot speaks
IMAP with IDLE and keeps what is appended; aiosmtpd receives what smtplib sends, and refuses
when told. A mail composed by store/mail/compose.py makes the round trip through SMTP and
reads back the same with store/mail/parse.py. Everything stays on loopback."""

from __future__ import annotations

import imaplib
import re
import smtplib

import pytest

from store.mail.compose import Reply, compose_reply
from store.mail.parse import parse_mail
from store.mail.records import MailAddress, MailAttachment
from store.mail.signing import verify_message_id
from tests.mailservers import LOOPBACK, Dovecot, ImapUser, SmtpServer

SECRET = b"a desk secret of the tests, 32 b"
MAIL = (b"From: Client <client@example.com>\r\nTo: support@desk.example\r\n"
        b"Subject: Site down\r\nMessage-ID: <first@example.com>\r\n\r\nHelp, please.\r\n")


def _reply(**changes) -> Reply:
    fields = dict(
        ticket_id=12, message_id=345,
        department=MailAddress("support@desk.example", "Technical support"),
        client=MailAddress("client@example.com", "Jöhn Dœ"), subject="Site down",
        text="Fixed: nginx restarted.\nGrüße, Alice", in_reply_to="first@example.com",
        references=("first@example.com",),
        attachments=(MailAttachment("nginx.log", "text/plain", b"restart ok\n"),
                     MailAttachment("шаг.png", "image/png", bytes(range(256)) * 40)))
    fields.update(changes)
    return Reply(**fields)


def test_dovecot_keeps_an_appended_mail_and_offers_idle(dovecot: Dovecot, imap_user: ImapUser) -> None:
    imap = dovecot.connect(imap_user)
    try:
        assert "IDLE" in imap.capabilities
        assert b"UIDPLUS" in imap.capability()[1][0].split()  # once logged in
        status, answer = imap.append("INBOX", None, None, MAIL)
        assert status == "OK"
        uid = re.search(rb"APPENDUID \d+ (\d+)", answer[0])[1]
        imap.select("INBOX")
        status, found = imap.uid("FETCH", uid, "(BODY.PEEK[])")
        assert status == "OK"
        mail = parse_mail(found[0][1])
        assert mail.message_id == "first@example.com"
        assert mail.subject == "Site down"
        assert mail.text == "Help, please."
        status, flags = imap.uid("FETCH", uid, "(FLAGS)")
        assert b"\\Seen" not in flags[0]  # PEEK: reading for the desk hides nothing from people
    finally:
        imap.logout()


def test_each_test_user_has_its_own_empty_inbox(dovecot: Dovecot) -> None:
    first, second = dovecot.add_user(), dovecot.add_user()
    imap = dovecot.connect(first)
    imap.append("INBOX", None, None, MAIL)
    imap.logout()
    imap = dovecot.connect(second)
    try:
        assert imap.select("INBOX") == ("OK", [b"0"])
    finally:
        imap.logout()


def test_dovecot_refuses_a_wrong_password(dovecot: Dovecot, imap_user: ImapUser) -> None:
    with pytest.raises(imaplib.IMAP4.error):
        dovecot.connect(ImapUser(imap_user.name, "not the password"))


def test_dovecot_listens_on_loopback_only(dovecot: Dovecot) -> None:
    assert re.search(rf"address = {re.escape(LOOPBACK)}\b", (dovecot.root / "dovecot.conf").read_text())
    assert "listen = 127.0.0.1" in (dovecot.root / "dovecot.conf").read_text()


def test_a_composed_answer_makes_the_round_trip_through_smtp(smtp_server: SmtpServer) -> None:
    outgoing = compose_reply(_reply(), secret=SECRET)
    with smtplib.SMTP(LOOPBACK, smtp_server.port, timeout=10) as smtp:
        refused = smtp.sendmail(outgoing.envelope_from, list(outgoing.recipients), outgoing.data)
    assert refused == {}
    [received] = smtp_server.handler.wait_for(1)
    assert received.mail_from == "support@desk.example"
    assert received.recipients == ("client@example.com",)

    mail = parse_mail(received.data)
    assert mail.subject == "Re: Site down [#12]"
    assert mail.sender == MailAddress("support@desk.example", "Technical support")
    assert mail.to == (MailAddress("client@example.com", "Jöhn Dœ"),)
    assert mail.text.strip() == "Fixed: nginx restarted.\nGrüße, Alice"
    assert [(a.filename, a.content_type, a.data) for a in mail.attachments] == [
        ("nginx.log", "text/plain", b"restart ok\n"),
        ("шаг.png", "image/png", bytes(range(256)) * 40)]
    assert mail.in_reply_to == ("first@example.com",)
    assert verify_message_id(mail.message_id, SECRET) == (12, 345)
    assert verify_message_id(mail.message_id, b"another desk's secret, 32 bytes") is None


def test_the_smtp_server_refuses_the_next_mails_when_told(smtp_server: SmtpServer) -> None:
    outgoing = compose_reply(_reply(), secret=SECRET)
    smtp_server.handler.refuse_next(1, 451, "4.3.0 Try again later")
    smtp_server.handler.refuse_next(1, 550, "5.1.1 No such user")
    with smtplib.SMTP(LOOPBACK, smtp_server.port, timeout=10) as smtp:
        with pytest.raises(smtplib.SMTPDataError) as temporary:
            smtp.sendmail(outgoing.envelope_from, list(outgoing.recipients), outgoing.data)
        assert temporary.value.smtp_code == 451
        with pytest.raises(smtplib.SMTPDataError) as permanent:
            smtp.sendmail(outgoing.envelope_from, list(outgoing.recipients), outgoing.data)
        assert permanent.value.smtp_code == 550
        assert b"No such user" in permanent.value.smtp_error
        smtp.sendmail(outgoing.envelope_from, list(outgoing.recipients), outgoing.data)
    assert len(smtp_server.handler.wait_for(1)) == 1
