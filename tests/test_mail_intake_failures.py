"""Mail in that is not an ordinary message (store/mail/intake.py), on SQLite and PostgreSQL:
failed mail kept whole, the size limits, bounces, files, mislabelled charsets, retries."""

from __future__ import annotations

from store.mail.failed import list_failed, retry
from store.mail.intake import receive
from tests.mail_desk import (
    BOUNCE, add_sent_id, count, mail, mail_desk, mail_store, rows, set_setting, with_file,
)


def test_a_mail_that_will_never_parse_is_kept_whole_as_failed_mail_once(store) -> None:
    mail_desk(store)
    mailer = mail_store(store)
    for raw in (b"", b"   \r\n", b"\x00\x01\x02 not a mail"):
        result = receive(mailer, raw)
        assert result.outcome == "failed" and result.reason
    again = receive(mailer, b"\x00\x01\x02 not a mail")
    assert again.outcome == "failed"
    assert rows(store, "SELECT count(*) FROM failed_mail") == [(3,)]
    kept = {bytes(raw) for raw, in rows(store, "SELECT raw FROM failed_mail")}
    assert kept == {b"", b"   \r\n", b"\x00\x01\x02 not a mail"}
    assert count(store, "tickets") == 0


def test_a_mail_over_the_size_limit_goes_whole_to_failed_mail(store) -> None:
    mail_desk(store)
    set_setting(store, "mail_max_bytes", "2048")
    mailer = mail_store(store)
    raw = mail("x" * 3000, message_id="<big@example.com>")
    result = receive(mailer, raw)
    assert result.outcome == "failed" and "limit is 2,048 bytes" in result.reason
    assert [bytes(r) for r, in rows(store, "SELECT raw FROM failed_mail")] == [raw]
    assert count(store, "tickets") == 0 and count(store, "mail_ids") == 0


def test_files_are_attachments_of_the_message_and_one_too_large_fails_the_whole_mail(store) -> None:
    mail_desk(store)
    mailer = mail_store(store)
    ok = receive(mailer, with_file("../../etc/invoice.pdf", b"%PDF-1.4 small", message_id="<f1@x.example>"))
    assert ok.outcome == "new_ticket"
    assert rows(store, "SELECT name, size, data FROM attachments WHERE message_id = :m",
                m=ok.message_id) == [("invoice.pdf", 14, b"%PDF-1.4 small")]
    set_setting(store, "attachment_max_bytes", "100")
    big = receive(mailer, with_file("big.pdf", b"A" * 500, message_id="<f2@x.example>"))
    assert big.outcome == "failed" and "big.pdf" in big.reason
    assert count(store, "tickets") == 1 and count(store, "messages") == 1
    assert count(store, "mail_ids") == 1 and count(store, "failed_mail") == 1


def test_a_bounce_notes_the_failure_on_the_ticket_whose_mail_bounced(store) -> None:
    mail_desk(store)
    mailer = mail_store(store)
    ticket = receive(mailer, mail(sender="john@example.com")).ticket_id
    add_sent_id(store, ticket, "<tt.sent.1@desk.example>")
    result = receive(mailer, BOUNCE.format(sent="<tt.sent.1@desk.example>").encode())
    assert (result.outcome, result.ticket_id) == ("bounce", ticket)
    [(kind, body)] = rows(store, "SELECT kind, body FROM messages WHERE id = :m", m=result.message_id)
    assert kind == "system" and "bounced" in body and "mailbox full" in body
    assert count(store, "tickets") == 1
    assert rows(store, "SELECT automatic_reason FROM mail_ids WHERE message_id_header = "
                "'dsn1@mx.example.net'")[0][0]
    unknown = receive(mailer, BOUNCE.format(sent="<never@desk.example>").replace(
        "dsn1", "dsn2").encode())
    assert unknown.outcome == "dropped" and count(store, "tickets") == 1


def test_mislabelled_charsets_arrive_readable(store) -> None:
    mail_desk(store)
    mailer = mail_store(store)
    cases = [("“Quoted” – café €5", "iso-8859-1"), ("镕瑩喆 你好", "gb2312"),
             ("똠방각하 안녕하세요", "ks_c_5601-1987")]
    encodings = {"iso-8859-1": "cp1252", "gb2312": "gbk", "ks_c_5601-1987": "cp949"}
    for text, label in cases:
        raw = (f"From: jane@example.com\r\nTo: support@desk.example\r\nSubject: t\r\n"
               f"Content-Type: text/plain; charset={label}\r\n\r\n").encode() + text.encode(encodings[label])
        result = receive(mailer, raw)
        assert rows(store, "SELECT body FROM messages WHERE id = :m", m=result.message_id) == [(text,)]


def test_a_failed_mail_is_taken_in_by_retry_once_the_desk_allows_it(store) -> None:
    mail_desk(store)
    set_setting(store, "mail_max_bytes", "2048")
    mailer = mail_store(store)
    receive(mailer, mail("y" * 3000, message_id="<later@example.com>"))
    [failed] = list_failed(store)
    assert failed.source == "pipe" and failed.size > 3000 and failed.resolved_at is None
    again = retry(store, failed.id)
    assert again.outcome == "failed"
    assert list_failed(store)[0].retried_at is not None
    set_setting(store, "mail_max_bytes", str(25 * 1024 * 1024))
    taken = retry(store, failed.id)
    assert taken.outcome == "new_ticket"
    assert list_failed(store) == [] and list_failed(store, include_resolved=True)[0].resolved_at
    assert retry(store, failed.id).outcome == "duplicate"
