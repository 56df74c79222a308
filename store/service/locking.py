"""The lock's take, Close, the holders and the ticket's history in plain SQL (store/sql.py),
written once.

The service's take, close and Ok run these inside their SQLAlchemy transaction (through
plain_in, then forget what the session had loaded of the ticket); a bulk step (issue 20) runs
them in a plain transaction of its own, where taking and closing a ticket is a dozen short
statements instead of the ORM's loading, flushing and identity bookkeeping, which were most of
a bulk close's time (docs/bulk.md has the profile).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import NamedTuple

from .. import settings
from ..actors import Actor, ClientActor, StaffActor
from ..errors import LockedByOther, NotAllowed
from ..sla import step as sla_step
from ..sql import Sql, expand, utc
from ..views import LockInfo
from . import rules
from .rules import check_id, fmt_time, no_such_ticket, now


# A Close or Ok event's detail ends so when no holder is left open (store/reports counts it).
CLOSED_FOR_ALL = "; ticket closed"


class LockRow(NamedTuple):
    """What the lock's rules read of a ticket."""

    id: int
    client_id: int
    locked_by_id: int | None
    lock_token: str | None
    locked_at: datetime | None
    archived_at: datetime | None
    merged_into_id: int | None = None


def load(q: Sql, ticket_id: int) -> LockRow:
    """The ticket's lock, row-locked on PostgreSQL (SQLite's IMMEDIATE write already is)."""
    check_id(ticket_id)
    row = q.row("SELECT client_id, locked_by_id, lock_token, locked_at, archived_at, "
                "merged_into_id FROM tickets WHERE id = :t" + ("" if q.sqlite else " FOR UPDATE"),
                {"t": ticket_id})
    if row is None:
        raise no_such_ticket(ticket_id)
    return LockRow(ticket_id, row[0], row[1], row[2], utc(row[3]), utc(row[4]), row[5])


def load_visible(q: Sql, staff: StaffActor, ticket_id: int) -> LockRow:
    ticket = load(q, ticket_id)
    rules.check_visible(q, staff, ticket.id, ticket.client_id)
    return ticket


def refuse_if_merged(ticket) -> None:
    """A merged ticket's stub takes no work: it all goes to the ticket it went into."""
    if ticket.merged_into_id is not None:
        raise NotAllowed(f"Ticket #{ticket.id} was merged into #{ticket.merged_into_id}; "
                         f"open #{ticket.merged_into_id} instead.")


def refuse_if_archived(ticket) -> None:
    """An archived ticket has no open holder; it comes back when its client writes again.
    A merged ticket's stub is refused the same way. (A LockRow or the ORM's Ticket.)"""
    refuse_if_merged(ticket)
    if ticket.archived_at is not None:
        raise NotAllowed(
            f"Ticket #{ticket.id} is in the client's archive; it comes back when the client writes."
        )


def lock_sentence(q: Sql, ticket) -> str:
    login, name = q.row("SELECT login, name FROM staff WHERE id = :s", {"s": ticket.locked_by_id})
    since = fmt_time(ticket.locked_at) if ticket.locked_at else "an unknown time"
    return f"Ticket #{ticket.id} is locked by {login} ({name}) since {since}."


def require_lock(q: Sql, actor: StaffActor, ticket, token: str | None) -> None:
    """Writes under the lock re-check it in their own transaction, against the token."""
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
    raise LockedByOther(lock_sentence(q, ticket))


def in_holding_department(q: Sql, actor: StaffActor, ticket_id: int) -> bool:
    if not actor.department_ids:
        return False
    params = {"t": ticket_id}
    return bool(q.value(
        "SELECT EXISTS (SELECT 1 FROM holders WHERE ticket_id = :t AND department_id IN "
        f"({expand(params, 'd', sorted(actor.department_ids))}))", params))


def take(q: Sql, staff: StaffActor, ticket: LockRow, *, force: bool = False) -> LockInfo:
    """Makes the staff member the lock holder, responsible staff member and an open holder of a
    ticket loaded (load_visible) in this transaction.

    The lock changes hands in one compare-and-set UPDATE: it only succeeds if the lock is still
    as this transaction saw it, so two takers never both win, on either database.
    """
    refuse_if_archived(ticket)
    if ticket.locked_by_id == staff.id:
        return LockInfo(ticket.id, staff.login, ticket.lock_token, ticket.locked_at, None)
    previous, at, idle = ticket.locked_by_id, now(), False
    if previous is not None:
        timeout = settings.read(q, "lock_timeout_minutes")
        idle = bool(timeout and ticket.locked_at < at - timedelta(minutes=timeout))
        if not idle and not force:
            raise LockedByOther(lock_sentence(q, ticket) + " Take it over to reply.")
        if not idle and not (staff.is_admin or in_holding_department(q, staff, ticket.id)):
            raise NotAllowed(f"Only an administrator or a member of a department holding ticket "
                             f"#{ticket.id} can take it over; {lock_sentence(q, ticket)}")
    token = uuid.uuid4().hex
    params = {"t": ticket.id, "me": staff.id, "token": token, "at": q.db_time(at),
              "prev": previous, "prev_token": ticket.lock_token}
    seen_holder = ("locked_by_id IS NULL" if previous is None
                   else "locked_by_id = :prev AND lock_token = :prev_token")
    won = q.row("UPDATE tickets SET locked_by_id = :me, lock_token = :token, locked_at = :at, "
                f"responsible_staff_id = :me, is_open = TRUE WHERE id = :t AND {seen_holder} "
                "RETURNING locked_at", params)
    if won is None:  # cannot happen while the row lock is held; refuse rather than guess
        raise LockedByOther(f"Ticket #{ticket.id} was just taken by someone else.")
    at = utc(won[0])  # the lock's time is the database's where it keeps its own (0005)
    open_holder(q, ticket.id, at, staff_id=staff.id)
    took_from = None
    if previous is not None:
        took_from, name = q.row("SELECT login, name FROM staff WHERE id = :s", {"s": previous})
        why = "after the lock timed out" if idle else "taken over"
        system_message(q, ticket.id, f"The ticket was taken over by {staff.name} from {name} "
                                     f"({why}).", at)
    record(q, staff, ticket.id, "take", f"from {took_from}" if took_from else "", at=at)
    return LockInfo(ticket.id, staff.login, token, at, took_from)


