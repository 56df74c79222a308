"""`ticket-tui mail receive` killed with SIGKILL at random moments (a real process, as an MTA
runs it): after every kill the store holds each mail whole or not at all (its message, files,
Message-ID and original together, its ticket held by the department), and the same mail
delivered again afterwards, as the MTA does after a failed delivery, gives exactly one message.
On SQLite, and on PostgreSQL as the mail service's own login."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store.db import Store
from tests.mail_desk import mail_desk, mail_store, rows

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = {"sqlite": 10, "postgresql": 6}
WAIT = 60


def mail_number(i: int) -> bytes:
    """Mail i: its own Message-ID, a body and a file whose bytes all derive from i."""
    import base64

    data = random.Random(i).randbytes(20_000 + i * 997)
    encoded = base64.encodebytes(data).replace(b"\n", b"\r\n")
    return (f"From: Client {i} <client{i}@example.com>\r\nTo: support@desk.example\r\n"
            f"Subject: Crash {i}\r\nMessage-ID: <crash{i}@example.com>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=CUT\r\n\r\n--CUT\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body_of(i)}\r\n--CUT\r\n"
            f"Content-Type: application/octet-stream\r\nContent-Disposition: attachment; "
            f"filename=file{i}.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            ).encode() + encoded + b"--CUT--\r\n"


def body_of(i: int) -> str:
    return f"mail {i}: " + "línea ✓ " * (i * 37 % 300) + f"end {i}"


def deliver(url: str, raw: bytes) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "ticket_tui", "--db", url, "mail", "receive"],
                            cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdin.write(raw)
    proc.stdin.close()
    return proc


def check_whole(store: Store, delivered: set[int]) -> set[int]:
    """Every mail in the store is whole; returns the numbers of those stored."""
    stored = set()
    found = rows(store, "SELECT i.message_id_header, i.ticket_id, m.kind, m.body, o.sha256 "
                        "FROM mail_ids i JOIN messages m ON m.id = i.message_id "
                        "LEFT JOIN mail_originals o ON o.message_id = m.id")
    for header, ticket, kind, body, digest in found:
        i = int(header.removeprefix("crash").removesuffix("@example.com"))
        assert i in delivered and i not in stored
        assert (kind, body) == ("client", body_of(i))
        assert digest == hashlib.sha256(mail_number(i)).hexdigest()
        [(name, data)] = rows(store, "SELECT a.name, a.data FROM attachments a JOIN messages m "
                                     "ON m.id = a.message_id WHERE m.ticket_id = :t", t=ticket)
        assert (name, bytes(data)) == (f"file{i}.bin", random.Random(i).randbytes(20_000 + i * 997))
        assert rows(store, "SELECT count(*) FROM holders WHERE ticket_id = :t AND is_open",
                    t=ticket) == [(1,)]
        stored.add(i)
    assert rows(store, "SELECT count(*) FROM messages")[0][0] == len(stored)
    assert rows(store, "SELECT count(*) FROM tickets")[0][0] == len(stored)
    return stored


@pytest.mark.parametrize("db_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)],
                         indirect=True)
def test_mail_receive_killed_at_any_moment_stores_each_mail_whole_and_once(store, db_url) -> None:
    mail_desk(store)
    mailer = mail_store(store)
    url = mailer.url
    started = time.monotonic()
    assert deliver(url, mail_number(0)).wait(WAIT) == 0
    full_run = time.monotonic() - started
    delivered, committed = {0}, {0}
    chance = random.Random(18)
    for i in range(1, ROUNDS[store.dialect] + 1):
        proc = deliver(url, mail_number(i))
        # The later part of a whole run: start-up is most of it, the write its end; so the kills
        # fall before, during and after the transaction (about half find the mail stored).
        time.sleep(chance.uniform(0.6, 1.05) * full_run)
        proc.send_signal(signal.SIGKILL)
        code = proc.wait(WAIT)
        delivered.add(i)
        if code == 0:
            committed.add(i)  # it finished before the kill
        stored = check_whole(store, delivered)
        assert committed <= stored
        again = deliver(url, mail_number(i))
        assert again.wait(WAIT) == 0, again.stderr.read()
        assert again.stdout.read().split()[0] in (b"new_ticket", b"duplicate")
        assert check_whole(store, delivered) == delivered
    mailer.close()
