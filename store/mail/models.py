"""The mail channel's tables (issue 18), beside store/models.py on the same metadata.

Whoever needs the whole schema (the migrations' environment, the schema test) imports this
module too: store/models.py can't import it back.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger, Boolean, CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..models import Base
from ..types import UTCDateTime

MAIL_SOURCES = ("pipe", "imap", "import")


def _now() -> Mapped[datetime]:
    return mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class Mailbox(Base):
    """A department's support address, and the IMAP mailbox that receives it (when the desk
    fetches it). Never a password: that lives in a file or the environment."""

    __tablename__ = "mailboxes"
    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    address: Mapped[str] = mapped_column(String(254), unique=True)  # lowercased
    imap_url: Mapped[str | None] = mapped_column(String(1000))
    password_file: Mapped[str | None] = mapped_column(String(1000))
    # What the desk has fetched: UIDs decide what is new, never the \Seen flag.
    imap_uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    imap_last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = _now()


class MailId(Base):
    """A Message-ID the desk received or sent, and its message. Threading looks ids up here;
    the unique index makes a second delivery of the same mail a no-op."""

    __tablename__ = "mail_ids"
    __table_args__ = (CheckConstraint("direction IN ('in', 'out')", name="direction"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id_header: Mapped[str] = mapped_column(String(250), unique=True)
    direction: Mapped[str] = mapped_column(String(3))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    mailbox_id: Mapped[int | None] = mapped_column(ForeignKey("mailboxes.id", ondelete="SET NULL"))
    made_up: Mapped[bool] = mapped_column(Boolean, default=False)
    # Why no automatic answer may ever go to this mail (the loop rules); NULL when one may.
    automatic_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = _now()


class MailOriginal(Base):
    """A received mail kept whole, for staff to open; lists never load it."""

    __tablename__ = "mail_originals"
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sender: Mapped[str] = mapped_column(Text, default="")
    to_addresses: Mapped[str] = mapped_column(Text, default="")
    cc_addresses: Mapped[str] = mapped_column(Text, default="")


class FailedMail(Base):
    """A mail the intake could not handle (unparseable, too large, refused by a rule), kept
    whole until it is retried or resolved."""

    __tablename__ = "failed_mail"
    __table_args__ = (CheckConstraint(f"source IN {MAIL_SOURCES}", name="source"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = _now()
    source: Mapped[str] = mapped_column(String(10))
    mailbox_id: Mapped[int | None] = mapped_column(ForeignKey("mailboxes.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    retried_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


OUTBOX_KINDS = ("reply", "acknowledgement")
OUTBOX_STATES = ("queued", "sending", "sent", "failed")


class OutboxMail(Base):
    """A mail the desk will send: a staff reply, or an acknowledgement of a mailed ticket.

    Written in the reply's (or the intake's) transaction; the sender claims it (state
    'sending' with a lease), sends it, and marks it sent. A sender killed after the SMTP server
    took the mail leaves it 'sending': when the lease ends it is sent again, with the same
    Message-ID (at least once, never lost).
    """

    __tablename__ = "outbox"
    __table_args__ = (CheckConstraint(f"kind IN {OUTBOX_KINDS}", name="kind"),
                      CheckConstraint(f"state IN {OUTBOX_STATES}", name="state"),
                      # The sender's question: what is due? (sent mail piles up beside it)
                      Index("ix_outbox_due", "state", "not_before"))
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    # The desk's message it carries (a staff reply; for an acknowledgement the client's first).
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    state: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Not sent before this moment: the back-off after a temporary failure, or a held reply.
    not_before: Mapped[datetime] = _now()
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())  # while 'sending'
    last_answer: Mapped[str | None] = mapped_column(Text)  # the SMTP server's, or why not sent
    # The signed Message-ID (without brackets), fixed at the first claim: every resend reuses it.
    mail_message_id: Mapped[str | None] = mapped_column(String(250))
    created_at: Mapped[datetime] = _now()
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MailSecret(Base):
    """The desk's secret for signed Message-IDs: one row, made by the migration. On PostgreSQL
    only the operator and the mail service read it."""

    __tablename__ = "mail_secret"
    id: Mapped[int] = mapped_column(primary_key=True)
    secret: Mapped[str] = mapped_column(String(128))
