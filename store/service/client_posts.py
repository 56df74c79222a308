"""A client's new ticket and a client's message, in plain SQL (store/sql.py), written once.

The client area (store/service/client_side.py) runs these in its session's transaction
(plain_in); the mail intake and a history's import (store/mail) in their own. Either way the
same rows: the ticket, its message and files, the holders a client message reopens
(locking.reopen_for_client), the ticket's history, and what the client's message changes on
the ticket (out of a delay, out of the archive, waiting for the staff).

On PostgreSQL a client's login (or the mail service writing as a client) reads only the
columns of a ticket that a client may (0004), and the database reopens the holders.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from ..actors import ClientActor
from ..sql import Sql, utc
from ..status import DEFAULT_PRIORITY
from ..views import NewAttachment
from . import locking, rules
from ._posting import Posted, add_message_q, check_attachments_q, check_body_q
from .locking import refuse_if_merged


class Department(NamedTuple):
    id: int
    name: str


class _ClientTicket(NamedTuple):
    """What a client's message reads of its ticket (the columns a client may read)."""

    id: int
    client_id: int
    is_open: bool
    archived_at: datetime | None
    merged_into_id: int | None
    awaiting_staff: bool
    department_id: int
    responsible_staff_id: int | None  # None on PostgreSQL, where a client may not read it


def open_ticket_q(q: Sql, client: ClientActor, department: Department, subject: str,
                  body: str, attachments: Sequence[NewAttachment] = (), *,
                  service_id: int | None = None, priority: int = DEFAULT_PRIORITY) -> Posted:
    """The client's new ticket, held, open, by the department; the subject already checked.
    Returns its first message."""
    check_body_q(q, body)
    files = check_attachments_q(q, attachments)
    at = rules.now()
    when = q.db_time(at)
    ticket_id = q.value(
        "INSERT INTO tickets (client_id, subject, summary, service_id, department_id, priority, "
        "placed_first, client_unread, incidents, is_open, awaiting_staff, waiting_since, "
        "created_at, updated_at) VALUES (:client, :subject, '', :service, :dept, :priority, "
        "FALSE, 0, 0, TRUE, TRUE, :at, :at, :at) RETURNING id",
        {"client": client.id, "subject": subject, "service": service_id, "dept": department.id,
         "priority": priority, "at": when})
    message = add_message_q(q, ticket_id, "client", body, at, client_id=client.id,
                            attachments=files)
    # held, open, by the department (the ticket is open already)
    locking.reopen_for_client(q, client.id, ticket_id, at, department_id=department.id,
                              responsible_staff_id=None)
    # activity=False: the ticket was made at this moment (updated_at is it already)
    locking.record(q, client, ticket_id, "opened", f"in {department.name}", at=at,
                   activity=False)
    return message


def client_reply_q(q: Sql, client: ClientActor, ticket_id: int, body: str,
                   attachments: Sequence[NewAttachment] = ()) -> Posted:
    """A client message on the client's ticket: reopens the responsible department (and staff
    member), ends a delay, takes the ticket out of the archive; the ticket waits for the staff."""
    ticket = _load(q, ticket_id)
    rules.check_visible(q, client, ticket.id, ticket.client_id)
    refuse_if_merged(ticket)
    check_body_q(q, body)
    files = check_attachments_q(q, attachments)
    at = rules.now()
    message = add_message_q(q, ticket.id, "client", body, at, client_id=client.id,
                            attachments=files)
    locking.reopen_for_client(q, client.id, ticket.id, at, department_id=ticket.department_id,
                              responsible_staff_id=ticket.responsible_staff_id)
    # The ticket's history below moves it up (activity) by this one UPDATE: its updated_at.
    if not ticket.is_open:  # reports count reopened tickets, and the backlog grows by one
        locking.record(q, client, ticket.id, "reopened", f"by message #{message.id}", at=at,
                       activity=False)
    changes = ["updated_at = :at", "delayed_until = NULL", "client_unread = 0"]
    if q.sqlite:  # on PostgreSQL ticket_tui_client_wrote opened it
        changes.append("is_open = TRUE")
    if ticket.archived_at is not None:
        changes.append("archived_at = NULL")
    if not ticket.awaiting_staff:
        changes.append("awaiting_staff = TRUE, waiting_since = :at")
    q.run(f"UPDATE tickets SET {', '.join(changes)} WHERE id = :t",
          {"t": ticket.id, "at": q.db_time(at)})
    if ticket.archived_at is not None:
        locking.record(q, client, ticket.id, "unarchived", "by a client message", at=at,
                       activity=False)
    locking.record(q, client, ticket.id, "client_message", f"message #{message.id}", at=at,
                   activity=False)
    return message


def _load(q: Sql, ticket_id: int) -> _ClientTicket:
    """The ticket, row-locked on PostgreSQL (SQLite's IMMEDIATE write already is)."""
    rules.check_id(ticket_id)
    staff = "responsible_staff_id" if q.sqlite else "NULL"
    row = q.row("SELECT client_id, is_open, archived_at, merged_into_id, awaiting_staff, "
                f"department_id, {staff} FROM tickets WHERE id = :t"
                + ("" if q.sqlite else " FOR UPDATE"), {"t": ticket_id})
    if row is None:
        raise rules.no_such_ticket(ticket_id)
    return _ClientTicket(ticket_id, row[0], bool(row[1]), utc(row[2]), row[3], bool(row[4]),
                         row[5], row[6])
