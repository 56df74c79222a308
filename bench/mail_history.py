"""The mail history the import's benchmark and crash test read: threads of a client's question,
the desk's answer and the client's reply (In-Reply-To / References), a few clients writing many
threads. The mix: plain text with a quoted history; every 10th mail with a file; every 25th an
HTML-only mail; every 20th in a legacy charset (ISO-8859-1, windows-1252, KOI8-R; its subject
an encoded word).

Each mail's Message-ID is <tTHREADsSTEP@example.com> (step 0 the question, 1 the desk's answer
from support@desk.example, 2 the reply), which tests/test_mail_import_crash.py reads back.
"""

from __future__ import annotations

import base64
import quopri
from pathlib import Path

DESK = "support@desk.example"
_CHARSETS = (("iso-8859-1", "Grüße aus Köln"), ("windows-1252", "Café – “down” again"),
             ("koi8-r", "Сайт не работает"))


def write_mbox(path: Path, mails: int) -> None:
    """An mbox of `mails` mails, streamed to disk."""
    with open(path, "wb") as f:
        for i in range(mails):
            f.write(b"From bench@example.com Mon Jan  1 10:00:00 2024\n")
            f.write(history_mail(i).replace(b"\nFrom ", b"\n>From "))
            f.write(b"\n")


def history_mail(i: int) -> bytes:
    thread, step = divmod(i, 3)
    client = f"client{thread % 997}@example.com"
    day = f"{1 + thread % 28:02d} Jan 2024 {step + 9:02d}:{thread % 60:02d}:00 +0000"
    subject = f"Site {thread} down"
    if step == 0:
        head = f"From: Client {thread % 997} <{client}>\nTo: {DESK}\n"
        body = f"Our site number {thread} is down since this morning.\nPlease help.\n"
        refs = ""
    elif step == 1:
        head = f"From: Support <{DESK}>\nTo: {client}\n"
        body = ("We restarted the server; it is up again.\n\nOn Mon, 1 Jan 2024, Client wrote:\n"
                f"> Our site number {thread} is down since this morning.\n> Please help.\n")
        refs = f"In-Reply-To: <t{thread}s0@example.com>\n"
    else:
        head = f"From: Client {thread % 997} <{client}>\nTo: {DESK}\n"
        body = ("Thank you, it works.\n\n-----Original Message-----\nFrom: Support\n"
                "Sent: Monday\n\nWe restarted the server; it is up again.\n")
        refs = f"In-Reply-To: <t{thread}s1@example.com>\nReferences: <t{thread}s0@example.com>\n"
    charset, words = "utf-8", ""
    if i % 20 == 7:
        charset, words = _CHARSETS[i // 20 % len(_CHARSETS)]
        body = f"{words}\n{body}"
        encoded = base64.b64encode(f"{words} {subject}".encode(charset)).decode()
        subject = f"=?{charset}?B?{encoded}?="
    head += (f"Subject: {subject}\nDate: Mon, {day}\nMessage-ID: <t{thread}s{step}@example.com>\n"
             f"{refs}MIME-Version: 1.0\n")
    text = (f"Content-Type: text/plain; charset={charset}\n"
            "Content-Transfer-Encoding: quoted-printable\n\n"
            + quopri.encodestring(body.encode(charset)).decode("ascii"))
    if i % 25 == 3:
        paragraphs = "".join(f"<p>{line}</p>" for line in body.splitlines() if line)
        text = (f"Content-Type: text/html; charset={charset}\n"
                "Content-Transfer-Encoding: quoted-printable\n\n"
                + quopri.encodestring(f"<html><body>{paragraphs}</body></html>\n"
                                      .encode(charset)).decode("ascii"))
    if i % 10 == 0:
        data = base64.encodebytes(bytes(range(256)) * 8).decode()
        return (head + "Content-Type: multipart/mixed; boundary=CUT\n\n--CUT\n" + text
                + "\n--CUT\nContent-Type: application/octet-stream\nContent-Disposition: "
                f"attachment; filename=log{i}.bin\nContent-Transfer-Encoding: base64\n\n{data}"
                "--CUT--\n").encode()
    return (head + text).encode()
