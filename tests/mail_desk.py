"""What the mail intake tests share: a desk with two mailboxes, the store the mail service
would use (on PostgreSQL its own login in ticket_tui_mail), mails built from a few headers,
and the rows to look at (read as the operator)."""

from __future__ import annotations

from email.utils import make_msgid

from sqlalchemy.engine import make_url

from store import admin
from store.db import Store
from store.mail.mailboxes import add_mailbox
from store.mail.service_login import grant_mail_login

SUPPORT, BILLING = "support@desk.example", "billing@desk.example"
SECRET = b"the desk's secret for intake tests"
# A delivery status notification returning the desk's mail {sent} (a Message-ID with brackets).
BOUNCE = (
    "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\nTo: support@desk.example\r\n"
    "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn1@mx.example.net>\r\n"
    "MIME-Version: 1.0\r\n"
    'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
    "--B\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered: mailbox full.\r\n"
    "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n"
    "Final-Recipient: rfc822; john@example.com\r\nAction: failed\r\nStatus: 5.2.2\r\n\r\n"
    "--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {sent}\r\nSubject: Re: x\r\n\r\n--B--\r\n"
)



def mail_desk(store: Store):
    """tests/desk.py's desk, with the mailboxes of Technical support and Billing."""
    from tests.desk import make_desk

    desk = make_desk(store)
    add_mailbox(store, SUPPORT, "Technical support")
    add_mailbox(store, BILLING, "Billing")
    return desk


def mail_store(store: Store) -> Store:
    """The store the mail service runs on: on PostgreSQL a connection as its own login role."""
    if store.dialect != "postgresql":
        return store
    role = grant_mail_login(store, "desk_mail")
    url = make_url(store.url).set(username=role).render_as_string(hide_password=False)
    return Store.open(url, migrate=False)


def mail(body: str = "The site is down.", *, sender: str = "Jane Roe <jane@example.com>",
         to: str = SUPPORT, subject: str = "Help", message_id: str | None = None,
         extra: str = "", charset: str = "utf-8") -> bytes:
    """A plain text mail; message_id "" leaves the header out."""
    if message_id is None:
        message_id = make_msgid(domain="example.com")
    head = f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\n"
    if message_id:
        head += f"Message-ID: {message_id}\r\n"
    head += extra
    head += f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset={charset}\r\n"
    head += "Content-Transfer-Encoding: 8bit\r\n\r\n"
    return head.encode("ascii") + body.encode(charset if charset != "iso-8859-1" else "cp1252")


def with_file(name: str, data: bytes, *, message_id: str, to: str = SUPPORT,
              sender: str = "jane@example.com") -> bytes:
    import base64

    encoded = base64.encodebytes(data).replace(b"\n", b"\r\n")
    return (f"From: {sender}\r\nTo: {to}\r\nSubject: With a file\r\nMessage-ID: {message_id}\r\n"
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\n"
            "Content-Type: text/plain\r\n\r\nSee the file.\r\n--XX\r\n"
            f"Content-Type: application/pdf\r\nContent-Disposition: attachment; filename={name}\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n").encode() + encoded + b"--XX--\r\n"


def rows(store: Store, sql: str, **params) -> list[tuple]:
    with store.sql() as q:
        return q.rows(sql, params)


def count(store: Store, table: str) -> int:
    return rows(store, f"SELECT count(*) FROM {table}")[0][0]


def add_sent_id(store: Store, ticket_id: int, message_id: str) -> None:
    """A mail the desk sent for the ticket (the sending half writes these), as the operator."""
    from store.mail.models import MailId
    from store.clock import utcnow

    with store.write() as s:
        s.add(MailId(message_id_header=message_id.strip("<>"), direction="out",
                     ticket_id=ticket_id, made_up=False, created_at=utcnow()))


def set_setting(store: Store, key: str, value: str) -> None:
    admin.set_setting(store, key, value)
