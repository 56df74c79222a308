"""What every read and write shares and can say without SQLAlchemy: the clock, who may act,
and which tickets a staff member sees, as SQL (store/sql.py) that lists and writes both use."""

from __future__ import annotations

from datetime import datetime, timezone

from .. import clock
from ..actors import Actor, ClientActor, StaffActor
from ..errors import NotAllowed, NotFound, NotVisible
from ..sql import Sql, expand
from ..validate import is_id


def now() -> datetime:
    return clock.utcnow()


def fmt_time(t: datetime) -> str:
    """A moment as UTC, whatever zone it was given in (naive means UTC already)."""
    if t.tzinfo is not None:
        t = t.astimezone(timezone.utc)
    return t.strftime("%Y-%m-%d %H:%M UTC")


def require_staff(actor: Actor, what: str) -> StaffActor:
    if not isinstance(actor, StaffActor):
        raise NotAllowed(f"Only staff can {what}.")
    return actor


def require_client(actor: Actor, what: str) -> ClientActor:
    if not isinstance(actor, ClientActor):
        raise NotAllowed(f"Only the client can {what}.")
    return actor


def held_by(actor: StaffActor, params: dict, *, open_only: bool = False) -> str:
    """SQL: tickets.id is held by the actor or one of their departments (open holders only:
    the queue; any holder, past or present: visibility). The rule of domain.md, and of the
    row security policies of migration 0003."""
    params["me"] = actor.id
    mine = "holders.staff_id = :me"
    if actor.department_ids:
        mine += f" OR holders.department_id IN ({expand(params, 'dept', sorted(actor.department_ids))})"
    is_open = " AND holders.is_open" if open_only else ""
    return (f"EXISTS (SELECT 1 FROM holders WHERE holders.ticket_id = tickets.id{is_open} "
            f"AND ({mine}))")


def staff_visible(actor: StaffActor, params: dict) -> str:
    """SQL: the ticket is visible to this staff member (admin, a holding department, or held)."""
    return "1 = 1" if actor.is_admin else held_by(actor, params)


def no_such_ticket(ticket_id) -> NotFound:
    return NotFound(f"There is no ticket #{ticket_id}.")


def check_id(ticket_id) -> None:
    if not is_id(ticket_id):
        raise no_such_ticket(ticket_id)


def check_visible(q: Sql, actor: Actor, ticket_id: int, client_id: int) -> None:
    """Refuses a ticket the actor may not see: another client's (as if it did not exist), or
    one not held by a staff member's departments."""
    if isinstance(actor, ClientActor):
        if client_id != actor.id:
            raise no_such_ticket(ticket_id)
        return
    if actor.is_admin:
        return
    params = {"ticket": ticket_id}
    if not q.value(f"SELECT {staff_visible(actor, params)} FROM tickets WHERE tickets.id = :ticket",
                   params):
        raise NotVisible(f"Ticket #{ticket_id} is not held by your departments, so you can't see it.")


def mark_seen(q: Sql, actor: StaffActor, ticket_id: int, at: datetime) -> None:
    q.run("INSERT INTO seen_marks (staff_id, ticket_id, seen_at) VALUES (:staff, :ticket, :at) "
          "ON CONFLICT (staff_id, ticket_id) DO UPDATE SET seen_at = excluded.seen_at",
          {"staff": actor.id, "ticket": ticket_id, "at": q.db_time(at)})
