"""The macros table (issue 20), beside store/models.py on the same metadata (that file is at the
size limit). Whoever needs the whole schema (the migrations' environment, the schema test)
imports this module too."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base

MAX_DELAY_DAYS = 3650  # a ticket is delayed by ten years at most (store/service/actions.py)


class Macro(Base):
    """A named predefined reply plus actions, applied in one go: the reply's text first, then
    priority, internal comment, delay, assignment, and Ok (close) when asked. Scoped like a
    predefined reply: everyone (neither scope column), one department, or one staff member."""

    __tablename__ = "macros"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("reply_templates.id", ondelete="CASCADE"), index=True)
    close: Mapped[bool] = mapped_column(Boolean, default=False)
    delay_days: Mapped[int | None] = mapped_column(Integer)
    assign_department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"))
    assign_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    priority: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    __table_args__ = (
        CheckConstraint("department_id IS NULL OR staff_id IS NULL", name="one_scope"),
        CheckConstraint("assign_department_id IS NULL OR assign_staff_id IS NULL", name="one_assignee"),
        CheckConstraint(f"delay_days IS NULL OR delay_days BETWEEN 1 AND {MAX_DELAY_DAYS}",
                        name="delay_days"),
        CheckConstraint("priority IS NULL OR priority BETWEEN 1 AND 4", name="priority"),
    )
