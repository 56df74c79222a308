"""The schema: every thing of domain.md as a typed SQLAlchemy model.

Changing a model means writing an Alembic migration under store/migrations/versions; a test
compares the migrated schema with these models on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger, Boolean, CheckConstraint, ForeignKey, Index, Integer, LargeBinary,
    SmallInteger, String, Text, text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .clock import utcnow
from .sla import models as _sla_models  # noqa: F401 - tickets.sla_policy_id's table, on Base
from .types import UTCDateTime

MESSAGE_KINDS = ("client", "staff", "internal", "system")
SERVICE_KINDS = ("domain", "vps", "hosting", "other")


def _now() -> Mapped[datetime]:
    return mapped_column(UTCDateTime(), default=utcnow, nullable=False)


def _where(condition: str) -> dict:
    """A partial index's condition, on both dialects."""
    return {"sqlite_where": text(condition), "postgresql_where": text(condition)}


class Department(Base):
    __tablename__ = "departments"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    per_incident: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = _now()


class Staff(Base):
    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = _now()


class Membership(Base):
    """A staff member's place in a department; a head may manage the department's tickets."""

    __tablename__ = "memberships"
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    is_head: Mapped[bool] = mapped_column(Boolean, default=False)


class Client(Base):
    __tablename__ = "clients"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    registered_at: Mapped[datetime] = _now()
    # Staff-only; loaded only when asked for, since a client's own database role may not read it.
    internal_comment: Mapped[str] = mapped_column(Text, default="", deferred=True)
    # Money is kept in cents: exact on both dialects, no float rounding.
    balance_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    incidents_left: Mapped[int] = mapped_column(Integer, default=0)


class ClientLogin(Base):
    """A client's own PostgreSQL login role (the shared store only; migration 0006). Its name
    says nothing of the client: every login can list the server's roles."""

    __tablename__ = "client_logins"
    role: Mapped[str] = mapped_column(String(63), primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), unique=True)


class Service(Base):
    __tablename__ = "services"
    __table_args__ = (
        CheckConstraint(f"kind IN {SERVICE_KINDS}", name="kind"),
        CheckConstraint("kind <> 'domain' OR domain IS NOT NULL", name="domain_has_name"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10), default="other")
    domain: Mapped[str | None] = mapped_column(String(253))


class Ticket(Base):
    __tablename__ = "tickets"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    subject: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("services.id", ondelete="SET NULL"), index=True
    )
    # The responsible department and staff member: a client message reopens their holders.
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    responsible_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    priority: Mapped[int] = mapped_column(SmallInteger, default=2)
    placed_first: Mapped[bool] = mapped_column(Boolean, default=False)
    delayed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # "Assign ticket to me": who holds the lock, the token of that take, and since when.
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    lock_token: Mapped[str | None] = mapped_column(String(32))
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    client_unread: Mapped[int] = mapped_column(Integer, default=0)
    incidents: Mapped[int] = mapped_column(Integer, default=0)
    # Derived from the holders (true while any is open), kept here so the queue is one index scan.
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    # True while a client message waits for a staff answer; waiting_since is when it started.
    awaiting_staff: Mapped[bool] = mapped_column(Boolean, default=True)
    waiting_since: Mapped[datetime] = _now()
    created_at: Mapped[datetime] = _now()
    updated_at: Mapped[datetime] = _now()
    split_from_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    # A merged ticket is a closed stub pointing at the ticket it went into (migration 0010).
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    # The policy a rule applied (0019, docs/sla.md); deferred: the ORM never loads it (older schemas)
    sla_policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("sla_policies.id", ondelete="SET NULL"), deferred=True)

    __table_args__ = (
        CheckConstraint("client_unread >= 0", name="client_unread"),
        CheckConstraint("incidents >= 0", name="incidents"),
        CheckConstraint("priority BETWEEN 1 AND 4", name="priority"),
        # The lock is whole or absent: holder, token and time together.
        CheckConstraint(
            "(locked_by_id IS NULL) = (lock_token IS NULL) AND (locked_by_id IS NULL) = (locked_at IS NULL)",
            name="lock_whole",
        ),
        # The queue, in its two orders (with and without priorities); only open tickets.
        Index(
            "ix_tickets_queue_priority",
            placed_first.desc(), priority.desc(), awaiting_staff.desc(), waiting_since, id,
            **_where("is_open"),
        ),
        Index(
            "ix_tickets_queue",
            placed_first.desc(), awaiting_staff.desc(), waiting_since, id, **_where("is_open"),
        ),
        # All tickets: newest activity first.
        Index("ix_tickets_activity", updated_at.desc(), id.desc()),
        Index("ix_tickets_client", client_id, updated_at.desc()),
        # Reports (0014): the tickets opened in a period; the open ones by department.
        Index("ix_tickets_created", created_at, department_id),
        Index("ix_tickets_open_department", department_id, **_where("is_open")),
        Index("ix_tickets_delayed", delayed_until, **_where("delayed_until IS NOT NULL")),
        Index("ix_tickets_locked_by", locked_by_id, **_where("locked_by_id IS NOT NULL")),
    )


