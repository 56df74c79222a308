"""The desk's answer as a mail (store/mail/compose.py) and its signed Message-ID
(store/mail/signing.py): the headers it must have, and ticket text that tries to make headers
of its own (CR LF, encoded CR LF, escapes) never does."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.errors import BadInput
from store.mail.compose import Reply, compose_reply, header_safe
from store.mail.parse import parse_mail
from store.mail.records import MailAddress, MailAttachment
from store.mail.signing import make_message_id, verify_message_id
from store.safe_text import printable

SECRET = b"the desk's secret for the tests."
REPLY = Reply(
    ticket_id=12, message_id=345,
    department=MailAddress("support@desk.example", "Technical support"),
    client=MailAddress("john@example.com", "John Doe"), subject="Site down",
    text="Fixed: nginx restarted.", in_reply_to="c2@example.com",
    references=("c1@example.com", "tt.12.300.x@desk.example", "c2@example.com"),
    date=datetime(2026, 3, 3, 9, 15, tzinfo=timezone.utc))
BASE_HEADERS = ["From", "Reply-To", "To", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
                "MIME-Version", "Content-Type"]  # a multipart: no transfer encoding of its own
HOSTILE = [
    "a\r\nBcc: victim@example.com",
    "a\nX-Injected: 1",
    "a\rX-Injected: 1",
    "=?utf-8?q?a=0D=0ABcc:_victim@example.com?=",
    "x =?utf-8?b?YQ0KQmNjOiB2aWN0aW1AZXhhbXBsZS5jb20=?= y",
    "\"quoted\\\" name\" <evil@example.com>, other@example.com",
    "\x1b]0;retitled\x07\x1b[31mred\x1b[0m \x00nul \u202etxt.exe",
    "line\u2028separator\u0085next",
    "Ünïcödé " * 30,
]


def _headers(data: bytes) -> list[str]:
    return [line.split(b":", 1)[0].decode() for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
            if line and line[:1] not in b" \t"]


def test_an_answer_has_every_header_the_issue_asks_for() -> None:
    outgoing = compose_reply(REPLY, secret=SECRET)
    assert sorted(_headers(outgoing.data)) == sorted([*BASE_HEADERS, "Content-Transfer-Encoding"])
    mail = parse_mail(outgoing.data)
    assert mail.sender == mail.reply_to[0] == MailAddress("support@desk.example", "Technical support")
    assert mail.to == (MailAddress("john@example.com", "John Doe"),)
    assert mail.subject == "Re: Site down [#12]"
    assert mail.date == REPLY.date
    assert mail.in_reply_to == ("c2@example.com",)
    assert mail.references == REPLY.references
    assert mail.text.strip() == "Fixed: nginx restarted."
    assert mail.header("Auto-Submitted") is None
    assert outgoing.message_id == make_message_id(12, 345, SECRET, "desk.example")
    assert (outgoing.envelope_from, outgoing.recipients) == ("support@desk.example", ("john@example.com",))
    assert outgoing.data.isascii() and b"\n" not in outgoing.data.replace(b"\r\n", b"")


def test_an_acknowledgement_says_it_is_automatic() -> None:
    mail = parse_mail(compose_reply(replace(REPLY, automatic=True), secret=SECRET).data)
    assert mail.header("Auto-Submitted") == "auto-replied"
    assert mail.header("X-Auto-Response-Suppress") == "All"


def test_a_desk_tag_prefix_and_no_threading_ids() -> None:
    reply = replace(REPLY, in_reply_to="", references=(), subject="Re: Site down [Desk #12]")
    outgoing = compose_reply(reply, secret=SECRET, tag_prefix="Desk")
    assert "In-Reply-To" not in _headers(outgoing.data)
    assert parse_mail(outgoing.data).subject == "Re: Site down [Desk #12]"


@pytest.mark.parametrize("bad_id", ["a b@x", "<a@x>", "a@x\r\nBcc: v@x", "=?utf-8?q?=0D=0A?=@x", "", "ü@x"])
def test_unfit_ids_are_left_out_never_written(bad_id: str) -> None:
    outgoing = compose_reply(replace(REPLY, in_reply_to=bad_id, references=("c1@example.com", bad_id)),
                             secret=SECRET)
    mail = parse_mail(outgoing.data)
    assert "Bcc" not in _headers(outgoing.data)
    if bad_id:  # the answered id itself is unfit: no threading at all rather than wrong threading
        assert mail.in_reply_to == () and mail.references == ()


def test_attachments_are_mime_parts() -> None:
    files = (MailAttachment("report.pdf", "application/pdf", b"%PDF-1.7 \x00\xff"),
             MailAttachment("Прайс 2026.xlsx", "Application/VND.ms-excel", b"PK\x03\x04"),
             MailAttachment("", "text/html; charset=utf-8\r\nX-Evil: 1", b"<b>x</b>"),
             MailAttachment("fwd.eml", "message/rfc822", b"not a mail"))
    mail = parse_mail(compose_reply(replace(REPLY, attachments=files), secret=SECRET).data)
    assert [(a.filename, a.content_type, a.data) for a in mail.attachments] == [
        ("report.pdf", "application/pdf", b"%PDF-1.7 \x00\xff"),
        ("Прайс 2026.xlsx", "application/vnd.ms-excel", b"PK\x03\x04"),
        ("attachment", "application/octet-stream", b"<b>x</b>"),
        ("fwd.eml", "application/octet-stream", b"not a mail")]
    assert mail.text.strip() == "Fixed: nginx restarted."


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_never_makes_a_header(hostile: str) -> None:
    reply = replace(REPLY, subject=hostile, text=hostile,
                    department=MailAddress("support@desk.example", hostile),
                    client=MailAddress("john@example.com", hostile),
                    attachments=(MailAttachment(hostile, "text/plain", b"x"),))
    outgoing = compose_reply(reply, secret=SECRET)
    assert _headers(outgoing.data) == BASE_HEADERS
    mail = parse_mail(outgoing.data)
    shown = header_safe(hostile)
    assert "\r" not in mail.subject and "\n" not in mail.subject and "\x1b" not in mail.subject
    assert mail.subject.startswith("Re: ") and mail.subject.endswith(" [#12]")
    assert mail.sender.name == mail.to[0].name == shown
    assert mail.attachments[0].filename == shown
    assert "victim" not in "".join(_headers(outgoing.data))


def test_a_literal_encoded_word_reads_back_as_the_text_it_was() -> None:
    literal = "=?utf-8?q?a=0D=0ABcc:_victim@example.com?="
    mail = parse_mail(compose_reply(replace(REPLY, subject=literal), secret=SECRET).data)
    assert mail.subject.replace("\u2060", "") == f"Re: {literal} [#12]"


def test_an_international_domain_is_sent_in_its_idna_form() -> None:
    outgoing = compose_reply(replace(REPLY, department=MailAddress("support@bücher.example", "Bücher"),
                                     client=MailAddress("jane@例え.jp")), secret=SECRET)
    mail = parse_mail(outgoing.data)
    assert mail.sender.address == "support@xn--bcher-kva.example"
    assert outgoing.recipients == ("jane@xn--r8jz45g.jp",)
    assert outgoing.message_id.endswith("@xn--bcher-kva.example>")


def test_bad_addresses_are_refused() -> None:
    with pytest.raises(BadInput, match="before the @"):
        compose_reply(replace(REPLY, client=MailAddress("jöhn@example.com")), secret=SECRET)
    with pytest.raises(BadInput):
        compose_reply(replace(REPLY, client=MailAddress("john@example.com\r\nBcc: v@x")), secret=SECRET)
    with pytest.raises(BadInput):
        compose_reply(replace(REPLY, department=MailAddress("not an address")), secret=SECRET)


@settings(max_examples=150, deadline=None)
@given(subject=st.text(max_size=120), name=st.text(max_size=60), filename=st.text(max_size=40))
def test_no_text_ever_adds_a_header(subject: str, name: str, filename: str) -> None:
    reply = replace(REPLY, subject=subject, client=MailAddress("john@example.com", name),
                    attachments=(MailAttachment(filename, "text/plain", b"x"),))
    outgoing = compose_reply(reply, secret=SECRET)
    assert _headers(outgoing.data) == BASE_HEADERS
    mail = parse_mail(outgoing.data)
    # Python's header folder may drop a space where it splits a name into two encoded words
    # (whitespace between encoded words is no text); the words themselves always come back.
    assert "".join(mail.to[0].name.split()) == "".join(header_safe(name).split())
    assert mail.attachments[0].filename == (header_safe(filename) or "attachment")
    assert mail.subject == printable(mail.subject, one_line=True)


def test_a_signed_message_id_verifies_and_names_its_ticket() -> None:
    value = make_message_id(12, 345, SECRET, "desk.example")
    assert re.fullmatch(r"<tt\.12\.345\.[0-9a-f]{32}@desk\.example>", value)
    assert verify_message_id(value, SECRET) == (12, 345)
    assert verify_message_id(value.strip("<>"), SECRET) == (12, 345)
    assert verify_message_id(value.replace("desk.example", "moved.example"), SECRET) == (12, 345)
    assert verify_message_id(value, SECRET.decode()) == (12, 345)  # the secret as text


@pytest.mark.parametrize("forge", [
    lambda v: v.replace("tt.12.", "tt.13."),
    lambda v: v.replace(".345.", ".346."),
    lambda v: v[:-20] + ("0" if v[-20] != "0" else "1") + v[-19:],
    lambda v: v.upper(),
    lambda v: "<tt.12.345.@desk.example>",
    lambda v: "<tt.12.345." + "0" * 32 + "@desk.example>",
    lambda v: v.replace("tt.12", "tt.012"),
    lambda v: "",
    lambda v: "<ordinary@example.com>",
])
def test_a_forged_or_altered_id_does_not_verify(forge) -> None:  # noqa: ANN001 - a lambda
    assert verify_message_id(forge(make_message_id(12, 345, SECRET, "desk.example")), SECRET) is None


def test_another_secret_does_not_verify() -> None:
    assert verify_message_id(make_message_id(12, 345, SECRET, "desk.example"), b"x" * 32) is None


@pytest.mark.parametrize("args", [(0, 1, SECRET, "d.example"), (1, -1, SECRET, "d.example"),
                                  (1, 1, b"short", "d.example"), (1, 1, SECRET, "bad domain"),
                                  (1, 1, SECRET, "d.example>\r\nBcc: v@x"), (1, 1, SECRET, "")])
def test_make_message_id_refuses_what_cant_be_signed(args: tuple) -> None:
    with pytest.raises(ValueError):
        make_message_id(*args)


def test_a_long_plain_subject_is_sent_not_refused_as_an_injection() -> None:
    """Folded before its value ("Subject:\\r\\n Re: ..."), a long header reads back with the
    fold's leading space: the check must not take that for a changed header (the demo's
    threads found it: every answer to a long subject was failed, never sent)."""
    subject = "PostgreSQL killed by the OOM killer every night on pg-analytics-01"
    mail = parse_mail(compose_reply(replace(REPLY, subject=subject), secret=SECRET).data)
    assert mail.subject.strip() == f"Re: {subject} [#12]"
