"""Posting messages and attachments, with the size limits of the global settings.

A message and its files are written in plain SQL (store/sql.py), once: the service's actions
call add_message through their session (plain_in), the mail intake and a history's import
(store/mail) call add_message_q in their own transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy.orm import Session

from .. import settings, validate
from ..db import plain_in
from ..errors import BadInput
from ..files import safe_file_name, too_large
from ..models import Ticket
from ..sql import Sql
from ..views import NewAttachment


class Posted(NamedTuple):
    """A message written: its ticket and its own id."""

    ticket_id: int
    id: int


def check_body(s: Session, body: str, what: str = "message") -> str:
    return check_body_q(plain_in(s), body, what)


def check_body_q(q: Sql, body: str, what: str = "message") -> str:
    limit = settings.read(q, "message_max_chars")
    if len(body) > limit:
        raise BadInput(f"The {what} is {len(body)} characters long; the limit is {limit}.")
    if "\x00" in body:
        raise BadInput(f"The {what} contains a NUL character, which can't be stored.")
    validate.storable(body, what)
    return body


def check_attachments(s: Session, files: Sequence[NewAttachment]) -> list[NewAttachment]:
    return check_attachments_q(plain_in(s), files)


def check_attachments_q(q: Sql, files: Sequence[NewAttachment]) -> list[NewAttachment]:
    if not files:
        return []
    limit = settings.read(q, "attachment_max_bytes")
    for f in files:
        if len(f.data) > limit:
            raise too_large(f.name, len(f.data), limit)
    return list(files)


def add_message(
    s: Session, ticket: Ticket, kind: str, body: str, at: datetime, *,
    staff_id: int | None = None, client_id: int | None = None,
    attachments: Sequence[NewAttachment] = (), held_until: datetime | None = None,
) -> Posted:
    return add_message_q(plain_in(s), ticket.id, kind, body, at, staff_id=staff_id,
                         client_id=client_id, attachments=attachments, held_until=held_until)


def add_message_q(
    q: Sql, ticket_id: int, kind: str, body: str, at: datetime, *,
    staff_id: int | None = None, client_id: int | None = None,
    attachments: Sequence[NewAttachment] = (), held_until: datetime | None = None,
) -> Posted:
    """The message and its files (names made safe, the claimed type a hint only)."""
    message_id = q.value(
        "INSERT INTO messages (ticket_id, kind, author_staff_id, author_client_id, body, "
        "created_at, held_until) VALUES (:t, :kind, :staff, :client, :body, :at, :held) "
        "RETURNING id",
        {"t": ticket_id, "kind": kind, "staff": staff_id, "client": client_id, "body": body,
         "at": q.db_time(at), "held": q.db_time(held_until) if held_until else None})
    for f in attachments:
        q.run("INSERT INTO attachments (message_id, name, content_type, size, sha256, data) "
              "VALUES (:m, :name, :type, :size, :sha, :data)",
              {"m": message_id, "name": safe_file_name(f.name),
               "type": _content_type(f.content_type), "size": len(f.data),
               "sha": hashlib.sha256(f.data).hexdigest(), "data": f.data})
    return Posted(ticket_id, message_id)


def system_message(s: Session, ticket: Ticket, body: str, at: datetime) -> Posted:
    return add_message(s, ticket, "system", body, at)


def _content_type(given: str | None) -> str:
    """The type a client's program claimed: kept as a hint only (never used to open the file),
    so anything unprintable in it (PostgreSQL refuses even to store a NUL) is dropped."""
    cleaned = "".join(ch for ch in (given or "") if ch.isprintable()).strip()[:127]
    return cleaned or "application/octet-stream"
