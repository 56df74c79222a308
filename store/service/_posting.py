"""Posting messages and attachments, with the size limits of the global settings."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from .. import settings, validate
from ..errors import BadInput
from ..files import safe_file_name, too_large
from ..models import Attachment, Message, Ticket
from ..views import NewAttachment


def check_body(s: Session, body: str, what: str = "message") -> str:
    limit = settings.get(s, "message_max_chars")
    if len(body) > limit:
        raise BadInput(f"The {what} is {len(body)} characters long; the limit is {limit}.")
    if "\x00" in body:
        raise BadInput(f"The {what} contains a NUL character, which can't be stored.")
    validate.storable(body, what)
    return body


def check_attachments(s: Session, files: Sequence[NewAttachment]) -> list[NewAttachment]:
    limit = settings.get(s, "attachment_max_bytes")
    for f in files:
        if len(f.data) > limit:
            raise too_large(f.name, len(f.data), limit)
    return list(files)


def add_message(
    s: Session, ticket: Ticket, kind: str, body: str, at: datetime, *,
    staff_id: int | None = None, client_id: int | None = None,
    attachments: Sequence[NewAttachment] = (), held_until: datetime | None = None,
) -> Message:
    message = Message(ticket_id=ticket.id, kind=kind, body=body, created_at=at,
                      author_staff_id=staff_id, author_client_id=client_id,
                      held_until=held_until)
    s.add(message)
    s.flush()
    for f in attachments:
        s.add(Attachment(
            message_id=message.id, name=safe_file_name(f.name),
            content_type=_content_type(f.content_type),
            size=len(f.data), sha256=hashlib.sha256(f.data).hexdigest(), data=f.data,
        ))
    return message


def system_message(s: Session, ticket: Ticket, body: str, at: datetime) -> Message:
    return add_message(s, ticket, "system", body, at)


def _content_type(given: str | None) -> str:
    """The type a client's program claimed: kept as a hint only (never used to open the file),
    so anything unprintable in it (PostgreSQL refuses even to store a NUL) is dropped."""
    cleaned = "".join(ch for ch in (given or "") if ch.isprintable()).strip()[:127]
    return cleaned or "application/octet-stream"
