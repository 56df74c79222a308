"""The lock: "Assign ticket to me", take-over, unlock, and the idle lock timeout."""

from __future__ import annotations

from ..actors import Actor
from ..db import Store
from ..errors import NotAllowed
from ..models import Staff, Ticket
from ..views import LockInfo
from . import locking
from ._common import check_visible, load_ticket, lock_sentence, now, record, require_staff


def take(store: Store, actor: Actor, ticket_id: int, *, force: bool = False) -> LockInfo:
    """Makes the actor the lock holder, responsible staff member and an open holder: force
    takes over another's lock (an administrator, or a member of a holding department). The
    rule is locking.take, in one plain transaction."""
    staff = require_staff(actor, "take a ticket")
    with store.sql(write=True) as q:
        return locking.take(q, staff, locking.load_visible(q, staff, ticket_id), force=force)


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
