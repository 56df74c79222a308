"""Ticket lists: the views, their orders, filters, search, and keyset pagination.

A page is fetched after (or before) the sort key of a row already shown, never with OFFSET, so
any page costs the same on a million tickets as on ten.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, literal, not_, or_, select
from sqlalchemy.orm import Session, aliased

from .. import settings
from ..actors import Actor, ClientActor, StaffActor
from ..admin import client_by_email
from ..db import Store
from ..errors import BadInput
from ..models import AbuseCase, Client, Department, Favorite, Holder, Message, SeenMark, Staff, Ticket
from ..status import admin_status, client_status
from ..views import TicketRow
from ._common import now, staff_visible

STAFF_VIEWS = ("queue", "all", "favorites", "delayed", "abuse", "archive")
CLIENT_VIEWS = ("queue", "all", "archive")  # queue and all both mean the active tickets
MAX_PAGE = 500


@dataclass(frozen=True)
class ListSpec:
    """What list to show: a view, an optional client filter (email) and search text."""

    view: str = "queue"
    client_email: str | None = None
    search: str | None = None


def _order(s: Session, actor: Actor, view: str) -> list[tuple]:
    """(column, descending) pairs, ending with the id so every key is unique."""
    if isinstance(actor, StaffActor) and view == "queue":
        cols = [(Ticket.placed_first, True)]
        if settings.get(s, "use_priority"):
            cols.append((Ticket.priority, True))
        return cols + [(Ticket.awaiting_staff, True), (Ticket.waiting_since, False), (Ticket.id, False)]
    if view == "delayed":
        return [(Ticket.delayed_until, False), (Ticket.id, False)]
    return [(Ticket.updated_at, True), (Ticket.id, True)]


def _filters(s: Session, actor: Actor, spec: ListSpec) -> list:
    at = now()
    view = spec.view
    conds: list = []
    if isinstance(actor, ClientActor):
        if view not in CLIENT_VIEWS:
            raise BadInput(f"'{view}' is not a client's view; use queue (active tickets) or archive.")
        conds.append(Ticket.client_id == actor.id)
        conds.append(Ticket.archived_at.is_not(None) if view == "archive" else Ticket.archived_at.is_(None))
    else:
        if view not in STAFF_VIEWS:
            raise BadInput(f"'{view}' is not a view; use one of: {', '.join(STAFF_VIEWS)}.")
        if view == "queue":
            conds += [Ticket.is_open,
                      or_(Ticket.delayed_until.is_(None), Ticket.delayed_until <= at)]
            if not actor.is_admin:
                mine = [Holder.staff_id == actor.id]
                if actor.department_ids:
                    mine.append(Holder.department_id.in_(actor.department_ids))
                conds.append(exists().where(Holder.ticket_id == Ticket.id, Holder.is_open, or_(*mine)))
        else:
            conds.append(staff_visible(actor))
        if view == "favorites":
            conds.append(exists().where(Favorite.ticket_id == Ticket.id, Favorite.staff_id == actor.id))
        elif view == "delayed":
            conds.append(Ticket.delayed_until > at)
        elif view == "abuse":
            conds.append(exists().where(AbuseCase.ticket_id == Ticket.id))
        elif view == "archive":
            conds.append(Ticket.archived_at.is_not(None))
    if spec.client_email:
        conds.append(Ticket.client_id == client_by_email(s, spec.client_email).id)
    if spec.search and spec.search.strip():
        pattern = "%" + _escape_like(spec.search.strip().lower()) + "%"
        body_match = exists().where(Message.ticket_id == Ticket.id,
                                    func.lower(Message.body).like(pattern, escape="\\"))
        if isinstance(actor, ClientActor):
            body_match = body_match.where(Message.kind.in_(("client", "staff")))
        conds.append(or_(func.lower(Ticket.subject).like(pattern, escape="\\"), body_match))
    return conds


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _after(order: list[tuple], key: tuple, backwards: bool):
    """Rows strictly after key in the order (or before it, when going backwards)."""
    alternatives = []
    values = [literal(v, col.type) for v, (col, _) in zip(key, order)]
    for i, (col, desc) in enumerate(order):
        later = (col < values[i]) if (desc != backwards) else (col > values[i])
        equal_before = [c == values[j] for j, (c, _) in enumerate(order[:i])]
        alternatives.append(and_(*equal_before, later))
    return or_(*alternatives)


def list_tickets(store: Store, actor: Actor, spec: ListSpec = ListSpec(), *, limit: int = 50,
                 after: tuple | None = None, before: tuple | None = None,
                 start: tuple | None = None, last: bool = False) -> list[TicketRow]:
    """One page of a view, in the view's order: after a sort key, before one, from one
    (inclusive: a refresh of rows already shown), or the view's last page."""
    if not 1 <= limit <= MAX_PAGE:
        raise BadInput(f"A page holds 1 to {MAX_PAGE} tickets.")
    with store.read() as s:
        order = _order(s, actor, spec.view)
        query = _select_rows(actor).where(*_filters(s, actor, spec))
        backwards = before is not None or last
        if after is not None:
            query = query.where(_after(order, tuple(after), False))
        if before is not None:
            query = query.where(_after(order, tuple(before), True))
        if start is not None:
            query = query.where(not_(_after(order, tuple(start), True)))
        query = query.order_by(*[
            (c.desc() if d != backwards else c.asc()) for c, d in order
        ]).limit(limit)
        rows = s.execute(query).all()
        if backwards:
            rows.reverse()
        return [_row(actor, r, order) for r in rows]


def count_tickets(store: Store, actor: Actor, spec: ListSpec = ListSpec()) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(Ticket).where(*_filters(s, actor, spec)))


def _select_rows(actor: Actor):
    locker = aliased(Staff)
    if isinstance(actor, StaffActor):
        favorite = exists().where(Favorite.ticket_id == Ticket.id, Favorite.staff_id == actor.id)
        seen = (select(SeenMark.seen_at)
                .where(SeenMark.ticket_id == Ticket.id, SeenMark.staff_id == actor.id)
                .scalar_subquery())
        new = or_(seen.is_(None), Ticket.updated_at > seen)
    else:
        favorite = literal(False)  # clients keep no favorites
        new = Ticket.client_unread > 0
    return (
        select(Ticket, Client.email, Client.name, Department.name, locker.login,
               favorite.label("favorite"), new.label("new"))
        .join(Client, Client.id == Ticket.client_id)
        .join(Department, Department.id == Ticket.department_id)
        .outerjoin(locker, locker.id == Ticket.locked_by_id)
    )


def _row(actor: Actor, r, order) -> TicketRow:
    t: Ticket = r[0]
    archived = t.archived_at is not None
    status = (client_status(archived, t.is_open, t.client_unread) if isinstance(actor, ClientActor)
              else admin_status(archived, t.is_open))
    return TicketRow(
        id=t.id, subject=t.subject, client_email=r[1], client_name=r[2], department=r[3],
        status=status, priority=t.priority, placed_first=t.placed_first, locked_by=r[4],
        locked_at=t.locked_at, delayed_until=t.delayed_until, favorite=bool(r[5]),
        new_since_seen=bool(r[6]), awaiting_staff=t.awaiting_staff, waiting_since=t.waiting_since,
        updated_at=t.updated_at, archived=archived,
        sort_key=tuple(getattr(t, col.key) for col, _ in order),
    )


def change_marker(store: Store) -> int:
    """A number that grows whenever anything changes in any ticket: a cheap "reload?" check."""
    from ..models import TicketEvent

    with store.read() as s:
        return s.scalar(select(func.coalesce(func.max(TicketEvent.id), 0)))
