"""The mails the demo's clients send: RFC 5322 bytes as a mail program writes them, with the
Date of the demo's clock and, for an answer, In-Reply-To the desk's last mail on the ticket."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from ..db import Store


def demo_mail(store: Store, now: datetime, sender: str, to: str, subject: str, body: str, *,
              html: bool = False, answering: int | None = None) -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, to, subject
    mail["Date"] = format_datetime(now)
    domain = sender.rpartition("@")[2].rstrip(">")
    mail["Message-ID"] = f"<demo.{now:%Y%m%d%H%M%S.%f}@{domain}>"
    if answering is not None:
        with store.sql() as q:
            last = q.value("SELECT message_id_header FROM mail_ids WHERE ticket_id = :t AND "
                           "direction = 'out' ORDER BY id DESC LIMIT 1", {"t": answering})
        if last:
            mail["In-Reply-To"] = mail["References"] = f"<{last}>"
    if html:  # HTML only, as some mail programs send it
        mail.set_content(body, subtype="html")
    else:
        mail.set_content(body)
    return bytes(mail)
