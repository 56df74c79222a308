"""What clients do: open a ticket, write to it, archive it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import settings, validate
from ..actors import Actor, ClientActor
from ..admin import department_by_name
from ..db import Store, plain_in
from ..errors import BadInput, NotAllowed
from ..models import Department, Service
from ..rules.hook import after_client_message
from ..status import DEFAULT_PRIORITY, parse_priority
from ..views import NewAttachment
from ._common import check_visible, load_ticket, now, record, require_client
from ._posting import Posted, check_body
from .client_posts import Department as DepartmentRef
from .client_posts import client_reply_q, open_ticket_q


def open_ticket(
    store: Store, actor: Actor, department: str | int, subject: str, body: str, *,
    service_id: int | None = None, priority: str | int | None = None,
    attachments: Sequence[NewAttachment] = (),
) -> int:
    """A client opens a ticket; it is held, open, by the department they chose. Returns its id."""
    client = require_client(actor, "open a ticket")
    subject = validate.text_field(subject, "subject", 200)
    if not body.strip():
        raise BadInput("The message can't be empty.")
    with store.write() as s:
        return open_ticket_in(s, client, department, subject, body, service_id=service_id,
                              priority=priority, attachments=attachments).ticket_id


def open_ticket_in(
    s: Session, client: ClientActor, department: str | int, subject: str, body: str, *,
    service_id: int | None = None, priority: str | int | None = None,
    attachments: Sequence[NewAttachment] = (),
) -> Posted:
    """open_ticket inside the caller's transaction; subject and body already checked as
    open_ticket does. Returns the first message. The response rules run after it (the mail
    intake, which writes its own rows first, calls open_ticket_q and runs them itself)."""
    check_body(s, body)  # bad text is refused before the department is looked up (as always)
    if isinstance(department, int):
        dept = s.get(Department, department) if validate.is_id(department) else None
        if dept is None:
            raise BadInput(f"There is no department #{department}.")
    else:
        dept = department_by_name(s, department)
    if service_id is not None:
        svc = s.get(Service, service_id) if validate.is_id(service_id) else None
        if svc is None or svc.client_id != client.id:
            raise BadInput(f"Service #{service_id} is not one of your services.")
    level = DEFAULT_PRIORITY
    if priority is not None:
        opts = settings.get_all(s)
        if not opts["use_priority"]:
            raise BadInput("Priorities are not used in tickets here.")
        if opts["staff_sets_priority"]:
            raise BadInput("The provider's staff set the priority; open the ticket without one.")
        level = parse_priority(priority)
    posted = open_ticket_q(plain_in(s), client, DepartmentRef(dept.id, dept.name), subject, body,
                           attachments, service_id=service_id, priority=level)
    after_client_message(s, posted.ticket_id, posted.id, "new")
    return posted


def client_reply(store: Store, actor: Actor, ticket_id: int, body: str,
                 attachments: Sequence[NewAttachment] = ()) -> int:
    """A client message: reopens the responsible department (and staff member), ends a delay,
    takes the ticket out of the archive. Returns the message id."""
    client = require_client(actor, "write as the client")
    if not body.strip():
        raise BadInput("The message can't be empty.")
    with store.write() as s:
        return client_reply_in(s, client, ticket_id, body, attachments).id


def client_reply_in(s: Session, client: ClientActor, ticket_id: int, body: str,
                    attachments: Sequence[NewAttachment] = ()) -> Posted:
    """client_reply inside the caller's transaction; the body already checked as client_reply
    does."""
    posted = client_reply_q(plain_in(s), client, ticket_id, body, attachments)
    after_client_message(s, posted.ticket_id, posted.id, "client-message")
    return posted


def archive(store: Store, actor: Actor, ticket_id: int) -> None:
    """The client moves a ticket to the Archive; refused while any holder is open."""
    client = require_client(actor, "archive a ticket")
    with store.write() as s:
        ticket = load_ticket(s, ticket_id, reader=client)
        check_visible(s, client, ticket)
        if ticket.archived_at is not None:
            raise NotAllowed(f"Ticket #{ticket.id} is in the archive already.")
        if ticket.is_open:
            raise NotAllowed(
                f"Ticket #{ticket.id} is In progress: support is still working on it, so it can't "
                "be archived until they close it."
            )
        at = now()
        ticket.archived_at = at
        ticket.client_unread = 0
        ticket.delayed_until = None
        record(s, client, ticket, "archived", at=at)


def my_services(store: Store, actor: Actor) -> list[tuple[int, str, str, str | None]]:
    client = require_client(actor, "list their services")
    with store.read() as s:
        rows = s.scalars(select(Service).where(Service.client_id == client.id).order_by(Service.id))
        return [(r.id, r.name, r.kind, r.domain) for r in rows]


def departments(store: Store) -> list[str]:
    with store.read() as s:
        return list(s.scalars(select(Department.name).order_by(Department.name)))
