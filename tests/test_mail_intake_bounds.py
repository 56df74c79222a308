"""Big and deep mail through the whole intake (store/mail/intake.py) within memory bounds, on
SQLite and PostgreSQL: a 10 MB attachment, and a mail of 5,000 nested MIME parts."""

from __future__ import annotations

import os
import tracemalloc

from store.mail.intake import receive
from tests.mail_desk import mail_desk, mail_store, rows, with_file


def _receive_measured(mailer, raw: bytes):
    """The intake's result, and the peak of the memory Python allocated meanwhile."""
    tracemalloc.start()
    try:
        result = receive(mailer, raw)
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_10_mb_attachment_is_taken_in_within_a_few_times_its_size(store) -> None:
    mail_desk(store)
    mailer = mail_store(store)
    data = os.urandom(10_000_000)
    raw = with_file("backup.tar", data, message_id="<big10@example.com>")
    result, peak = _receive_measured(mailer, raw)
    assert result.outcome == "new_ticket", result
    assert peak < 4 * len(raw), f"peak {peak:,} bytes for a mail of {len(raw):,}"
    [(size, kept)] = rows(store, "SELECT a.size, o.size FROM attachments a JOIN mail_originals o "
                                 "ON o.message_id = a.message_id")
    assert (size, kept) == (len(data), len(raw))


def test_a_mail_of_5000_nested_parts_is_taken_in_with_what_can_be_read(store) -> None:
    mail_desk(store)
    mailer = mail_store(store)
    depth = 5000
    head = (b"From: deep@example.com\r\nTo: support@desk.example\r\nSubject: Deep\r\n"
            b"Message-ID: <deep@example.com>\r\nMIME-Version: 1.0\r\n")
    parts = [head]
    for level in range(depth):
        parts.append(f'Content-Type: multipart/mixed; boundary="b{level}"\r\n\r\n--b{level}\r\n'.encode())
    parts.append(b"Content-Type: text/plain\r\n\r\nthe innermost text\r\n")
    for level in reversed(range(depth)):
        parts.append(f"--b{level}--\r\n".encode())
    raw = b"".join(parts)
    result, peak = _receive_measured(mailer, raw)
    assert result.outcome == "new_ticket", result
    assert peak < 64 * 1024 * 1024
    assert rows(store, "SELECT size FROM mail_originals") == [(len(raw),)]
