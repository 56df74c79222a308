"""Reading a received mail (store/mail/parse.py): headers, texts, attachments, the made-up
Message-ID, the errors of a broken mail, and the bounds (size, nesting, parts, memory)."""

from __future__ import annotations

import os
import time
import tracemalloc
from datetime import datetime, timezone
from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.mail.errors import MailTooLarge, UnparseableMail
from store.mail.html import html_to_text
from store.mail.parse import MAX_CONTAINERS, parse_mail
from store.mail.parts import MAX_PARTS
from store.mail.records import MailAddress

PLAIN = (b"From: =?utf-8?q?J=C3=B6rg_M=C3=BCller?= <joerg@example.com>\r\n"
         b'To: "Support, Technical" <support@desk.example>, other@example.com\r\n'
         b"Cc: =?iso-8859-1?q?Ren=E9?= <rene@example.com>\r\n"
         b"Subject: =?utf-8?b?w4Rsc28=?= =?utf-8?b?IG5vY2g=?= einmal\r\n"
         b"Date: Tue, 3 Mar 2026 10:15:00 +0100\r\n"
         b"Message-ID: <abc.123@mail.example.com>\r\n"
         b"In-Reply-To: <tt.1.2.x@desk.example>\r\n"
         b"References: <root@example.com>\r\n <tt.1.2.x@desk.example>\r\n"
         b"\r\nHello,\r\nthe site is down.\r\n")


def _mail(*parts: bytes, head: bytes = b"From: a@example.com\r\nSubject: s\r\n") -> bytes:
    return head + b"".join(parts)


def _text_and(part: bytes, text: bytes = b"the text") -> bytes:
    """A multipart/mixed mail: a text, then `part` (its headers, a blank line, its body)."""
    return _mail(b'Content-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\n\r\n' + text
                 + b"\r\n--m\r\n" + part + b"\r\n--m--\r\n")


def test_the_headers_are_read_and_decoded() -> None:
    mail = parse_mail(PLAIN)
    assert mail.message_id == "abc.123@mail.example.com" and not mail.message_id_made_up
    assert mail.in_reply_to == ("tt.1.2.x@desk.example",)
    assert mail.references == ("root@example.com", "tt.1.2.x@desk.example")
    assert mail.sender == MailAddress("joerg@example.com", "Jörg Müller")
    assert mail.to == (MailAddress("support@desk.example", "Support, Technical"),
                       MailAddress("other@example.com", ""))
    assert mail.cc == (MailAddress("rene@example.com", "René"),)
    assert mail.subject == "Älso noch einmal"  # the space between two encoded words is not text
    assert mail.date == datetime(2026, 3, 3, 9, 15, tzinfo=timezone.utc)
    assert mail.text == "Hello,\nthe site is down."
    assert mail.content_type == "text/plain" and mail.attachments == ()
    assert mail.header("SUBJECT") == "Älso noch einmal"
    assert mail.size == len(PLAIN)


def test_a_date_that_cant_be_read_is_none_and_one_without_zone_is_utc() -> None:
    assert parse_mail(_mail(b"Date: yesterday-ish\r\n\r\nx")).date is None
    assert parse_mail(_mail(b"\r\nx")).date is None
    assert parse_mail(_mail(b"Date: Tue, 3 Mar 2026 10:15:00 -0000\r\n\r\nx")).date == \
        datetime(2026, 3, 3, 10, 15, tzinfo=timezone.utc)


def test_a_mail_without_message_id_gets_a_stable_made_up_one() -> None:
    piped = (b"From: client@example.com\nTo: support@desk.example\nSubject: No id\n"
             b"Date: Tue, 3 Mar 2026 10:15:00 +0100\n\nLine one\nLine two\n")
    # The same mail fetched over IMAP: CRLF, and headers a relay added on the way.
    fetched = (b"Return-Path: <client@example.com>\r\nDelivered-To: support@desk.example\r\n"
               b"Received: from mx by imap; Tue, 3 Mar 2026 10:15:02 +0100\r\n"
               + piped.replace(b"\n", b"\r\n"))
    first, second = parse_mail(piped), parse_mail(fetched)
    assert first.message_id_made_up and first.message_id.endswith("@no-message-id.invalid")
    assert first.message_id == second.message_id
    other = parse_mail(piped.replace(b"Line two", b"Line 2"))
    assert other.message_id != first.message_id
    assert parse_mail(_mail(b"Message-ID: <>\r\n\r\nx")).message_id_made_up


