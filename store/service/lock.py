"""The lock: "Assign ticket to me", take-over, unlock, and the idle lock timeout."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import and_, update

from .. import settings
from ..actors import Actor, StaffActor
from ..db import Store
from ..errors import LockedByOther, NotAllowed
from ..models import Staff, Ticket
from ..views import LockInfo
from ._common import (
    check_visible, in_holding_department, refuse_if_archived, load_ticket, lock_sentence, now, open_holder, record,
    require_staff,
)
from ._posting import system_message


def may_take_over(s, actor: StaffActor, ticket: Ticket) -> bool:
    return actor.is_admin or in_holding_department(s, actor, ticket)


def take(store: Store, actor: Actor, ticket_id: int, *, force: bool = False) -> LockInfo:
    """Makes the actor the lock holder, responsible staff member and an open holder.

    The lock changes hands in one compare-and-set UPDATE: it only succeeds if the lock is still
    as this transaction saw it, so two takers never both win, on either database.
    """
    staff = require_staff(actor, "take a ticket")
    with store.write() as s:
        ticket = load_ticket(s, ticket_id)
        check_visible(s, staff, ticket)
        refuse_if_archived(ticket)
        at = now()
        if ticket.locked_by_id == staff.id:
            return LockInfo(ticket.id, staff.login, ticket.lock_token, ticket.locked_at, None)
        previous = ticket.locked_by_id
        timeout = settings.get(s, "lock_timeout_minutes")
        idle = bool(previous and timeout and ticket.locked_at < at - timedelta(minutes=timeout))
        if previous is not None and not idle:
            if not force:
                raise LockedByOther(lock_sentence(s, ticket) + " Take it over to reply.")
            if not may_take_over(s, staff, ticket):
                raise NotAllowed(
                    f"Only an administrator or a member of a department holding ticket "
                    f"#{ticket.id} can take it over; {lock_sentence(s, ticket)}"
                )
        token = uuid.uuid4().hex
        seen_holder = Ticket.locked_by_id.is_(None) if previous is None else and_(
            Ticket.locked_by_id == previous, Ticket.lock_token == ticket.lock_token)
        won = s.execute(
            update(Ticket).where(Ticket.id == ticket.id, seen_holder)
            .values(locked_by_id=staff.id, lock_token=token, locked_at=at,
                    responsible_staff_id=staff.id)
            .execution_options(synchronize_session=False)
        ).rowcount
        if won != 1:  # cannot happen while the row lock is held; refuse rather than guess
            raise LockedByOther(f"Ticket #{ticket.id} was just taken by someone else.")
        s.refresh(ticket)  # the lock's time is the database's where it keeps its own (0005)
        at = ticket.locked_at
        open_holder(s, ticket, at, staff_id=staff.id)
        took_from = None
        if previous is not None:
            took_from = s.get(Staff, previous).login
            why = "after the lock timed out" if idle else "taken over"
            system_message(s, ticket, f"The ticket was taken over by {staff.name} from "
                                      f"{s.get(Staff, previous).name} ({why}).", at)
        record(s, staff, ticket, "take", f"from {took_from}" if took_from else "", at=at)
        return LockInfo(ticket.id, staff.login, token, at, took_from)


def unlock(store: Store, actor: Actor, ticket_id: int) -> None:
    """An administrator releases a lock (so does its own holder)."""
    staff = require_staff(actor, "unlock a ticket")
    with store.write() as s:
        ticket = load_ticket(s, ticket_id)
        check_visible(s, staff, ticket)
        if ticket.locked_by_id is None:
            raise NotAllowed(f"Ticket #{ticket.id} is not locked.")
        if not staff.is_admin and ticket.locked_by_id != staff.id:
            raise NotAllowed(f"Only an administrator can unlock another's lock; {lock_sentence(s, ticket)}")
        holder = s.get(Staff, ticket.locked_by_id).login
        release(ticket)
        record(s, staff, ticket, "unlock", f"lock of {holder}", at=now())


def release(ticket: Ticket) -> None:
    ticket.locked_by_id = None
    ticket.lock_token = None
    ticket.locked_at = None
