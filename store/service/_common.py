"""What every ticket action shares: loading with a row lock, visibility, the lock check,
holders, events and seen marks. Actions call these inside one write transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, load_only
from sqlalchemy.orm.attributes import set_committed_value

from ..actors import Actor, ClientActor, StaffActor
from ..db import plain_in
from ..models import Holder, Membership, Ticket
from . import locking, rules
from .locking import refuse_if_archived, refuse_if_merged  # noqa: F401 - the writes use them
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


def lock_sentence(s: Session, ticket: Ticket) -> str:
    return locking.lock_sentence(plain_in(s), ticket)


def require_lock(s: Session, actor: StaffActor, ticket: Ticket, token: str | None) -> None:
    """Writes under the lock re-check it here, in their own transaction, against the token."""
    locking.require_lock(plain_in(s), actor, ticket, token)


def open_holder(s: Session, ticket: Ticket, at: datetime, *, department_id: int | None = None,
                staff_id: int | None = None) -> None:
    locking.open_holder(plain_in(s), ticket.id, at, department_id=department_id, staff_id=staff_id)
    for loaded in list(s.identity_map.values()):  # what the session holds of them is stale now
        if isinstance(loaded, Holder) and loaded.ticket_id == ticket.id:
            s.expire(loaded)
    ticket.is_open = True


def on_postgresql(s: Session) -> bool:
    return s.get_bind().dialect.name == "postgresql"


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
    """A line of the ticket's history (locking.record); the loaded ticket learns its new
    updated_at without reading it back."""
    locking.record(plain_in(s), actor, ticket.id, action, detail, at=at, activity=activity)
    if activity:
        set_committed_value(ticket, "updated_at", at)


def membership_departments(s: Session, staff_id: int) -> set[int]:
    return set(s.scalars(select(Membership.department_id).where(Membership.staff_id == staff_id)))
