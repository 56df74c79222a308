"""The response rules' tables (issue 19), beside store/models.py on the same metadata (that file
is at the size limit). Whoever needs the whole schema (the migrations' environment, the schema
test) imports this module too. Migration 0017 makes them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..models import Base, _now
from ..types import UTCDateTime

EVENTS = ("new", "client-message")


class Rule(Base):
    """A response rule: when `on_event` happens to a ticket and every condition holds, its
    actions are done (in `position` order among the rules, then "stop here" if `stop`).
    Conditions and actions are JSON objects, read and checked by store/rules/conditions.py and
    actions.py; `last_assigned_id` is the round-robin's place."""

    __tablename__ = "rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    on_event: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer)
    conditions: Mapped[str] = mapped_column(Text, default="{}")
    actions: Mapped[str] = mapped_column(Text, default="{}")
    stop: Mapped[bool] = mapped_column(Boolean, default=False)
    last_assigned_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = _now()
    __table_args__ = (CheckConstraint(f"on_event IN {EVENTS}", name="on_event"),
                      Index("ix_rules_order", "on_event", "position", "id"))


class RuleRun(Base):
    """A rule ran for this event of this ticket (the client message that was the event): once,
    whatever it did; the unique key makes a second run of the same event write nothing."""

    __tablename__ = "rule_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("rules.id", ondelete="CASCADE"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(20))
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    fired: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str] = mapped_column(Text, default="")
    ran_at: Mapped[datetime] = _now()
    __table_args__ = (UniqueConstraint("rule_id", "ticket_id", "event", "message_id", name="uq_rule_runs_once"),)


class PendingRuleRun(Base):
    """An event whose rules have not run yet (PostgreSQL: written by the database's own trigger
    when a client message is stored, worked off by the operator's `rule run`)."""

    __tablename__ = "rule_queue"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(20))
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    __table_args__ = (UniqueConstraint("message_id", "event", name="uq_rule_queue_once"),)


class StaffAway(Base):
    """A staff member who is away: the round-robin passes them by until they are back."""

    __tablename__ = "staff_away"
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    since: Mapped[datetime] = _now()
