"""Merge: one ticket's messages, charges, holders, favorites and seen marks go into another;
the source stays as a closed stub pointing at it (tickets.merged_into_id).

The rules, checked here for every database and again in SQL on PostgreSQL, where a staff login
may not move rows between tickets and the merge is the definer function ticket_tui_merge
(migration 0010), which makes the same moves as _move below:
- the merger holds the lock of both tickets, or is an administrator;
- both tickets are of one client, unless an administrator confirms;
- never a ticket into itself, nor a stub (either way), nor into an archived ticket;
- stubs never chain: the target's own stubs are repointed at the new target.
Moved messages and charges note the ticket they first came from (merged_from_ticket_id); edits
and attachments belong to their message and move with it. The support incidents counted on the
source stay on its stub: they were billed to its client, who may not be the target's.
The client's unread count is a count: the target's is the sum, and a later Split takes the
latest staff replies as the unread ones, as it always does. Messages keep their ids, so the
target's thread, read in id order, is in time order.
"""

from __future__ import annotations

from sqlalchemy import text

from ..actors import Actor
from ..db import Store
from ..errors import NotAllowed
from ..models import Client, Staff, Ticket
from ._common import check_visible, load_ticket, mark_seen, now, on_postgresql, record, require_staff
from ._posting import system_message
from .lock import release
from .messages import derive_waiting


def merge(store: Store, actor: Actor, source_id: int, target_id: int, *,
          confirmed: bool = False) -> int:
    """Merges ticket source_id into target_id in one transaction. confirmed: an administrator
    has confirmed merging tickets of two clients. Returns the target's id."""
    me = require_staff(actor, "merge tickets")
    if source_id == target_id:
        raise NotAllowed(f"Ticket #{source_id} can't be merged into itself.")
    with store.write() as s:
        # Row locks in id order, so two merges of the same pair never wait on each other.
        first, second = sorted((source_id, target_id))
        loaded = {first: load_ticket(s, first), second: load_ticket(s, second)}
        source, target = loaded[source_id], loaded[target_id]
        check_visible(s, me, source)
        check_visible(s, me, target)
        _check(s, me, source, target, confirmed)
        if on_postgresql(s):
            s.execute(text("SELECT ticket_tui_merge(current_user, :source, :target, :staff, "
                           ":confirmed)"), {"source": source.id, "target": target.id,
                                            "staff": me.id, "confirmed": confirmed})
            s.expire_all()
            return target.id
        at = now()
        _move(s, source, target, at)
        name = s.get(Staff, me.id).name
        system_message(s, source, f"Merged into #{target.id} by {name}.", at)
        system_message(s, target, f"Ticket #{source.id} was merged into this ticket by {name}.", at)
        record(s, me, source, "merge", f"into #{target.id}", at=at)
        record(s, me, target, "merged_from", f"#{source.id}", at=at)
        mark_seen(s, me, target.id, at)
        return target.id


def _check(s, me, source: Ticket, target: Ticket, confirmed: bool) -> None:
    for ticket in (source, target):
        if ticket.merged_into_id is not None:
            raise NotAllowed(f"Ticket #{ticket.id} was merged into #{ticket.merged_into_id} "
                             f"already; merge into #{ticket.merged_into_id} instead.")
    if target.archived_at is not None:
        raise NotAllowed(f"Ticket #{target.id} is in the client's archive; merge it into "
                         f"#{source.id} instead.")
    if not me.is_admin:
        for ticket in (source, target):
            if ticket.locked_by_id != me.id:
                raise NotAllowed(f"Merging needs the lock of both tickets; take ticket "
                                 f"#{ticket.id} first (\"Assign ticket to me\").")
    if source.client_id != target.client_id:
        if not me.is_admin:
            raise NotAllowed(f"Tickets #{source.id} and #{target.id} are of two clients; only "
                             "an administrator can merge them.")
        if not confirmed:
            a, b = s.get(Client, source.client_id), s.get(Client, target.client_id)
            raise NotAllowed(f"Tickets #{source.id} and #{target.id} are of two clients "
                             f"({a.email} and {b.email}); confirm to merge them.")


# SQLite's moves; PostgreSQL's are ticket_tui_merge's (migration 0010), statement for statement.
_MOVES = (
    "UPDATE messages SET ticket_id = :target, merged_from_ticket_id = "
    "coalesce(merged_from_ticket_id, :source) WHERE ticket_id = :source",
    "UPDATE charges SET ticket_id = :target, merged_from_ticket_id = "
    "coalesce(merged_from_ticket_id, :source) WHERE ticket_id = :source",
    # Holders: the source's join the target's (open if open in either); the stub's close.
    "INSERT INTO holders (ticket_id, department_id, staff_id, is_open, opened_at, closed_at) "
    "SELECT :target, h.department_id, h.staff_id, h.is_open, h.opened_at, h.closed_at "
    "FROM holders h WHERE h.ticket_id = :source AND NOT EXISTS (SELECT 1 FROM holders x "
    "WHERE x.ticket_id = :target AND x.department_id IS h.department_id AND x.staff_id IS h.staff_id)",
    "UPDATE holders SET is_open = 1, opened_at = (SELECT h.opened_at FROM holders h WHERE "
    "h.ticket_id = :source AND h.is_open AND h.department_id IS holders.department_id AND "
    "h.staff_id IS holders.staff_id), closed_at = NULL WHERE ticket_id = :target AND NOT is_open "
    "AND EXISTS (SELECT 1 FROM holders h WHERE h.ticket_id = :source AND h.is_open AND "
    "h.department_id IS holders.department_id AND h.staff_id IS holders.staff_id)",
    "UPDATE holders SET is_open = 0, closed_at = :at WHERE ticket_id = :source AND is_open",
    "INSERT INTO favorites (staff_id, ticket_id, created_at) SELECT staff_id, :target, created_at "
    "FROM favorites WHERE ticket_id = :source ON CONFLICT DO NOTHING",
    "DELETE FROM favorites WHERE ticket_id = :source",
    "INSERT INTO seen_marks (staff_id, ticket_id, seen_at) SELECT staff_id, :target, seen_at "
    "FROM seen_marks WHERE ticket_id = :source ON CONFLICT DO NOTHING",
    # A draft follows unless its author has one on the target already (it stays with the stub).
    "UPDATE drafts SET ticket_id = :target WHERE ticket_id = :source AND NOT EXISTS (SELECT 1 "
    "FROM drafts g WHERE g.ticket_id = :target AND g.staff_id IS drafts.staff_id AND "
    "g.client_id IS drafts.client_id)",
    "UPDATE mail_ids SET ticket_id = :target WHERE ticket_id = :source",
    "UPDATE tickets SET merged_into_id = :target WHERE merged_into_id = :source",
)


def _move(s, source: Ticket, target: Ticket, at) -> None:
    s.flush()
    params = {"source": source.id, "target": target.id, "at": at}
    for statement in _MOVES:
        s.execute(text(statement), params)
    s.expire_all()
    target.client_unread += source.client_unread
    source.merged_into_id = target.id
    source.is_open = source.awaiting_staff = source.placed_first = False
    source.delayed_until = None
    source.client_unread = 0
    release(source)
    s.flush()
    target.is_open = bool(s.scalar(text(
        "SELECT EXISTS (SELECT 1 FROM holders WHERE ticket_id = :target AND is_open)"), params))
    derive_waiting(s, target)
