"""The loop rules (store/mail/loops.py): which mail gets no automatic answer, and which is a
bounce of which mail; and threading without the database (store/mail/thread.py)."""

from __future__ import annotations

import pytest

from store.mail.loops import automatic_reason, bounced_message_id, is_automatic, is_bounce
from store.mail.parse import parse_mail
from store.mail.signing import make_message_id
from store.mail.thread import check_prefix, lookup_ids, reply_subject, subject_tag, subject_ticket_id

SECRET = b"the desk's secret for loop tests"
PERSON = b"From: Jane <jane@example.com>\r\nTo: support@desk.example\r\nSubject: Help\r\nMessage-ID: <p1@example.com>\r\n"


def _mail(extra: bytes = b"", head: bytes = PERSON) -> bytes:
    return head + extra + b"\r\nThe site is down.\r\n"


def test_a_person_writing_is_not_automatic() -> None:
    mail = parse_mail(_mail(b"Auto-Submitted: no\r\nPrecedence: first-class\r\nX-Auto-Response-Suppress: None\r\n"))
    assert automatic_reason(mail, secret=SECRET) is None
    assert not is_automatic(mail) and not is_bounce(mail)


@pytest.mark.parametrize("header, reason", [
    (b"Auto-Submitted: auto-replied", "Auto-Submitted: auto-replied"),
    (b"Auto-Submitted: Auto-Generated; owner-email=x@example.com", "Auto-Submitted: auto-generated"),
    (b"Auto-Submitted: auto-notified", "Auto-Submitted: auto-notified"),
    (b"Precedence: bulk", "Precedence: bulk"),
    (b"Precedence: JUNK", "Precedence: junk"),
    (b"Precedence: list", "Precedence: list"),
    (b"Precedence: auto_reply", "Precedence: auto_reply"),
    (b"X-Autoreply: yes", "x-autoreply header"),
    (b"X-Autorespond: Out of office", "x-autorespond header"),
    (b"X-Auto-Response-Suppress: All", "X-Auto-Response-Suppress header"),
    (b"X-Auto-Response-Suppress: DR, RN, NRN, OOF, AutoReply", "X-Auto-Response-Suppress header"),
    (b"List-Id: Hosting news <news.example.com>", "list-id header (a mailing list)"),
    (b"List-Unsubscribe: <mailto:leave@example.com>", "list-unsubscribe header (a mailing list)"),
    (b"Return-Path: <>", "an empty Return-Path (a bounce)"),
    (b"Return-Path: < >", "an empty Return-Path (a bounce)"),
])
def test_automatic_mail_is_recognised_by_its_headers(header: bytes, reason: str) -> None:
    mail = parse_mail(_mail(header + b"\r\n"))
    assert automatic_reason(mail) == reason
    assert is_automatic(mail)


@pytest.mark.parametrize("sender", [
    "MAILER-DAEMON@mx.example.com", "postmaster@example.com", "noreply@example.com",
    "no-reply@example.com", "no_reply+billing@example.com", "donotreply@example.com",
    "do-not-reply@example.com", "bounces+1234@lists.example.com", "noreply-alerts@example.com",
])
def test_machine_senders_are_automatic(sender: str) -> None:
    head = f"From: {sender}\r\nSubject: Notice\r\n".encode()
    assert is_automatic(parse_mail(_mail(head=head)))


@pytest.mark.parametrize("sender", ["replyto@example.com", "norbert@example.com", "post@example.com",
                                    "mailer@example.com", "bouncer@example.com"])
def test_people_with_similar_addresses_are_not(sender: str) -> None:
    head = f"From: {sender}\r\nSubject: Notice\r\n".encode()
    assert automatic_reason(parse_mail(_mail(head=head))) is None


def test_the_desks_own_mail_coming_back_is_automatic_with_the_secret() -> None:
    own = make_message_id(12, 34, SECRET, "desk.example").encode()
    mail = parse_mail(_mail(head=b"From: support@desk.example\r\nMessage-ID: " + own + b"\r\n"))
    assert automatic_reason(mail) is None
    assert automatic_reason(mail, secret=SECRET) == "the desk's own mail"
    assert automatic_reason(mail, secret=b"another desk's secret, 32 bytes") is None


def _bounce(returned: bytes, report_type: bytes = b"delivery-status") -> bytes:
    return (b"From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\r\nTo: support@desk.example\r\n"
            b"Subject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\n"
            b"Content-Type: multipart/report; report-type=" + report_type + b'; boundary="r"\r\n\r\n'
            b"--r\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
            b"--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\n"
            b"Final-Recipient: rfc822; gone@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
            + returned + b"--r--\r\n")


