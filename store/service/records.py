"""A ticket's stored records, read less often: an attachment's bytes, the event history."""

from __future__ import annotations

from sqlalchemy import select

from ..actors import Actor, ClientActor
from ..db import Store
from ..models import Attachment, Client, Message, Staff, TicketEvent
from ..validate import is_id
from ..views import AttachmentView, EventView
from ._common import check_visible, load_ticket, require_staff
from .reading import CLIENT_KINDS


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
        check_visible(s, actor, load_ticket(s, ticket_id, for_write=False, reader=actor))
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