def test_ids_are_bounded_and_may_come_without_brackets() -> None:
    long_id = b"x" * 400 + b"@example.com"
    mail = parse_mail(_mail(b"Message-ID: <" + long_id + b">\r\nIn-Reply-To: bare@example.com\r\n\r\nx"))
    assert len(mail.message_id) < 100 and mail.message_id.endswith("@long-message-id.invalid")
    assert mail.message_id == parse_mail(_mail(b"Message-ID: <" + long_id + b">\r\n\r\ny")).message_id
    assert mail.in_reply_to == ("bare@example.com",)


def test_multipart_alternative_prefers_the_plain_text() -> None:
    mail = parse_mail(_mail(
        b'Content-Type: multipart/alternative; boundary="a"\r\n\r\n'
        b"--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain words\r\n"
        b"--a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>html words</p>\r\n--a--\r\n"))
    assert [t.content_type for t in mail.texts] == ["text/plain"]
    assert mail.text == "plain words" and mail.attachments == ()


def test_html_only_mail_becomes_readable_text() -> None:
    mail = parse_mail(_mail(
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        b"<html><head><style>p {color: red}</style><script>alert('x')</script></head><body>"
        b"<p>The <b>shop</b> is down.</p><ul><li>since 9:00</li><li>error 502</li></ul>"
        b'<p><a href="https://status.example.com/">status page</a></p></body></html>'))
    assert mail.texts[0].content_type == "text/html"
    text = mail.text
    assert "The shop is down." in text and "since 9:00" in text and "error 502" in text
    assert "https://status.example.com/" in text  # the link's real target is shown
    assert "<" not in text and "alert" not in text and "color" not in text


@pytest.mark.parametrize("html, expected", [
    ("<div>" * 1000 + "deep" + "</div>" * 1000, "deep"),  # deeper than inscriptis walks
    ("<b>" * 1000 + "deep<script>alert(1)</script>", "deep"),
    ("<p>" + "w " * 5_100_000 + "</p>", "w " * 5_099_999 + "w"),  # a text node over lxml's 10 MB
    ('<?xml version="1.0" encoding="utf-8"?><p>declared</p>', "declared"),
    ("<p></p><!-- nothing -->", ""),
])
def test_html_gives_its_text_whatever_its_shape(html: str, expected: str) -> None:
    assert " ".join(html_to_text(html).split()) == expected


def test_html_that_parses_to_nothing_keeps_its_source_as_text() -> None:
    nested = "<div>" * 5000 + "lost?" + "</div>" * 5000  # past libxml2's depth
    assert html_to_text(nested) == nested


def test_every_text_part_of_a_mixed_mail_is_kept() -> None:
    mail = parse_mail(_mail(
        b'Content-Type: multipart/mixed; boundary="m"\r\n\r\n'
        b"--m\r\nContent-Type: text/plain\r\n\r\nfirst text\r\n"
        b"--m\r\nContent-Type: text/plain; name=log.txt\r\nContent-Disposition: attachment; "
        b"filename=log.txt\r\n\r\nnot a text: a file\r\n"
        b"--m\r\nContent-Type: text/html\r\n\r\n<p>second text</p>\r\n--m--\r\n"))
    assert [t.text.strip() for t in mail.texts] == ["first text", "second text"]
    assert mail.text == "first text\n\nsecond text"
    assert [(a.filename, a.data) for a in mail.attachments] == [("log.txt", b"not a text: a file")]


