"""Drafts (an unsent reply is never lost) and predefined replies with variables."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..actors import Actor, ClientActor, StaffActor
from ..db import Store
from ..errors import NotFound
from ..models import Client, Department, Draft, ReplyTemplate, Service, Staff, Ticket
from ..views import TemplateView
from ._common import check_visible, load_ticket, now
from ._posting import check_body
from .variables import Expansion, expand, refuse_problems


def _owner(actor: Actor) -> dict:
    if isinstance(actor, StaffActor):
        return {"staff_id": actor.id, "client_id": None}
    return {"staff_id": None, "client_id": actor.id}


def save_draft(store: Store, actor: Actor, ticket_id: int, body: str, internal_comment: str = "") -> None:
    """Saves (or, when both texts are empty, drops) the actor's draft for the ticket."""
    with store.write() as s:
        ticket = load_ticket(s, ticket_id, for_write=False, reader=actor)
        check_visible(s, actor, ticket)
        check_body(s, body, "draft")
        check_body(s, internal_comment, "draft's internal comment")
        owner = _owner(actor)
        key = "staff_id" if owner["staff_id"] else "client_id"
        existing = s.scalar(select(Draft).where(Draft.ticket_id == ticket.id,
                                                getattr(Draft, key) == owner[key]))
        if not body and not internal_comment:
            if existing is not None:
                s.delete(existing)
            return
        if isinstance(actor, ClientActor):
            internal_comment = ""
        values = {"ticket_id": ticket.id, **owner, "body": body,
                  "internal_comment": internal_comment, "updated_at": now()}
        if existing is None:
            s.add(Draft(**values))
        else:
            existing.body, existing.internal_comment = body, internal_comment
            existing.updated_at = values["updated_at"]


def drop_draft(store: Store, actor: Actor, ticket_id: int) -> None:
    save_draft(store, actor, ticket_id, "", "")


def templates_for(store: Store, actor: StaffActor) -> list[TemplateView]:
    """Predefined replies offered to this staff member: everyone's, their departments', theirs."""
    with store.read() as s:
        scopes = [(ReplyTemplate.department_id.is_(None) & ReplyTemplate.staff_id.is_(None)),
                  ReplyTemplate.staff_id == actor.id]
        if actor.department_ids:
            scopes.append(ReplyTemplate.department_id.in_(actor.department_ids))
        rows = s.execute(
            select(ReplyTemplate, Department.name, Staff.login)
            .outerjoin(Department, Department.id == ReplyTemplate.department_id)
            .outerjoin(Staff, Staff.id == ReplyTemplate.staff_id)
            .where(or_(*scopes)).order_by(ReplyTemplate.title, ReplyTemplate.id)
        ).all()
        out = []
        for tpl, dept, login in rows:
            scope = f"department: {dept}" if dept else f"staff: {login}" if login else "all"
            out.append(TemplateView(tpl.id, tpl.title, tpl.body, scope))
        return out


def expand_template(store: Store, actor: StaffActor, template_id: int, ticket_id: int) -> Expansion:
    """The predefined reply's text with its variables filled in for this ticket (store/service/
    variables.py); the variables that could not be filled in are listed, left in their braces."""
    offered = {t.id: t for t in templates_for(store, actor)}
    if template_id not in offered:
        raise NotFound(f"There is no predefined reply #{template_id} for you.")
    with store.read() as s:
        ticket = load_ticket(s, ticket_id, for_write=False)
        check_visible(s, actor, ticket)
        return expand(offered[template_id].body, ticket_values(s, actor, ticket))


def render_template(store: Store, actor: StaffActor, template_id: int, ticket_id: int) -> str:
    """The text to send: refused, naming them, when a variable is unknown or empty here."""
    return refuse_problems(expand_template(store, actor, template_id, ticket_id))


def template_by_title(store: Store, actor: StaffActor, title: str) -> int:
    """The predefined reply of that title offered to the staff member (theirs first, then their
    departments', then everyone's, as the narrowest scope is the most meant)."""
    offered = [t for t in templates_for(store, actor) if t.title.strip().lower() == title.strip().lower()]
    if not offered:
        raise NotFound(f"There is no predefined reply titled '{title.strip()}' for you.")
    rank = {"staff": 0, "department": 1}
    return min(offered, key=lambda t: rank.get(t.scope.split(":")[0], 2)).id


def ticket_values(s: Session, staff: StaffActor, ticket: Ticket) -> dict[str, str]:
    """Every variable's value for this ticket and staff member ("" where there is none)."""
    client = s.get(Client, ticket.client_id)
    department = s.get(Department, ticket.department_id)
    service = s.get(Service, ticket.service_id) if ticket.service_id is not None else None
    return {
        "client.name": client.name if client else "", "client.email": client.email if client else "",
        "ticket.id": str(ticket.id), "ticket.subject": ticket.subject, "staff.name": staff.name,
        "department.name": department.name if department else "",
        "service.name": service.name if service else "",
        "service.domain": (service.domain or "") if service else "",
    }
