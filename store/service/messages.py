"""The Messages action: edit a message (history kept) and split a ticket from a message."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from ..actors import Actor
from ..db import Store
from ..errors import BadInput, NotAllowed, NotFound
from ..models import Holder, Message, MessageEdit, Ticket
from ..validate import is_id
from ._common import check_visible, load_ticket, now, record, require_lock, require_staff
from ._posting import check_body, system_message


def edit_message(store: Store, actor: Actor, message_id: int, body: str, *,
                 token: str | None = None) -> None:
    """Replaces a message's text, keeping the earlier text as its history. Needs the lock."""
    me = require_staff(actor, "edit a message")
    if not body.strip():
        raise BadInput("The message can't be empty.")
    with store.write() as s:
        message = s.get(Message, message_id) if is_id(message_id) else None
        if message is None:
            raise NotFound(f"There is no message #{message_id}.")
        ticket = load_ticket(s, message.ticket_id)
        check_visible(s, me, ticket)
        require_lock(s, me, ticket, token)
        if message.kind == "system":
            raise NotAllowed("System messages can't be edited.")
        check_body(s, body)
        if body == message.body:
            return
        at = now()
        s.add(MessageEdit(message_id=message.id, previous_body=message.body, edited_by_id=me.id,
                          edited_at=at))
        s.flush()  # the history first: PostgreSQL refuses an edit that kept none (0004)
        message.body, message.edited_at = body, at
        record(s, me, ticket, "edit_message", f"message #{message.id}", at=at)


def message_history(store: Store, actor: Actor, message_id: int) -> list[tuple[str, datetime]]:
    """The earlier texts of a message, oldest first."""
    me = require_staff(actor, "read a message's history")
    with store.read() as s:
        message = s.get(Message, message_id) if is_id(message_id) else None
        if message is None:
            raise NotFound(f"There is no message #{message_id}.")
        check_visible(s, me, load_ticket(s, message.ticket_id, for_write=False))
        rows = s.scalars(select(MessageEdit).where(MessageEdit.message_id == message_id)
                         .order_by(MessageEdit.id))
        return [(r.previous_body, r.edited_at) for r in rows]


def split(store: Store, actor: Actor, ticket_id: int, from_message_id: int, *,
          token: str | None = None) -> int:
    """Moves the chosen message and all later ones to a new ticket; both get a system message
    naming the other. The new ticket is open in the responsible department. Returns its id."""
    me = require_staff(actor, "split a ticket")
    with store.write() as s:
        ticket = load_ticket(s, ticket_id)
        check_visible(s, me, ticket)
        require_lock(s, me, ticket, token)
        message = s.get(Message, from_message_id) if is_id(from_message_id) else None
        if message is None or message.ticket_id != ticket.id:
            raise NotFound(f"Ticket #{ticket.id} has no message #{from_message_id}.")
        first_id = s.scalar(select(Message.id).where(Message.ticket_id == ticket.id)
                            .order_by(Message.id).limit(1))
        if first_id == message.id:
            raise BadInput(
                f"Choose a later message: splitting from the first would leave ticket #{ticket.id} empty."
            )
        at = now()
        new = Ticket(
            client_id=ticket.client_id, subject=ticket.subject, department_id=ticket.department_id,
            service_id=ticket.service_id, priority=ticket.priority, is_open=True,
            split_from_id=ticket.id, created_at=at, updated_at=at, waiting_since=at,
        )
        s.add(new)
        s.flush()
        # The one who split keeps the new ticket open too, as with Assign: they may not be in
        # the department, and must not lose sight of the messages they just moved. (Their
        # holder comes first: on PostgreSQL a holder is written only on a ticket its writer
        # sees, and a ticket without holders is seen through the one it was split from.)
        s.add(Holder(ticket_id=new.id, staff_id=me.id, is_open=True, opened_at=at))
        s.flush()
        s.add(Holder(ticket_id=new.id, department_id=ticket.department_id, is_open=True, opened_at=at))
        # The client's unread replies are the latest staff messages; each ticket keeps its own.
        staff_ids = s.scalars(select(Message.id).where(Message.ticket_id == ticket.id,
                                                       Message.kind == "staff",
                                                       Message.held_until.is_(None))
                              .order_by(Message.id.desc()).limit(ticket.client_unread)).all()
        unread = set(staff_ids)
        s.execute(update(Message).where(Message.ticket_id == ticket.id, Message.id >= message.id)
                  .values(ticket_id=new.id).execution_options(synchronize_session=False))
        s.expire_all()
        ticket.client_unread = sum(1 for i in unread if i < message.id)
        new.client_unread = sum(1 for i in unread if i >= message.id)
        derive_waiting(s, ticket)
        derive_waiting(s, new)
        system_message(s, ticket, f"Messages from #{message.id} on were split into ticket #{new.id}.", at)
        system_message(s, new, f"This ticket was split from ticket #{ticket.id}.", at)
        record(s, me, ticket, "split", f"into #{new.id} from message #{message.id}", at=at)
        record(s, me, new, "split_from", f"#{ticket.id}", at=at)
        return new.id


def derive_waiting(s, ticket: Ticket) -> None:
    """Re-derives the waiting state from the messages a ticket now has."""
    public = s.execute(
        select(Message.kind, Message.created_at).where(
            Message.ticket_id == ticket.id, Message.kind.in_(("client", "staff"))
        ).order_by(Message.id)
    ).all()
    trailing_client = []
    for kind, created in reversed(public):
        if kind != "client":
            break
        trailing_client.append(created)
    ticket.awaiting_staff = bool(trailing_client) and ticket.is_open
    if trailing_client:
        ticket.waiting_since = trailing_client[-1]
    elif public:
        ticket.waiting_since = public[-1][1]