def test_inline_images_of_the_html_rendering_are_attachments() -> None:
    mail = parse_mail(_mail(
        b'Content-Type: multipart/alternative; boundary="a"\r\n\r\n'
        b"--a\r\nContent-Type: text/plain\r\n\r\nsee the picture\r\n"
        b'--a\r\nContent-Type: multipart/related; boundary="r"\r\n\r\n'
        b'--r\r\nContent-Type: text/html\r\n\r\n<img src="cid:pic@x">\r\n'
        b"--r\r\nContent-Type: image/png\r\nContent-ID: <pic@x>\r\nContent-Transfer-Encoding: base64"
        b"\r\n\r\niVBORw0KGgo=\r\n--r--\r\n--a--\r\n"))
    assert mail.text == "see the picture"
    [image] = mail.attachments
    assert (image.content_type, image.inline, image.content_id) == ("image/png", True, "pic@x")
    assert image.data == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("disposition, expected", [
    (b"attachment; filename*=utf-8''Pr%C3%BCfbericht%202026.pdf", "Prüfbericht 2026.pdf"),
    (b"attachment; filename*0*=utf-8''%E6%B8%AC; filename*1*=%E8%A9%A6.pdf", "測試.pdf"),
    (b'attachment; filename="=?utf-8?q?caf=C3=A9.pdf?="', "café.pdf"),
    (b'attachment; filename="\xc3\xa9t\xc3\xa9.pdf"', "été.pdf"),
    (b"attachment", "named-by-type.pdf"),
])
def test_attachment_filenames_are_decoded(disposition: bytes, expected: str) -> None:
    mail = parse_mail(_text_and(
        b"Content-Type: application/pdf; name=named-by-type.pdf\r\nContent-Disposition: "
        + disposition + b"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0="))
    [attachment] = mail.attachments
    assert (attachment.filename, attachment.content_type, attachment.data) == (expected, "application/pdf", b"%PDF-")
    assert not attachment.inline


def test_an_enclosed_mail_is_an_attachment_not_text() -> None:
    mail = parse_mail(_text_and(
        b"Content-Type: message/rfc822\r\n\r\nFrom: x@example.com\r\nSubject: old\r\n"
        b"Message-ID: <old@example.com>\r\n\r\nthe old mail"))
    assert mail.text == "the text"
    [enclosed] = mail.attachments
    assert enclosed.content_type == "message/rfc822"
    assert parse_mail(enclosed.data).message_id == "old@example.com"


def test_hostile_headers_stay_data() -> None:
    mail = parse_mail(_mail(
        b"Subject: =?utf-8?q?Hi=0D=0ABcc:_evil@example.com_=1B]0;pwned=07=1B[31mred?=\r\n"
        b"Reply-To: =?utf-8?q?Eve=0D=0AX-Evil:_1,_2?= <eve@example.com>\r\n\r\nbody\x1b[2J\x00end",
        head=b"From: a@example.com\r\n"))
    assert mail.subject == "Hi\r\nBcc: evil@example.com \x1b]0;pwned\x07\x1b[31mred"
    assert mail.reply_to == (MailAddress("eve@example.com", "Eve\r\nX-Evil: 1, 2"),)
    assert [name for name, _ in mail.headers] == ["From", "Subject", "Reply-To"]
    assert mail.text == "body\x1b[2J\x00end"


def test_an_mbox_from_line_before_the_headers_is_allowed() -> None:
    mail = parse_mail(b"From client@example.com Tue Mar  3 10:15:00 2026\n" + PLAIN.replace(b"\r\n", b"\n"))
    assert mail.message_id == "abc.123@mail.example.com" and mail.text == "Hello,\nthe site is down."


def test_one_broken_header_does_not_make_the_mail_unreadable() -> None:
    # Python's structured header parser raises IndexError on a parameter cut after its name.
    mail = parse_mail(_text_and(
        b"Content-Type: application/pdf; name*\r\nContent-Disposition: attachment; filename*\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0="))
    assert mail.text == "the text"
    assert [(a.content_type, a.data) for a in mail.attachments] == [("application/pdf", b"%PDF-")]


@pytest.mark.parametrize("data", [b"", b"  \r\n\r\n", b"\x00\x01\x02binary junk\xff\xfe", b"no header at all"])
def test_what_is_no_mail_is_unparseable(data: bytes) -> None:
    with pytest.raises(UnparseableMail) as refused:
        parse_mail(data)
    assert str(refused.value).endswith(".") and "\n" not in str(refused.value)


