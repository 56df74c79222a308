"""The outbox: the mail the desk will send, queued in the transaction that wrote its message.

- A staff reply (Send reply, Ok; TUI or command line) on a ticket whose department has a
  mailbox is queued for the ticket's client (store.service.replies calls queue_reply). Never an
  internal comment, never a system message. A department without a mailbox sends no mail: the
  client reads the answer in the client area, as before mail.
- A new ticket that came by mail gets an acknowledgement when the setting mail_acknowledge_new
  is on (the intake calls queue_acknowledgement), unless the mail was automatic (the loop
  rules) or the sender had mail_auto_per_hour automatic mails in the last hour.
- Each row's delivery (queued, sent, failed with the server's answer) is read per message by
  deliveries(); a failed one is queued again by resend() (the operator's `mail resend`), or a
  ticket's by resend_failed_of() (a staff member who sees it: the ticket form's key).
Sending is store.mail.sending.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import and_, func, insert, or_, select, text
from sqlalchemy.orm import Session

from .. import settings
from .. import clock
from ..actors import Actor
from ..db import Store, plain_in
from ..errors import NotFound
from ..models import Client, Message, Ticket
from ..validate import is_id
from ..service.rules import check_id, check_visible, no_such_ticket, require_staff
from .marks import public_state
from .models import MailId, Mailbox, OutboxMail


class Delivery(NamedTuple):
    """What became of a message's mail: state 'queued' (also while being sent or waiting to be
    tried again), 'sent' or 'failed'; reason: the server's last answer."""

    outbox_id: int
    state: str
    reason: str
    attempts: int
    sent_at: datetime | None


class OutboxInfo(NamedTuple):
    id: int
    ticket_id: int
    message_id: int
    kind: str
    recipient: str
    state: str
    attempts: int
    not_before: datetime
    last_answer: str | None
    mail_message_id: str | None
    created_at: datetime
    sent_at: datetime | None


def mailbox_for(s: Session, ticket_id: int, department_id: int) -> Mailbox | None:
    """The address the desk writes from: the mailbox the client last wrote to about this
    ticket, else the department's first mailbox; None when the department has none."""
    last = s.scalar(select(Mailbox).join(MailId, MailId.mailbox_id == Mailbox.id)
                    .where(MailId.ticket_id == ticket_id, MailId.direction == "in",
                           Mailbox.department_id == department_id)
                    .order_by(MailId.id.desc()).limit(1))
    return last or s.scalar(select(Mailbox).where(Mailbox.department_id == department_id)
                            .order_by(Mailbox.id).limit(1))


def queue_reply(s: Session, ticket: Ticket, message_id: int, *,
                not_before: datetime | None = None) -> bool:
    """Queues the mail of a staff reply just written; False when nothing is sent (the
    department has no mailbox, or the client no email)."""
    if mailbox_for(s, ticket.id, ticket.department_id) is None:
        return False
    email = s.scalar(select(Client.email).where(Client.id == ticket.client_id))
    if not email:
        return False
    _queue(s, ticket.id, message_id, "reply", email, not_before)
    return True


def queue_acknowledgement(s: Session, ticket_id: int, message_id: int, email: str,
                          automatic_reason: str | None) -> bool:
    """Acknowledges a new ticket that came by mail (the intake's transaction), within the loop
    rules; False when none goes."""
    if automatic_reason or not settings.get(s, "mail_acknowledge_new"):
        return False
    if not under_hourly_limit(s, email):
        return False
    _queue(s, ticket_id, message_id, "acknowledgement", email, None)
    return True


