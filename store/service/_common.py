"""What every ticket action shares: loading with a row lock, visibility, the lock check,
holders, events and seen marks. Actions call these inside one write transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, or_, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, load_only

from ..actors import Actor, ClientActor, StaffActor
from ..db import plain_in
from ..errors import LockedByOther, NotAllowed
from ..models import Holder, Membership, Staff, Ticket, TicketEvent
from . import rules
from .rules import (  # noqa: F401 - shared with the plain reads; the writes take them from here
    check_id, fmt_time, no_such_ticket, now, require_client, require_staff,
)


# What a client's own login role may read of a ticket (migration 0004): not the staff's side.
CLIENT_TICKET_COLUMNS = (
    Ticket.id, Ticket.client_id, Ticket.subject, Ticket.service_id, Ticket.department_id,
    Ticket.priority, Ticket.placed_first, Ticket.delayed_until, Ticket.archived_at,
    Ticket.client_unread, Ticket.incidents, Ticket.is_open, Ticket.awaiting_staff,
    Ticket.waiting_since, Ticket.created_at, Ticket.updated_at, Ticket.split_from_id,
    Ticket.merged_into_id,
)


def load_ticket(s: Session, ticket_id: int, *, for_write: bool = True,
                reader: Actor | None = None) -> Ticket:
    """The ticket, row-locked when writing (PostgreSQL; SQLite's IMMEDIATE write already is).
    For a client reader, only the columns a client may read (the rest load if asked for, where
    the database allows it)."""
    check_id(ticket_id)
    query = select(Ticket).where(Ticket.id == ticket_id)
    if isinstance(reader, ClientActor):
        query = query.options(load_only(*CLIENT_TICKET_COLUMNS))
    if for_write:
        query = query.with_for_update()
    ticket = s.scalar(query)
    if ticket is None:
        raise no_such_ticket(ticket_id)
    return ticket


def check_visible(s: Session, actor: Actor, ticket: Ticket) -> None:
    rules.check_visible(plain_in(s), actor, ticket.id, ticket.client_id)


def refuse_if_merged(ticket: Ticket) -> None:
    """A merged ticket's stub takes no work: it all goes to the ticket it went into."""
    if ticket.merged_into_id is not None:
        raise NotAllowed(f"Ticket #{ticket.id} was merged into #{ticket.merged_into_id}; "
                         f"open #{ticket.merged_into_id} instead.")


def refuse_if_archived(ticket: Ticket) -> None:
    """An archived ticket has no open holder; it comes back when its client writes again.
    A merged ticket's stub is refused the same way."""
    refuse_if_merged(ticket)
    if ticket.archived_at is not None:
        raise NotAllowed(
            f"Ticket #{ticket.id} is in the client's archive; it comes back when the client writes."
        )


def lock_sentence(s: Session, ticket: Ticket) -> str:
    holder = s.get(Staff, ticket.locked_by_id)
    since = fmt_time(ticket.locked_at) if ticket.locked_at else "an unknown time"
    return (f"Ticket #{ticket.id} is locked by {holder.login} ({holder.name}) since {since}.")


def require_lock(s: Session, actor: StaffActor, ticket: Ticket, token: str | None) -> None:
    """Writes under the lock re-check it here, in their own transaction, against the token."""
    if ticket.locked_by_id == actor.id:
        if token is None or token == ticket.lock_token:
            return
        raise LockedByOther(
            f"Your earlier lock on ticket #{ticket.id} was replaced at "
            f"{fmt_time(ticket.locked_at)}; reopen the ticket to go on."
        )
    if ticket.locked_by_id is None:
        raise NotAllowed(
            f"Ticket #{ticket.id} is not assigned to you; choose \"Assign ticket to me\" first."
        )
    raise LockedByOther(lock_sentence(s, ticket))


def holder_of(s: Session, ticket_id: int, *, department_id: int | None = None,
              staff_id: int | None = None) -> Holder | None:
    if department_id is not None:
        cond = Holder.department_id == department_id
    else:
        cond = Holder.staff_id == staff_id
    return s.scalar(select(Holder).where(Holder.ticket_id == ticket_id, cond))


def open_holder(s: Session, ticket: Ticket, at: datetime, *, department_id: int | None = None,
                staff_id: int | None = None) -> None:
    holder = holder_of(s, ticket.id, department_id=department_id, staff_id=staff_id)
    if holder is None:
        s.add(Holder(ticket_id=ticket.id, department_id=department_id, staff_id=staff_id,
                     is_open=True, opened_at=at))
    elif not holder.is_open:
        holder.is_open, holder.opened_at, holder.closed_at = True, at, None
    ticket.is_open = True


def on_postgresql(s: Session) -> bool:
    return s.get_bind().dialect.name == "postgresql"


def reopen_for_client(s: Session, client: ClientActor, ticket: Ticket, at: datetime) -> None:
    """A client message reopens the responsible department's holder and the responsible staff
    member's. On PostgreSQL a client's login may neither read nor write holders (nor read who is
    responsible), so the database does it (ticket_tui_client_wrote, migration 0004), once it
    sees the client's message written in this transaction."""
    if on_postgresql(s):
        s.execute(text("SELECT ticket_tui_client_wrote(current_user, :ticket, :client, :at)"),
                  {"ticket": ticket.id, "client": client.id, "at": at})
        return
    open_holder(s, ticket, at, department_id=ticket.department_id)
    if ticket.responsible_staff_id is not None:
        open_holder(s, ticket, at, staff_id=ticket.responsible_staff_id)


def close_holders_for(s: Session, actor: StaffActor, ticket: Ticket, at: datetime) -> int:
    """Ok / Close: the actor's own holder and their departments'; an admin's closes all."""
    query = select(Holder).where(Holder.ticket_id == ticket.id, Holder.is_open)
    if not actor.is_admin:
        mine = [Holder.staff_id == actor.id]
        if actor.department_ids:
            mine.append(Holder.department_id.in_(actor.department_ids))
        query = query.where(or_(*mine))
    closed = 0
    for holder in s.scalars(query):
        holder.is_open, holder.closed_at = False, at
        closed += 1
    s.flush()
    ticket.is_open = bool(s.scalar(select(exists().where(Holder.ticket_id == ticket.id, Holder.is_open))))
    return closed


def in_holding_department(s: Session, actor: StaffActor, ticket: Ticket) -> bool:
    if not actor.department_ids:
        return False
    return bool(s.scalar(select(exists().where(
        Holder.ticket_id == ticket.id, Holder.department_id.in_(actor.department_ids)))))


def upsert(s: Session, model, values: dict, keys: list[str], update: list[str]) -> None:
    """INSERT ... ON CONFLICT DO UPDATE on either dialect (no race between two sessions)."""
    insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(model).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=keys, set_={k: values[k] for k in update})
    s.execute(stmt)


def mark_seen(s: Session, actor: StaffActor, ticket_id: int, at: datetime) -> None:
    rules.mark_seen(plain_in(s), actor, ticket_id, at)


def record(s: Session, actor: Actor | None, ticket: Ticket, action: str, detail: str = "",
           *, at: datetime, activity: bool = True) -> None:
    """A line of the ticket's history. Activity moves the ticket up in All tickets and counts as
    "new" for others; the actor has seen their own change."""
    s.add(TicketEvent(
        ticket_id=ticket.id, action=action, detail=detail, created_at=at,
        staff_id=actor.id if isinstance(actor, StaffActor) else None,
        client_id=actor.id if isinstance(actor, ClientActor) else None,
    ))
    if activity:
        ticket.updated_at = at
        if isinstance(actor, StaffActor):
            s.flush()
            mark_seen(s, actor, ticket.id, at)


def membership_departments(s: Session, staff_id: int) -> set[int]:
    return set(s.scalars(select(Membership.department_id).where(Membership.staff_id == staff_id)))
