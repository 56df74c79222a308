"""Toolbar actions that need no lock: Assign, Delay, Summary, Favorite, Abuse, Information."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select

from .. import validate
from ..actors import Actor
from ..admin import department_by_name, staff_by_login
from ..db import Store, plain_in
from ..errors import BadInput, LockedByOther, NotAllowed, NotFound
from ..models import AbuseCase, Client, Favorite, Service
from ..views import ClientCard
from ._common import (
    check_visible, fmt_time, refuse_if_archived, load_ticket, lock_sentence, now, open_holder, record, require_staff,
)
from ._posting import system_message
from .reading import card


def assign(store: Store, actor: Actor, ticket_id: int, *, department: str | None = None,
           staff: str | None = None) -> str:
    """Redirects the ticket to a department or a staff member, who become open holders and
    responsible; the redirecting staff member keeps it open too. Returns the system message."""
    me = require_staff(actor, "assign a ticket")
    if bool(department) == bool(staff):
        raise BadInput("Assign to a department or to a staff member: give exactly one.")
    with store.write() as s:
        ticket = load_ticket(s, ticket_id)
        check_visible(s, me, ticket)
        refuse_if_archived(ticket)
        if ticket.locked_by_id not in (None, me.id):
            raise LockedByOther(lock_sentence(s, ticket) + " It can't be assigned meanwhile.")
        at = now()
        if department:
            target = department_by_name(s, department)
            open_holder(s, ticket, at, department_id=target.id)
            ticket.department_id = target.id
            name = target.name
        else:
            target = staff_by_login(s, staff)
            open_holder(s, ticket, at, staff_id=target.id)
            ticket.responsible_staff_id = target.id
            name = target.name
        open_holder(s, ticket, at, staff_id=me.id)
        text = f'The ticket has been assigned to "{name}"'
        system_message(s, ticket, text, at)
        record(s, me, ticket, "assign", name, at=at)
        return text


def delay(store: Store, actor: Actor, ticket_id: int, until: datetime | None) -> None:
    """Hides the ticket from the queue until the date (None ends the delay)."""
    me = require_staff(actor, "delay a ticket")
    at = now()
    if until is not None:
        if until.tzinfo is None:
            raise BadInput("The date needs a time zone.")
        if until <= at:
            raise BadInput(f"The date {fmt_time(until)} has passed; choose a date in the future.")
        if until > at + timedelta(days=3660):
            raise BadInput("A ticket can be delayed by ten years at most.")
    with store.write() as s:
        ticket = load_ticket(s, ticket_id)
        check_visible(s, me, ticket)
        if ticket.archived_at is not None and until is not None:
            raise NotAllowed(f"Ticket #{ticket.id} is in the archive; there is nothing to delay.")
        ticket.delayed_until = until
        record(s, me, ticket, "delay", fmt_time(until) if until else "ended", at=at)


def set_summary(store: Store, actor: Actor, ticket_id: int, text: str) -> None:
    me = require_staff(actor, "write a summary")
    text = validate.storable(text.strip(), "summary")
    if len(text) > 2000:
        raise BadInput(f"The summary is {len(text)} characters long; the limit is 2000.")
    with store.write() as s:
        ticket = load_ticket(s, ticket_id)
        check_visible(s, me, ticket)
        ticket.summary = text
        record(s, me, ticket, "summary", at=now())


def set_favorite(store: Store, actor: Actor, ticket_id: int, favorite: bool = True) -> bool:
    me = require_staff(actor, "keep favorites")
    with store.write() as s:
        ticket = load_ticket(s, ticket_id, for_write=False)
        check_visible(s, me, ticket)
        exists = s.get(Favorite, (me.id, ticket.id)) is not None
        if favorite and not exists:
            s.add(Favorite(staff_id=me.id, ticket_id=ticket.id, created_at=now()))
        elif not favorite and exists:
            s.execute(delete(Favorite).where(Favorite.staff_id == me.id, Favorite.ticket_id == ticket.id))
        return favorite


def register_abuse(store: Store, actor: Actor, ticket_id: int, kind: str, description: str) -> int:
    """Registers an abuse case linked to the ticket, its client and its service."""
    me = require_staff(actor, "register an abuse case")
    kind = validate.text_field(kind, "abuse kind", 50)
    description = validate.storable(description.strip(), "abuse description")
    if not description:
        raise BadInput("The abuse description can't be empty.")
    if len(description) > 20_000:
        raise BadInput("The abuse description is longer than 20000 characters.")
    with store.write() as s:
        ticket = load_ticket(s, ticket_id)
        check_visible(s, me, ticket)
        case = AbuseCase(ticket_id=ticket.id, client_id=ticket.client_id, service_id=ticket.service_id,
                         staff_id=me.id, kind=kind, description=description, created_at=now())
        s.add(case)
        s.flush()
        record(s, me, ticket, "abuse", f"case #{case.id}: {kind}", at=now())
        return case.id


def set_client_comment(store: Store, actor: Actor, ticket_id: int, comment: str) -> ClientCard:
    """Edits the client's internal comment from one of their tickets (staff only)."""
    me = require_staff(actor, "edit a client's internal comment")
    validate.storable(comment, "internal comment")
    if len(comment) > 10_000:
        raise BadInput("The internal comment is longer than 10000 characters.")
    with store.write() as s:
        ticket = load_ticket(s, ticket_id)
        check_visible(s, me, ticket)
        client = s.get(Client, ticket.client_id)
        if client is None:
            raise NotFound("The ticket's client no longer exists.")
        client.internal_comment = comment
        record(s, me, ticket, "client_comment", at=now(), activity=False)
        return card(plain_in(s), client.id)


def abuse_cases(store: Store, actor: Actor, ticket_id: int) -> list[tuple[int, str, str, datetime]]:
    me = require_staff(actor, "read abuse cases")
    with store.read() as s:
        check_visible(s, me, load_ticket(s, ticket_id, for_write=False))
        rows = s.scalars(select(AbuseCase).where(AbuseCase.ticket_id == ticket_id).order_by(AbuseCase.id))
        return [(r.id, r.kind, r.description, r.created_at) for r in rows]
