"""Reading a ticket: the detail view for staff or client, which marks it seen / read."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from ..actors import Actor, ClientActor, StaffActor
from ..db import Store
from ..errors import BadInput
from ..models import (
    Attachment, Charge, Client, Department, Favorite, Holder, Message, Service, Staff, Ticket,
    TicketEvent,
)
from ..status import admin_status, client_status
from ..validate import is_id
from ..views import (
    AttachmentView, ChargeView, EventView, HolderView, MessageView, ServiceView, TicketDetail,
)
from ._common import check_visible, load_ticket, mark_seen, now, require_staff

CLIENT_KINDS = ("client", "staff")
MAX_MESSAGE_PAGE = 500


@dataclass(frozen=True)
class MessagePage:
    """Some consecutive messages of a thread, oldest first, and how many come before them."""

    messages: tuple[MessageView, ...]
    earlier: int


def show(store: Store, actor: Actor, ticket_id: int, *, last: int | None = None) -> TicketDetail:
    """The ticket as the actor may see it. Staff: marks it seen. Client: marks replies read.

    With `last`, only the thread's last `last` messages are read (a long thread opens as fast
    as a short one); messages_page() fetches the earlier ones when the reader gets there.
    """
    _check_last(last)
    with store.write() as s:
        ticket = load_ticket(s, ticket_id, for_write=False)
        check_visible(s, actor, ticket)
        if isinstance(actor, StaffActor):
            mark_seen(s, actor, ticket.id, max(now(), ticket.updated_at))
        elif ticket.client_unread:
            ticket.client_unread = 0
        return ticket_detail(s, actor, ticket, last=last)


def peek(store: Store, actor: Actor, ticket_id: int, *, last: int | None = None) -> TicketDetail:
    """The same view without marking anything (for refreshes and scripts)."""
    _check_last(last)
    with store.read() as s:
        ticket = load_ticket(s, ticket_id, for_write=False)
        check_visible(s, actor, ticket)
        return ticket_detail(s, actor, ticket, last=last)


def messages_page(store: Store, actor: Actor, ticket_id: int, *, before_id: int | None = None,
                  limit: int = 50) -> MessagePage:
    """Up to `limit` messages just before message `before_id` (the latest ones without it),
    oldest first, as the actor may see them; read by the thread's index, never the whole
    thread. `earlier` counts the visible messages before the first one returned."""
    if not 1 <= limit <= MAX_MESSAGE_PAGE:
        raise BadInput(f"A page holds 1 to {MAX_MESSAGE_PAGE} messages.")
    with store.read() as s:
        ticket = load_ticket(s, ticket_id, for_write=False)
        check_visible(s, actor, ticket)
        kinds = CLIENT_KINDS if isinstance(actor, ClientActor) else None
        messages = _messages(s, ticket.id, kinds, last=limit, before_id=before_id)
        first = messages[0].id if messages else before_id
        return MessagePage(messages, _count_before(s, ticket.id, kinds, first))


def _check_last(last: int | None) -> None:
    if last is not None and not 1 <= last <= MAX_MESSAGE_PAGE:
        raise BadInput(f"A page holds 1 to {MAX_MESSAGE_PAGE} messages.")


def _count_before(s: Session, ticket_id: int, kinds: tuple[str, ...] | None,
                  before_id: int | None) -> int:
    if before_id is None:
        return 0
    query = select(func.count()).select_from(Message).where(Message.ticket_id == ticket_id,
                                                            Message.id < before_id)
    if kinds:
        query = query.where(Message.kind.in_(kinds))
    return s.scalar(query)


def service_view(svc: Service | None) -> ServiceView | None:
    return None if svc is None else ServiceView(svc.id, svc.name, svc.kind, svc.domain)


def ticket_detail(s: Session, actor: Actor, ticket: Ticket, *, last: int | None = None) -> TicketDetail:
    is_client = isinstance(actor, ClientActor)
    client = s.get(Client, ticket.client_id)
    department = s.get(Department, ticket.department_id)
    responsible = s.get(Staff, ticket.responsible_staff_id) if ticket.responsible_staff_id else None
    locker = s.get(Staff, ticket.locked_by_id) if ticket.locked_by_id else None
    archived = ticket.archived_at is not None
    if is_client:
        status = client_status(archived, ticket.is_open, ticket.client_unread)
        favorite = False
    else:
        status = admin_status(archived, ticket.is_open)
        favorite = bool(s.scalar(select(exists().where(
            Favorite.staff_id == actor.id, Favorite.ticket_id == ticket.id))))
    return TicketDetail(
        id=ticket.id, subject=ticket.subject, status=status,
        client_email=client.email, client_name=client.name, department=department.name,
        department_per_incident=department.per_incident,
        responsible_staff=responsible.login if responsible else None,
        service=service_view(s.get(Service, ticket.service_id) if ticket.service_id else None),
        priority=ticket.priority, placed_first=ticket.placed_first,
        locked_by=locker.login if locker else None,
        locked_by_name=locker.name if locker else None,
        locked_at=ticket.locked_at,
        lock_token=ticket.lock_token if locker and not is_client and locker.id == actor.id else None,
        delayed_until=ticket.delayed_until, archived_at=ticket.archived_at,
        favorite=favorite, summary=None if is_client else ticket.summary,
        incidents=ticket.incidents, created_at=ticket.created_at, updated_at=ticket.updated_at,
        split_from=ticket.split_from_id,
        holders=() if is_client else _holders(s, ticket.id),
        messages=_messages(s, ticket.id, CLIENT_KINDS if is_client else None, last=last),
        charges=tuple(
            ChargeView(c.id, c.amount_cents, c.created_at)
            for c in s.scalars(select(Charge).where(Charge.ticket_id == ticket.id).order_by(Charge.id))
        ),
    )


def _holders(s: Session, ticket_id: int) -> tuple[HolderView, ...]:
    rows = s.execute(
        select(Holder, Department.name, Staff.name)
        .outerjoin(Department, Department.id == Holder.department_id)
        .outerjoin(Staff, Staff.id == Holder.staff_id)
        .where(Holder.ticket_id == ticket_id).order_by(Holder.id)
    ).all()
    return tuple(
        HolderView("department" if h.department_id else "staff", dname or sname, h.is_open)
        for h, dname, sname in rows
    )


def _messages(s: Session, ticket_id: int, kinds: tuple[str, ...] | None, *,
              last: int | None = None, before_id: int | None = None) -> tuple[MessageView, ...]:
    """The thread oldest first; with `last`, only its last messages (before `before_id`)."""
    query = (
        select(Message, Staff.login, Staff.name, Client.email, Client.name)
        .outerjoin(Staff, Staff.id == Message.author_staff_id)
        .outerjoin(Client, Client.id == Message.author_client_id)
        .where(Message.ticket_id == ticket_id)
    )
    if kinds:
        query = query.where(Message.kind.in_(kinds))
    if before_id is not None:
        query = query.where(Message.id < before_id)
    if last is None:
        rows = s.execute(query.order_by(Message.id)).all()
    else:  # newest first by the (ticket_id, id) index, then turned around
        rows = s.execute(query.order_by(Message.id.desc()).limit(last)).all()[::-1]
    files: dict[int, list[AttachmentView]] = defaultdict(list)
    ids = [r[0].id for r in rows]
    if ids:
        for a in s.execute(
            select(Attachment.id, Attachment.message_id, Attachment.name, Attachment.content_type,
                   Attachment.size, Attachment.sha256)
            .where(Attachment.message_id.in_(ids)).order_by(Attachment.id)
        ):
            files[a.message_id].append(AttachmentView(a.id, a.name, a.content_type, a.size, a.sha256))
    out = []
    for m, slogin, sname, cemail, cname in rows:
        if m.kind == "system":
            author, author_name = "system", "System"
        elif slogin:
            author, author_name = slogin, sname
        else:
            author, author_name = cemail or "", cname or ""
        out.append(MessageView(m.id, m.kind, author, author_name, m.body, m.created_at,
                               m.edited_at, tuple(files[m.id])))
    return tuple(out)


def attachment_data(store: Store, actor: Actor, attachment_id: int) -> tuple[AttachmentView, bytes]:
    """An attachment's bytes, if the actor may see the message it belongs to."""
    from ..errors import NotFound

    if not is_id(attachment_id):
        raise NotFound(f"There is no attachment #{attachment_id}.")
    with store.read() as s:
        row = s.execute(
            select(Attachment, Message.ticket_id, Message.kind)
            .join(Message, Message.id == Attachment.message_id).where(Attachment.id == attachment_id)
        ).first()
        if row is None:
            raise NotFound(f"There is no attachment #{attachment_id}.")
        att, ticket_id, kind = row
        check_visible(s, actor, load_ticket(s, ticket_id, for_write=False))
        if isinstance(actor, ClientActor) and kind not in CLIENT_KINDS:
            raise NotFound(f"There is no attachment #{attachment_id}.")
        return AttachmentView(att.id, att.name, att.content_type, att.size, att.sha256), att.data


def history(store: Store, actor: Actor, ticket_id: int) -> list[EventView]:
    """The ticket's events, oldest first (staff only)."""
    require_staff(actor, "read a ticket's history")
    with store.read() as s:
        check_visible(s, actor, load_ticket(s, ticket_id, for_write=False))
        rows = s.execute(
            select(TicketEvent, Staff.login, Client.email)
            .outerjoin(Staff, Staff.id == TicketEvent.staff_id)
            .outerjoin(Client, Client.id == TicketEvent.client_id)
            .where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
        ).all()
        return [EventView(e.id, e.action, login or email or "system", e.detail, e.created_at)
                for e, login, email in rows]
