"""Setting up macros: add, list, remove (the operator's, as predefined replies are: store/admin.py).

A macro names a predefined reply and the actions that go with it; it is scoped like a
predefined reply (everyone, one department, one staff member). Its reply must be offered to
everyone the macro is for: a macro for everyone can't send one staff member's private reply.
Each function is one transaction that validates first and writes nothing when it refuses.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from . import validate
from .admin import department_by_name, staff_by_login
from .db import Store
from .errors import BadInput, Conflict, NotFound
from .macro_models import MAX_DELAY_DAYS, Macro
from .models import Department, Membership, ReplyTemplate, Staff
from .status import PRIORITIES, parse_priority
from .views import MacroView


def add_macro(
    store: Store, name: str, template: str, *, close: bool = False, delay_days: int | None = None,
    assign_department: str | None = None, assign_staff: str | None = None,
    priority: str | None = None, comment: str = "", department: str | None = None,
    staff: str | None = None,
) -> MacroView:
    name = validate.text_field(name, "macro name", 100)
    if department and staff:
        raise BadInput("A macro is for a department or for one staff member, not both.")
    if assign_department and assign_staff:
        raise BadInput("A macro assigns to a department or to a staff member, not both.")
    if delay_days is not None:
        validate.count(delay_days, "number of days to delay", minimum=1, maximum=MAX_DELAY_DAYS)
    level = parse_priority(priority) if priority is not None else None
    comment = validate.storable(comment or "", "macro's internal comment").strip()
    if len(comment) > 10_000:
        raise BadInput("The macro's internal comment is longer than 10000 characters.")
    with store.write() as s:
        if s.scalar(select(Macro.id).where(func.lower(Macro.name) == name.lower())):
            raise Conflict(f"A macro named '{name}' exists already.")
        dept = department_by_name(s, department) if department else None
        member = staff_by_login(s, staff) if staff else None
        tpl = _template_for_scope(s, template, dept, member)
        macro = Macro(
            name=name, template_id=tpl.id, close=close, delay_days=delay_days,
            assign_department_id=department_by_name(s, assign_department).id if assign_department else None,
            assign_staff_id=staff_by_login(s, assign_staff).id if assign_staff else None,
            priority=level, comment=comment, department_id=dept and dept.id,
            staff_id=member and member.id)
        s.add(macro)
        s.flush()
        return macro_views(s, Macro.id == macro.id)[0]


def _template_for_scope(s: Session, title: str, dept: Department | None,
                        member: Staff | None) -> ReplyTemplate:
    """The predefined reply of that title offered to everyone the macro is for (the narrowest
    scope first): everyone's, or the macro's department's, or the staff member's own or one of
    their departments'."""
    title = title.strip()
    scopes = [ReplyTemplate.department_id.is_(None) & ReplyTemplate.staff_id.is_(None)]
    if dept is not None:
        scopes.append(ReplyTemplate.department_id == dept.id)
    if member is not None:
        scopes.append(ReplyTemplate.staff_id == member.id)
        scopes.append(ReplyTemplate.department_id.in_(
            select(Membership.department_id).where(Membership.staff_id == member.id)))
    found = s.scalars(select(ReplyTemplate).where(
        func.lower(ReplyTemplate.title) == title.lower(), or_(*scopes))).all()
    if not found:
        raise NotFound(f"There is no predefined reply titled '{title}' for everyone this macro "
                       "is for (a macro can't hand out a narrower reply).")
    return min(found, key=lambda t: 0 if t.staff_id else 1 if t.department_id else 2)


def list_macros(store: Store) -> list[MacroView]:
    """Every macro the connection may read (on PostgreSQL, a staff login: those of its scope)."""
    with store.read() as s:
        return macro_views(s, True)


def remove_macro(store: Store, name: str) -> None:
    with store.write() as s:
        macro = s.scalar(select(Macro).where(func.lower(Macro.name) == name.strip().lower()))
        if macro is None:
            raise NotFound(f"There is no macro named '{name.strip()}'.")
        s.delete(macro)


def macro_views(s: Session, where) -> list[MacroView]:
    """The macros matching `where`, by name, with their reply and the names they refer to (got
    one by one: macros are few, and a join of four aliases cost more to build than the rows)."""
    rows = s.execute(
        select(Macro, ReplyTemplate.title, ReplyTemplate.body)
        .join(ReplyTemplate, ReplyTemplate.id == Macro.template_id)
        .where(where).order_by(Macro.name)
    ).all()

    def name(model, key: int | None, attribute: str = "name") -> str | None:
        return getattr(s.get(model, key), attribute) if key is not None else None

    out = []
    for m, title, body in rows:
        scope_dept, scope_staff = name(Department, m.department_id), name(Staff, m.staff_id, "login")
        out.append(MacroView(
            m.id, m.name, m.template_id, title, body, m.close, m.delay_days,
            name(Department, m.assign_department_id), name(Staff, m.assign_staff_id, "login"),
            PRIORITIES.get(m.priority) if m.priority else None, m.comment,
            f"department: {scope_dept}" if scope_dept else f"staff: {scope_staff}" if scope_staff else "all"))
    return out
