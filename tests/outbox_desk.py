"""What the outbox tests share: tests/mail_desk.py's desk with an SMTP server set, the mail
service's store (its own login on PostgreSQL), a mailed ticket taken by alice, and the mails
the server received, parsed."""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from store import service as sv
from store.db import Store
from store.mail.intake import receive
from store.mail.secret import desk_secret
from tests.desk import Desk
from tests.mail_desk import mail, mail_desk, mail_store, set_setting
from tests.mailservers import SmtpServer


@dataclass
class OutboxDesk:
    desk: Desk
    mailer: Store  # the mail service's
    smtp: SmtpServer

    @property
    def store(self) -> Store:
        return self.desk.store

    def mailed_ticket(self, subject: str = "Help", sender: str = "John Doe <john@example.com>",
                      message_id: str | None = None) -> int:
        """A ticket john opened by mail, taken by alice."""
        result = receive(self.mailer, mail(subject=subject, sender=sender, message_id=message_id),
                         secret=desk_secret(self.mailer))
        assert result.outcome == "new_ticket", result
        sv.take(self.store, self.desk.alice, result.ticket_id)
        return result.ticket_id

    def received(self, count: int) -> list[EmailMessage]:
        return [parsed(m.data) for m in self.smtp.handler.wait_for(count)]


def parsed(data: bytes) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(data)


def outbox_desk(store: Store, smtp: SmtpServer) -> OutboxDesk:
    desk = mail_desk(store)
    set_setting(store, "smtp_url", f"smtp://127.0.0.1:{smtp.port}")
    return OutboxDesk(desk, mail_store(store), smtp)