def close(q: Sql, staff: StaffActor, ticket_id: int, at: datetime, action: str) -> None:
    """Close (action "close") or Ok ("ok") under the staff member's lock, checked by the caller:
    their holders and their departments' close (an administrator's: all), the lock is released,
    and a ticket left with no open holder waits for nobody."""
    closed = close_holders_for(q, staff, ticket_id, at)
    q.run("UPDATE tickets SET locked_by_id = NULL, lock_token = NULL, locked_at = NULL, "
          "is_open = EXISTS (SELECT 1 FROM holders WHERE ticket_id = :t AND is_open), "
          "awaiting_staff = awaiting_staff AND EXISTS (SELECT 1 FROM holders "
          "WHERE ticket_id = :t AND is_open) WHERE id = :t", {"t": ticket_id})
    detail = f"{closed} holder(s) closed"
    if not q.value("SELECT is_open FROM tickets WHERE id = :t", {"t": ticket_id}):
        detail += CLOSED_FOR_ALL  # reports: the ticket is closed, the backlog one shorter
    record(q, staff, ticket_id, action, detail, at=at)


def close_holders_for(q: Sql, actor: StaffActor, ticket_id: int, at: datetime) -> int:
    """The actor's own open holder and their departments' (an administrator's: all) close."""
    params = {"t": ticket_id, "at": q.db_time(at), "me": actor.id}
    mine = ""
    if not actor.is_admin:
        mine = " AND (staff_id = :me"
        if actor.department_ids:
            mine += f" OR department_id IN ({expand(params, 'd', sorted(actor.department_ids))})"
        mine += ")"
    return len(q.rows("UPDATE holders SET is_open = FALSE, closed_at = :at "
                      f"WHERE ticket_id = :t AND is_open{mine} RETURNING id", params))


def open_holder(q: Sql, ticket_id: int, at: datetime, *, department_id: int | None = None,
                staff_id: int | None = None) -> None:
    """The department's or staff member's holder of the ticket is open (made, or reopened);
    the caller marks the ticket open."""
    column = "department_id" if department_id is not None else "staff_id"
    q.run(f"INSERT INTO holders (ticket_id, {column}, is_open, opened_at) "
          f"VALUES (:t, :who, TRUE, :at) ON CONFLICT (ticket_id, {column}) "
          f"WHERE {column} IS NOT NULL DO UPDATE SET is_open = TRUE, "
          "opened_at = excluded.opened_at, closed_at = NULL WHERE NOT holders.is_open",
          {"t": ticket_id, "who": department_id if department_id is not None else staff_id,
           "at": q.db_time(at)})


def reopen_for_client(q: Sql, client_id: int, ticket_id: int, at: datetime, *,
                      department_id: int, responsible_staff_id: int | None) -> None:
    """A client message reopens the responsible department's holder and the responsible staff
    member's (the ticket's, as the caller read them); the caller marks the ticket open. On
    PostgreSQL a client's login may neither read nor write holders (nor read who is
    responsible), so the database does both (ticket_tui_client_wrote, migration 0004), once it
    sees the client's message written in this transaction."""
    if not q.sqlite:
        q.run("SELECT ticket_tui_client_wrote(current_user, :ticket, :client, :at)",
              {"ticket": ticket_id, "client": client_id, "at": q.db_time(at)})
        return
    open_holder(q, ticket_id, at, department_id=department_id)
    if responsible_staff_id is not None:
        open_holder(q, ticket_id, at, staff_id=responsible_staff_id)


def system_message(q: Sql, ticket_id: int, body: str, at: datetime) -> None:
    q.run("INSERT INTO messages (ticket_id, kind, body, created_at) "
          "VALUES (:t, 'system', :body, :at)", {"t": ticket_id, "body": body, "at": q.db_time(at)})


def record(q: Sql, actor: Actor | None, ticket_id: int, action: str, detail: str = "", *,
           at: datetime, activity: bool = True) -> None:
    """A line of the ticket's history. Activity moves the ticket up in All tickets and counts as
    "new" for others; the actor has seen their own change."""
    q.run("INSERT INTO ticket_events (ticket_id, staff_id, client_id, action, detail, created_at) "
          "VALUES (:t, :staff, :client, :action, :detail, :at)",
          {"t": ticket_id, "action": action, "detail": detail, "at": q.db_time(at),
           "staff": actor.id if isinstance(actor, StaffActor) else None,
           "client": actor.id if isinstance(actor, ClientActor) else None})
    sla_step.touch(q, ticket_id, at)  # its due times are refreshed before the commit
    if activity:
        q.run("UPDATE tickets SET updated_at = :at WHERE id = :t", {"t": ticket_id,
                                                                     "at": q.db_time(at)})
        if isinstance(actor, StaffActor):
            rules.mark_seen(q, actor, ticket_id, at)
