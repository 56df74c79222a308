"""What the mail benchmarks share: a throw-away Dovecot (tests/mailservers.py), a desk whose
Technical support mailbox is its INBOX (SQLite, or a throw-away PostgreSQL with the mail
service's own login), and mails of a realistic size (a few KB, a few senders)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

from store import admin
from store.db import Store
from store.mail.mailboxes import add_mailbox
from store.mail.service_login import grant_mail_login
from tests.mailservers import LOOPBACK, Dovecot, ImapUser

SUPPORT = "support@desk.example"
PARAGRAPH = ("Our site example.com answers 502 since this morning; the logs say the upstream "
             "closed the connection. We changed nothing. Can you look? Thanks. ")


def bench_mail(i: int, tag: str = "bench") -> bytes:
    return (f"From: Client {i % 50} <client{i % 50}@example.com>\r\nTo: {SUPPORT}\r\n"
            f"Subject: Outage {i}\r\nMessage-ID: <{tag}{i}@example.com>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n" + PARAGRAPH * 20 + "\r\n").encode()


@contextlib.contextmanager
def mail_bench(postgresql: bool) -> Iterator[tuple[Store, str, Dovecot, ImapUser]]:
    """(the operator's store, the URL the mail service uses, the server, its user)."""
    server = Dovecot().start()
    cluster = None
    try:
        if postgresql:
            from tests.pgcluster import PgCluster

            cluster = PgCluster().start()
            cluster.admin_sql("CREATE DATABASE mail_bench")
            url = cluster.url("mail_bench")
        else:
            url = f"sqlite:///{tempfile.mkdtemp(prefix='ticket-tui-mail-')}/bench.db"
        store = Store.open(url, create=True)
        user = server.add_user()
        secret = Path(tempfile.mkdtemp(prefix="ticket-tui-mail-pw-")) / "imap.password"
        secret.write_text(user.password)
        os.chmod(secret, 0o600)
        admin.add_department(store, "Technical support")
        add_mailbox(store, SUPPORT, "Technical support",
                    imap_url=f"imap://{user.name}@{LOOPBACK}:{server.port}/INBOX",
                    password_file=str(secret))
        service_url = url
        if postgresql:
            role = grant_mail_login(store, "bench_mail")
            service_url = make_url(url).set(username=role).render_as_string(hide_password=False)
        try:
            yield store, service_url, server, user
        finally:
            store.close()
    finally:
        if cluster is not None:
            cluster.stop()
        server.stop()


def append_all(server: Dovecot, user: ImapUser, mails: list[bytes]) -> None:
    imap = server.connect(user)
    try:
        for raw in mails:
            imap.append("INBOX", None, None, raw)
    finally:
        imap.logout()
