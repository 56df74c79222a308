"""The response targets' tables (issue 19, /work/wt/SLA_SPEC.md), beside store/models.py on the
same metadata (that file is at the size limit). Whoever needs the whole schema (the migrations'
environment, the schema test) imports this module too.

A department's hours: a department_hours row (its zone) with its weekly spans and holidays; no
row = always open. A policy per department, optionally per priority (0 = any). A ticket's
ticket_sla row exists once a policy applied to it: the inputs last applied, the targets in
effect, and per clock (first response, next response, resolution) its due moment or, while
paused, the business minutes left.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, SmallInteger, String,
    UniqueConstraint, text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..base import Base
from ..types import UTCDateTime
from . import ANY_PRIORITY


class DepartmentHours(Base):
    __tablename__ = "department_hours"
    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True)
    zone: Mapped[str] = mapped_column(String(64))


class DepartmentSpan(Base):
    """An open span of one weekday (0 = Monday), minutes after local midnight in the zone."""

    __tablename__ = "department_spans"
    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True)
    weekday: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    opens: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    closes: Mapped[int] = mapped_column(SmallInteger)
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("opens BETWEEN 0 AND 1439", name="opens"),
        CheckConstraint("closes BETWEEN 1 AND 1440", name="closes"),
        CheckConstraint("opens < closes", name="span"),
    )


class DepartmentHoliday(Base):
    __tablename__ = "department_holidays"
    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)


class SlaPolicy(Base):
    """Targets in business minutes; priority 0 = the department's policy for any priority."""

    __tablename__ = "sla_policies"
    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"))
    priority: Mapped[int] = mapped_column(SmallInteger, default=ANY_PRIORITY,
                                          server_default=text("0"))
    first_response: Mapped[int] = mapped_column(Integer)
    next_response: Mapped[int | None] = mapped_column(Integer)
    resolution: Mapped[int | None] = mapped_column(Integer)
    __table_args__ = (
        UniqueConstraint("department_id", "priority", name="uq_sla_policies_department_priority"),
        CheckConstraint("priority BETWEEN 0 AND 4", name="priority"),
        CheckConstraint("first_response > 0", name="first_response"),
        CheckConstraint("next_response IS NULL OR next_response > 0", name="next_response"),
        CheckConstraint("resolution IS NULL OR resolution > 0", name="resolution"),
    )


class TicketSla(Base):
    """A ticket's clocks (SLA_SPEC.md "A clock"): running = X_due set and X_left NULL; paused =
    X_left set (X_due the projection when the pause has a known end); stopped = both NULL."""

    __tablename__ = "ticket_sla"
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    # the inputs last applied
    department_id: Mapped[int | None] = mapped_column(Integer)
    priority: Mapped[int | None] = mapped_column(SmallInteger)
    is_open: Mapped[bool | None] = mapped_column(Boolean)
    awaiting_staff: Mapped[bool | None] = mapped_column(Boolean)
    delayed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    policy_id: Mapped[int | None] = mapped_column(Integer)  # the applied policy (0019), no FK
    # the targets in effect (minutes)
    first_target: Mapped[int | None] = mapped_column(Integer)
    next_target: Mapped[int | None] = mapped_column(Integer)
    resolution_target: Mapped[int | None] = mapped_column(Integer)
    first_due: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_left: Mapped[int | None] = mapped_column(Integer)
    first_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_met: Mapped[bool | None] = mapped_column(Boolean)
    next_due: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_left: Mapped[int | None] = mapped_column(Integer)
    resolution_due: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution_left: Mapped[int | None] = mapped_column(Integer)
    resolution_met: Mapped[bool | None] = mapped_column(Boolean)
    due: Mapped[datetime | None] = mapped_column(UTCDateTime())
    breached: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    breach_noted: Mapped[datetime | None] = mapped_column(UTCDateTime())
    __table_args__ = (
        Index("ix_ticket_sla_due", "due", sqlite_where=text("due IS NOT NULL"),
              postgresql_where=text("due IS NOT NULL")),
    )