class Holder(Base):
    """A department or a staff member for whom the ticket is (or was) open in the admin area."""

    __tablename__ = "holders"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    opened_at: Mapped[datetime] = _now()
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        CheckConstraint(
            "(department_id IS NULL) <> (staff_id IS NULL)", name="department_or_staff"
        ),
        CheckConstraint("is_open = (closed_at IS NULL)", name="closed_when_not_open"),
        Index("uq_holders_ticket_department", ticket_id, department_id, unique=True,
              **_where("department_id IS NOT NULL")),
        Index("uq_holders_ticket_staff", ticket_id, staff_id, unique=True,
              **_where("staff_id IS NOT NULL")),
        # Visibility: "which tickets does department D / staff S hold".
        Index("ix_holders_department", department_id, ticket_id, is_open,
              **_where("department_id IS NOT NULL")),
        Index("ix_holders_staff", staff_id, ticket_id, is_open, **_where("staff_id IS NOT NULL")),
        # "Is any holder of ticket T open?" after every Close.
        Index("ix_holders_ticket", ticket_id, is_open),
    )


class Message(Base):
    __tablename__ = "messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    author_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    author_client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = _now()
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The ticket a message was first written on, when a merge moved it (migration 0010).
    merged_from_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    # Undo send: the client (and the mail channel) sees this reply only once released (NULL).
    held_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    automatic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))  # a rule's answer (0018)
    __mapper_args__ = {"eager_defaults": False}  # INSERTs leave automatic out, as before 0018

    __table_args__ = (
        CheckConstraint(f"kind IN {MESSAGE_KINDS}", name="kind"),
        Index("ix_messages_ticket", ticket_id, id),
        Index("ix_messages_held_until", held_until, **_where("held_until IS NOT NULL")),
        # Reports (0014): the staff replies of a period; is this a ticket's first reply?
        Index("ix_messages_staff_created", created_at, ticket_id, author_staff_id,
              **_where("kind = 'staff'")),
        Index("ix_messages_staff_ticket", ticket_id, id, **_where("kind = 'staff'")),
    )


class HeldSend(Base):
    """A held reply's undo: the ticket as it was before the send (JSON of its columns and the
    holders an Ok closed), the incidents used and the internal comment sent with it."""

    __tablename__ = "held_sends"
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    internal_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    incidents_used: Mapped[int] = mapped_column(Integer)
    before: Mapped[str] = mapped_column(Text)


class MessageEdit(Base):
    """The text a message had before an edit: its history."""

    __tablename__ = "message_edits"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    previous_body: Mapped[str] = mapped_column(Text)
    edited_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    edited_at: Mapped[datetime] = _now()


class Attachment(Base):
    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Charge(Base):
    __tablename__ = "charges"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = _now()
    merged_from_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),
                      Index("ix_charges_created_at", created_at))  # reports (0014)


class AbuseCase(Base):
    __tablename__ = "abuse_cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("services.id", ondelete="SET NULL"), index=True
    )
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    kind: Mapped[str] = mapped_column(String(50))
    description: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = _now()


class Favorite(Base):
    __tablename__ = "favorites"
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = _now()


class SeenMark(Base):
    """When a staff member last looked at a ticket: what came after is "new since I looked"."""

    __tablename__ = "seen_marks"
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    seen_at: Mapped[datetime] = _now()


class Draft(Base):
    """An unsent reply, saved as it is typed; one per author and ticket."""

    __tablename__ = "drafts"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text, default="")
    internal_comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = _now()

    __table_args__ = (
        CheckConstraint("(staff_id IS NULL) <> (client_id IS NULL)", name="staff_or_client"),
        Index("uq_drafts_staff_ticket", staff_id, ticket_id, unique=True,
              **_where("staff_id IS NOT NULL")),
        Index("uq_drafts_client_ticket", client_id, ticket_id, unique=True,
              **_where("client_id IS NOT NULL")),
    )


class ReplyTemplate(Base):
    """A predefined reply, offered to everyone, to one department or to one staff member."""

    __tablename__ = "reply_templates"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), index=True
    )
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), index=True
    )
    __table_args__ = (
        CheckConstraint("department_id IS NULL OR staff_id IS NULL", name="one_scope"),
    )


class Setting(Base):
    """A global setting; the value is JSON text, typed and validated by store.settings."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(63), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class StaffSetting(Base):
    __tablename__ = "staff_settings"
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(63), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class TicketEvent(Base):
    """One line of a ticket's history: who did what, when."""

    __tablename__ = "ticket_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = _now()
    __table_args__ = (Index("ix_ticket_events_ticket", ticket_id, id),
                      Index("ix_ticket_events_action", action, created_at))  # reports (0014)


class MessageRating(Base):
    """A client's rating of a staff reply on their ticket, one per reply (migration 0014)."""

    __tablename__ = "message_ratings"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    good: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[datetime] = _now()
    __table_args__ = (CheckConstraint("length(comment) <= 1000", name="comment_length"),
                      Index("ix_message_ratings_rated_at", rated_at))