def under_hourly_limit(s: Session, email: str) -> bool:
    """Whether one more automatic mail may go to this address: fewer than mail_auto_per_hour
    in the last hour, acknowledgements and the response rules' answers (a staff answer without
    an author, store/rules/actions.py) together."""
    since = clock.utcnow() - timedelta(hours=1)
    automatic = or_(OutboxMail.kind == "acknowledgement",
                    and_(Message.kind == "staff", Message.author_staff_id.is_(None)))
    sent = s.scalar(select(func.count()).select_from(OutboxMail)
                    .outerjoin(Message, Message.id == OutboxMail.message_id)
                    .where(OutboxMail.recipient == email, OutboxMail.created_at > since, automatic))
    return sent < settings.get(s, "mail_auto_per_hour")


def _queue(s: Session, ticket_id: int, message_id: int, kind: str, email: str,
           not_before: datetime | None) -> None:
    at = clock.utcnow()
    # Core's insert asks nothing back: a staff login may write the row before it can read it.
    s.execute(insert(OutboxMail).values(
        ticket_id=ticket_id, message_id=message_id, kind=kind, recipient=email, state="queued",
        attempts=0, not_before=not_before or at, created_at=at))


def deliveries(s: Session, message_ids: Iterable[int]) -> dict[int, Delivery]:
    """The delivery of each of these messages that has a mail (the thread's marks)."""
    wanted = [m for m in message_ids if is_id(m)]
    if not wanted:
        return {}
    found = s.execute(select(OutboxMail).where(OutboxMail.message_id.in_(wanted))).scalars()
    return {row.message_id: Delivery(row.id, public_state(row.state), row.last_answer or "",
                                     row.attempts, row.sent_at)
            for row in found}


def message_deliveries(store: Store, message_ids: Iterable[int]) -> dict[int, Delivery]:
    with store.read() as s:
        return deliveries(s, message_ids)


def list_outbox(store: Store, *, state: str | None = None, limit: int = 1000) -> list[OutboxInfo]:
    with store.read() as s:
        query = select(OutboxMail).order_by(OutboxMail.id.desc()).limit(limit)
        if state is not None:
            query = query.where(OutboxMail.state == state)
        return [OutboxInfo(r.id, r.ticket_id, r.message_id, r.kind, r.recipient, r.state,
                           r.attempts, r.not_before, r.last_answer, r.mail_message_id,
                           r.created_at, r.sent_at) for r in s.scalars(query)]


def resend(store: Store, outbox_id: int) -> None:
    """A failed mail queued again, to be sent at the next pass with its same Message-ID. On
    PostgreSQL the login must see its ticket (a staff member) or be the operator."""
    if not is_id(outbox_id):
        raise NotFound(f"There is no failed mail #{outbox_id} in the outbox.")
    with store.write() as s:
        if s.get_bind().dialect.name == "postgresql":
            visible = s.scalar(select(OutboxMail.state).where(OutboxMail.id == outbox_id))
            if visible != "failed":
                raise NotFound(f"There is no failed mail #{outbox_id} in the outbox.")
            s.execute(text("SELECT ticket_tui_outbox_retry(current_user, :id)"), {"id": outbox_id})
            return
        row = s.get(OutboxMail, outbox_id)
        if row is None or row.state != "failed":
            raise NotFound(f"There is no failed mail #{outbox_id} in the outbox.")
        row.state, row.attempts, row.not_before, row.lease_until = "queued", 0, clock.utcnow(), None


def resend_failed_of(store: Store, actor: Actor, ticket_id: int) -> int:
    """A staff member who sees the ticket sends its failed mail again (the ticket form's key):
    each queued again with its Message-ID, for the next pass. How many."""
    staff = require_staff(actor, "send a ticket's failed mail again")
    check_id(ticket_id)
    with store.read() as s:
        q = plain_in(s)
        client_id = q.value("SELECT client_id FROM tickets WHERE id = :t", {"t": ticket_id})
        if client_id is None:
            raise no_such_ticket(ticket_id)
        check_visible(q, staff, ticket_id, client_id)
        failed = list(s.scalars(select(OutboxMail.id).where(
            OutboxMail.ticket_id == ticket_id, OutboxMail.state == "failed")))
    for outbox_id in failed:
        resend(store, outbox_id)
    return len(failed)