def test_a_mail_over_the_limit_is_refused_before_parsing() -> None:
    data = _mail(b"\r\n" + b"x" * 2_000_000)
    started = time.perf_counter()
    with pytest.raises(MailTooLarge) as refused:
        parse_mail(data, max_bytes=1_000_000)
    assert time.perf_counter() - started < 0.05
    assert (refused.value.size, refused.value.limit) == (len(data), 1_000_000)
    assert str(refused.value) == f"The mail is {len(data):,} bytes; the limit is 1,000,000 bytes."
    assert parse_mail(data, max_bytes=len(data)).size == len(data)


def _nested(depth: int) -> bytes:
    opening = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
                       for i in range(depth))
    closing = b"".join(b"\r\n--b%d--" % i for i in reversed(range(depth)))
    return _mail(opening, b"Content-Type: text/plain\r\n\r\ninnermost", closing, b"\r\n")


def test_a_mail_of_5000_nested_parts_is_read_within_bounds() -> None:
    data = _nested(5000)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        mail = parse_mail(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 5
    assert peak < 20 * len(data)
    assert mail.subject == "s"
    assert mail.skipped_parts > 5000 - MAX_CONTAINERS
    assert any("not read" in note for note in mail.notes)


def test_a_flat_mail_of_5000_parts_reads_the_first_ones_and_counts_the_rest() -> None:
    parts = b"".join(b"--f\r\nContent-Type: application/octet-stream\r\n\r\n%d\r\n" % i for i in range(5000))
    mail = parse_mail(_mail(b'Content-Type: multipart/mixed; boundary="f"\r\n\r\n', parts, b"--f--\r\n"))
    assert len(mail.attachments) == MAX_PARTS - 1  # the multipart itself is a part walked
    assert len(mail.attachments) + mail.skipped_parts == 5000
    assert mail.attachments[0].data == b"0"


def test_a_10_mb_attachment_is_not_copied_many_times() -> None:
    message = EmailMessage()
    message["From"], message["Subject"] = "client@example.com", "the dump"
    message.set_content("database dump attached")
    payload = os.urandom(10 * 1024 * 1024)
    message.add_attachment(payload, maintype="application", subtype="gzip", filename="dump.sql.gz")
    data = bytes(message)
    tracemalloc.start()
    try:
        mail = parse_mail(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    [attachment] = mail.attachments
    assert attachment.data == payload and attachment.filename == "dump.sql.gz"
    assert mail.text == "database dump attached"
    assert peak < 4 * len(data), f"peak {peak / 1e6:.1f} MB for a {len(data) / 1e6:.1f} MB mail"


SAMPLE = (PLAIN.split(b"\r\n\r\n")[0] + b'\r\nContent-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\n'
          b"Content-Type: text/html; charset=gb2312\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
          b"<p>=D6=D0</p>\r\n--m\r\nContent-Type: application/pdf; name*=utf-8''a%C3%A9.pdf\r\n"
          b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--m\r\nContent-Type: message/rfc822\r\n\r\n"
          b"Subject: =?utf-8?q?inner?=\r\n\r\ninner\r\n--m--\r\n")


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_broken_mail_never_raises_but_unparseable(data: st.DataObject) -> None:
    """Bytes cut, overwritten and inserted anywhere in a rich mail: a mail or UnparseableMail."""
    mail = bytearray(SAMPLE)
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(mail)))
        action = data.draw(st.sampled_from(["cut", "insert", "overwrite"]))
        chunk = data.draw(st.binary(min_size=1, max_size=12) | st.sampled_from(
            [b"\r\n", b"=?", b"?=", b"--m", b"\r\n\r\n", b"<", b">", b'"', b";", b"=\r\n", b"\x00", b"\xff"]))
        if action == "cut":
            del mail[at:at + len(chunk)]
        elif action == "insert":
            mail[at:at] = chunk
        else:
            mail[at:at + len(chunk)] = chunk
    try:
        parsed = parse_mail(bytes(mail))
    except UnparseableMail:
        return
    assert isinstance(parsed.text, str) and isinstance(parsed.message_id, str) and parsed.message_id


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=2000))
def test_random_bytes_never_raise_but_unparseable(data: bytes) -> None:
    try:
        parse_mail(data)
    except UnparseableMail:
        pass