def test_a_bounce_names_the_mail_it_returns() -> None:
    sent = make_message_id(12, 34, SECRET, "desk.example").encode()
    returned = (b"--r\r\nContent-Type: message/rfc822\r\n\r\nFrom: support@desk.example\r\n"
                b"To: gone@example.com\r\nSubject: Re: Help [#12]\r\nMessage-ID: " + sent + b"\r\n\r\nour answer\r\n")
    mail = parse_mail(_bounce(returned))
    assert is_bounce(mail) and is_automatic(mail)
    assert bounced_message_id(mail) == sent.decode().strip("<>")
    assert mail.text == "The mail could not be delivered."


def test_a_bounce_with_only_the_returned_headers() -> None:
    returned = (b"--r\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: support@desk.example\r\n"
                b"Message-ID:\r\n <tt.5.6.abc@desk.example>\r\n\r\n")
    assert bounced_message_id(parse_mail(_bounce(returned))) == "tt.5.6.abc@desk.example"


def test_what_is_no_delivery_status_report_bounces_nothing() -> None:
    returned = b"--r\r\nContent-Type: message/rfc822\r\n\r\nMessage-ID: <x@desk.example>\r\n\r\nread\r\n"
    receipt = parse_mail(_bounce(returned, report_type=b"disposition-notification"))
    assert not is_bounce(receipt) and bounced_message_id(receipt) is None
    assert bounced_message_id(parse_mail(_mail())) is None
    assert bounced_message_id(parse_mail(_bounce(b""))) is None  # a bounce that returns nothing


def test_lookup_ids_in_reply_to_first_then_references_newest_first() -> None:
    mail = parse_mail(_mail(b"In-Reply-To: <c@x> <b@x>\r\nReferences: <a@x> <b@x> <c@x> <p1@example.com>\r\n"))
    assert lookup_ids(mail) == ["c@x", "b@x", "a@x"]
    assert lookup_ids(parse_mail(_mail())) == []


@pytest.mark.parametrize("subject, prefix, expected", [
    ("Re: Site down [#12]", "", 12),
    ("[#12]", "", 12),
    ("AW: [ #7 ] Rechnung", "", 7),
    ("Item [#3] broken [#12]", "", 12),  # the desk appends its tag: the last one is ours
    ("Re: Site down [Desk #12]", "Desk", 12),
    ("Re: Site down [desk   #12]", "Desk", 12),
    ("Re: Site down [Help Desk #12]", "Help Desk", 12),
    ("Re: Site down [#12]", "Desk", None),  # another desk's tag
    ("Re: Site down [Other #12]", "Desk", None),
    ("Re: Site down #12", "", None),
    ("Re: Site down [#0]", "", None),
    ("Re: Site down [#99999999999999999999]", "", None),
    ("", "", None),
])
def test_the_subject_tag(subject: str, prefix: str, expected: int | None) -> None:
    assert subject_ticket_id(subject, prefix) == expected


@pytest.mark.parametrize("subject, expected", [
    ("Site down", "Re: Site down [#12]"),
    ("Re: Site down [#12]", "Re: Site down [#12]"),
    ("RE: Re: AW: Sv: Site down", "Re: Site down [#12]"),
    ("Re[2]: Site down", "Re: Site down [#12]"),
    ("Item [#3] broken", "Re: Item [#3] broken [#12]"),
    ("Fwd: Site down", "Re: Fwd: Site down [#12]"),
    ("", "Re: [#12]"),
    ("  spaced\tout  ", "Re: spaced out [#12]"),
])
def test_the_reply_subject(subject: str, expected: str) -> None:
    assert reply_subject(subject, 12) == expected
    assert subject_ticket_id(reply_subject(subject, 12)) == 12


def test_a_desk_prefix_in_the_tag() -> None:
    assert subject_tag(12, "Desk") == "[Desk #12]"
    assert reply_subject("Re: Site down [Desk #12]", 12, "Desk") == "Re: Site down [Desk #12]"
    assert subject_ticket_id(reply_subject("Site down", 12, "Help Desk"), "help desk") == 12


@pytest.mark.parametrize("prefix", ["[Desk]", "Desk #", "a\nb", "x" * 40, "\x1b[31m"])
def test_a_tag_prefix_is_one_short_plain_line(prefix: str) -> None:
    with pytest.raises(ValueError):
        check_prefix(prefix)
