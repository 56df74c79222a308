"""The rows the intake reads and writes beside a message: Message-IDs, originals, failed mail,
the sender's client, a bounce's note. Each takes the caller's session (one transaction).

On PostgreSQL the mail service's login (group ticket_tui_mail, migration 0007) writes as the
client a mail comes from: act_as names that client in the transaction, and the client's own
policies and write rules then apply to what the service code writes.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import LargeBinary, bindparam, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import validate
from ..actors import ClientActor
from .. import clock
from ..db import Store
from ..models import Message, Ticket
from ..safe_text import printable
from ..types import UTCDateTime
from .models import MailId, MailOriginal
from .records import MailAddress, ParsedMail

MAX_KEY = 250


def mail_key(message_id: str) -> str:
    """How a Message-ID is kept in mail_ids: itself, or its hash when longer than the column."""
    if len(message_id) <= MAX_KEY:
        return message_id
    return "sha256:" + hashlib.sha256(message_id.encode("utf-8", "surrogatepass")).hexdigest()


def on_postgresql(s: Session) -> bool:
    return s.get_bind().dialect.name == "postgresql"


def known_id(s: Session, message_id: str, direction: str | None = None) -> MailId | None:
    query = select(MailId).where(MailId.message_id_header == mail_key(message_id))
    if direction is not None:
        query = query.where(MailId.direction == direction)
    return s.scalar(query)


def ticket_client(s: Session, ticket_id: int) -> int | None:
    """The client whose ticket this is (None: no such ticket)."""
    if not validate.is_id(ticket_id):
        return None
    if on_postgresql(s):
        return s.scalar(text("SELECT ticket_tui_mail_ticket_client(current_user, :t)"),
                        {"t": ticket_id})
    return s.scalar(select(Ticket.client_id).where(Ticket.id == ticket_id))


def live_ticket(s: Session, ticket_id: int | None) -> int | None:
    """The ticket a mail for ticket_id lands on: the one it was merged into, if it was."""
    if ticket_id is None or not validate.is_id(ticket_id):
        return ticket_id
    if on_postgresql(s):
        found = s.scalar(text("SELECT ticket_tui_mail_live_ticket(current_user, :t)"),
                         {"t": ticket_id})
    else:
        found = s.scalar(text("SELECT coalesce(merged_into_id, id) FROM tickets WHERE id = :t"),
                         {"t": ticket_id})
    return ticket_id if found is None else found


def client_by_id(s: Session, client_id: int) -> ClientActor:
    row = s.execute(text("SELECT id, email, name FROM clients WHERE id = :id"),
                    {"id": client_id}).one()
    return ClientActor(*row)


def client_by_email(s: Session, email: str) -> ClientActor | None:
    row = s.execute(text("SELECT id, email, name FROM clients WHERE email = :e"),
                    {"e": email}).first()
    return ClientActor(*row) if row else None


def add_client(s: Session, sender: MailAddress, email: str) -> ClientActor:
    """An unknown sender becomes a client: the name the mail gave (else the address's local
    part), nothing else."""
    name = printable(sender.name, one_line=True)[:200] or email.partition("@")[0][:200] or email
    made = s.execute(text(
        "INSERT INTO clients (email, name, registered_at, internal_comment, balance_cents, "
        "incidents_left) VALUES (:e, :n, :at, '', 0, 0) RETURNING id"),
        {"e": email, "n": name, "at": clock.utcnow()}).scalar_one()
    return ClientActor(made, email, name)


def act_as(s: Session, client: ClientActor) -> None:
    """What follows in this transaction is written as this client (PostgreSQL's mail login)."""
    if on_postgresql(s):
        s.execute(text("SELECT set_config('ticket_tui.mail_client', :c, true)"),
                  {"c": str(client.id)})


def note_bounce(s: Session, ticket_id: int, body: str) -> int:
    """A system message on the ticket whose mail bounced, for staff. Returns its id."""
    if on_postgresql(s):
        return s.scalar(text("SELECT ticket_tui_mail_bounced(current_user, :t, :b)"),
                        {"t": ticket_id, "b": body})
    at = clock.utcnow()
    message = Message(ticket_id=ticket_id, kind="system", body=body[:10_000], created_at=at)
    s.add(message)
    s.get(Ticket, ticket_id).updated_at = at
    s.flush()
    return message.id


def record_mail(s: Session, mail: ParsedMail, raw: bytes, *, ticket_id: int, message_id: int,
                mailbox_id: int | None, automatic_reason: str | None,
                direction: str = "in") -> None:
    """The mail's id and its original, beside the message written in this transaction: the
    unique id makes a second delivery of the same mail fail whole."""
    s.add(MailId(message_id_header=mail_key(mail.message_id), direction=direction,
                 ticket_id=ticket_id, message_id=message_id, mailbox_id=mailbox_id,
                 made_up=mail.message_id_made_up,
                 automatic_reason=automatic_reason[:200] if automatic_reason else None,
                 created_at=clock.utcnow()))
    s.add(MailOriginal(message_id=message_id, raw=raw, sha256=hashlib.sha256(raw).hexdigest(),
                       size=len(raw), sender=_addresses((mail.sender,) if mail.sender else ()),
                       to_addresses=_addresses(mail.to), cc_addresses=_addresses(mail.cc)))
    s.flush()


def _addresses(found: tuple[MailAddress, ...]) -> str:
    return ", ".join(f"{a.name} <{a.address}>" if a.name else a.address for a in found)


def store_failed(store: Store, raw: bytes, reason: str, *, source: str,
                 mailbox_id: int | None, at: datetime | None = None) -> None:
    """Keeps a mail whole as failed mail; the same bytes failing again are the same row."""
    try:
        with store.write() as s:
            s.execute(_FAILED, _failed_values(raw, reason, source, mailbox_id, at))
    except IntegrityError:
        pass  # these very bytes failed before: kept once


def store_failed_in(s: Session, raw: bytes, reason: str, *, source: str,
                    mailbox_id: int | None) -> None:
    """store_failed inside the caller's transaction (the import's), in a savepoint of its own."""
    try:
        with s.begin_nested():
            s.execute(_FAILED, _failed_values(raw, reason, source, mailbox_id, None))
    except IntegrityError:
        pass  # these very bytes failed before: kept once


# Plain SQL: the ORM's insert would ask for the new id back (RETURNING), and ON CONFLICT
# for a read of the row: the mail service's login may read no failed mail.
_FAILED = text(
    "INSERT INTO failed_mail (received_at, source, mailbox_id, reason, raw, sha256, size) "
    "VALUES (:received_at, :source, :mailbox_id, :reason, :raw, :sha256, :size)").bindparams(
    bindparam("received_at", type_=UTCDateTime()), bindparam("raw", type_=LargeBinary()))


def _failed_values(raw: bytes, reason: str, source: str, mailbox_id: int | None,
                   at: datetime | None) -> dict:
    return dict(received_at=at or clock.utcnow(), source=source, mailbox_id=mailbox_id,
                reason=reason[:2000], raw=raw, sha256=hashlib.sha256(raw).hexdigest(),
                size=len(raw))
