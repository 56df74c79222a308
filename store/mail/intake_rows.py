"""The rows the intake reads and writes beside a message: Message-IDs, originals, failed mail,
the sender's client, a bounce's note. Each runs in the caller's transaction, in plain SQL
(store/sql.py): the live intake's (a session's, through plain_in) or an import's batch.

On PostgreSQL the mail service's login (group ticket_tui_mail, migration 0007) writes as the
client a mail comes from: act_as names that client in the transaction, and the client's own
policies and write rules then apply to what the service code writes.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import NamedTuple

from .. import clock, validate
from ..actors import ClientActor
from ..db import Store, plain_in
from ..safe_text import printable
from ..sql import Sql, expand
from .records import MailAddress, ParsedMail

MAX_KEY = 250


class KnownId(NamedTuple):
    """A Message-ID the desk received or sent, and where it went."""

    ticket_id: int
    message_id: int | None


class MailboxRef(NamedTuple):
    id: int
    department_id: int
    department_name: str


def mail_key(message_id: str) -> str:
    """How a Message-ID is kept in mail_ids: itself, or its hash when longer than the column."""
    if len(message_id) <= MAX_KEY:
        return message_id
    return "sha256:" + hashlib.sha256(message_id.encode("utf-8", "surrogatepass")).hexdigest()


def on_postgresql(s) -> bool:
    return s.get_bind().dialect.name == "postgresql"


def is_unique_violation(error: BaseException) -> bool:
    """A unique index refused a row (sqlite3's, psycopg's or SQLAlchemy's IntegrityError):
    another delivery of the same mail, or a client made from the same sender, was first."""
    return any(kind.__name__ == "IntegrityError" for kind in type(error).__mro__)


def known_id(q: Sql, message_id: str, direction: str | None = None) -> KnownId | None:
    query = "SELECT ticket_id, message_id FROM mail_ids WHERE message_id_header = :h"
    if direction is not None:
        query += " AND direction = :d"
    row = q.row(query, {"h": mail_key(message_id), "d": direction})
    return KnownId(*row) if row else None


def mailboxes(q: Sql, addresses: list[str]) -> dict[str, MailboxRef]:
    """The desk's mailboxes among these addresses (lower case), by address."""
    if not addresses:
        return {}
    params: dict = {}
    found = q.rows("SELECT m.address, m.id, m.department_id, d.name FROM mailboxes m "
                   "JOIN departments d ON d.id = m.department_id "
                   f"WHERE m.address IN ({expand(params, 'a', addresses)})", params)
    return {address: MailboxRef(*rest) for address, *rest in found}


def ticket_client(q: Sql, ticket_id: int) -> int | None:
    """The client whose ticket this is (None: no such ticket)."""
    if not validate.is_id(ticket_id):
        return None
    if not q.sqlite:
        return q.value("SELECT ticket_tui_mail_ticket_client(current_user, :t)", {"t": ticket_id})
    return q.value("SELECT client_id FROM tickets WHERE id = :t", {"t": ticket_id})


def live_ticket(q: Sql, ticket_id: int | None) -> int | None:
    """The ticket a mail for ticket_id lands on: the one it was merged into, if it was."""
    if ticket_id is None or not validate.is_id(ticket_id):
        return ticket_id
    if not q.sqlite:
        found = q.value("SELECT ticket_tui_mail_live_ticket(current_user, :t)", {"t": ticket_id})
    else:
        found = q.value("SELECT coalesce(merged_into_id, id) FROM tickets WHERE id = :t",
                        {"t": ticket_id})
    return ticket_id if found is None else found


def client_by_id(q: Sql, client_id: int) -> ClientActor:
    return ClientActor(*q.row("SELECT id, email, name FROM clients WHERE id = :id",
                              {"id": client_id}))


def client_by_email(q: Sql, email: str) -> ClientActor | None:
    row = q.row("SELECT id, email, name FROM clients WHERE email = :e", {"e": email})
    return ClientActor(*row) if row else None


def add_client(q: Sql, sender: MailAddress, email: str) -> ClientActor:
    """An unknown sender becomes a client: the name the mail gave (else the address's local
    part), nothing else."""
    name = printable(sender.name, one_line=True)[:200] or email.partition("@")[0][:200] or email
    made = q.value(
        "INSERT INTO clients (email, name, registered_at, internal_comment, balance_cents, "
        "incidents_left) VALUES (:e, :n, :at, '', 0, 0) RETURNING id",
        {"e": email, "n": name, "at": q.db_time(clock.utcnow())})
    return ClientActor(made, email, name)


def act_as(q: Sql, client: ClientActor) -> None:
    """What follows in this transaction is written as this client (PostgreSQL's mail login)."""
    if not q.sqlite:
        q.run("SELECT set_config('ticket_tui.mail_client', :c, true)", {"c": str(client.id)})


def note_bounce(q: Sql, ticket_id: int, body: str) -> int:
    """A system message on the ticket whose mail bounced, for staff. Returns its id."""
    if not q.sqlite:
        return q.value("SELECT ticket_tui_mail_bounced(current_user, :t, :b)",
                       {"t": ticket_id, "b": body})
    at = q.db_time(clock.utcnow())
    made = q.value("INSERT INTO messages (ticket_id, kind, body, created_at) "
                   "VALUES (:t, 'system', :b, :at) RETURNING id",
                   {"t": ticket_id, "b": body[:10_000], "at": at})
    q.run("UPDATE tickets SET updated_at = :at WHERE id = :t", {"t": ticket_id, "at": at})
    return made


def record_mail(q: Sql, mail: ParsedMail, raw: bytes, *, ticket_id: int, message_id: int,
                mailbox_id: int | None, automatic_reason: str | None,
                direction: str = "in") -> None:
    """The mail's id and its original, beside the message written in this transaction: the
    unique id makes a second delivery of the same mail fail whole."""
    q.run("INSERT INTO mail_ids (message_id_header, direction, ticket_id, message_id, "
          "mailbox_id, made_up, automatic_reason, created_at) "
          "VALUES (:h, :d, :t, :m, :box, :made_up, :auto, :at)",
          {"h": mail_key(mail.message_id), "d": direction, "t": ticket_id, "m": message_id,
           "box": mailbox_id, "made_up": mail.message_id_made_up,
           "auto": automatic_reason[:200] if automatic_reason else None,
           "at": q.db_time(clock.utcnow())})
    q.run("INSERT INTO mail_originals (message_id, raw, sha256, size, sender, to_addresses, "
          "cc_addresses) VALUES (:m, :raw, :sha, :size, :sender, :to, :cc)",
          {"m": message_id, "raw": raw, "sha": hashlib.sha256(raw).hexdigest(),
           "size": len(raw), "sender": _addresses((mail.sender,) if mail.sender else ()),
           "to": _addresses(mail.to), "cc": _addresses(mail.cc)})


def _addresses(found: tuple[MailAddress, ...]) -> str:
    return ", ".join(f"{a.name} <{a.address}>" if a.name else a.address for a in found)


def store_failed(store: Store, raw: bytes, reason: str, *, source: str,
                 mailbox_id: int | None, at: datetime | None = None) -> None:
    """Keeps a mail whole as failed mail; the same bytes failing again are the same row."""
    try:
        with store.write() as s:
            q = plain_in(s)
            q.run(_FAILED, _failed_values(q, raw, reason, source, mailbox_id, at))
    except Exception as error:
        if not is_unique_violation(error):
            raise
        # these very bytes failed before: kept once


def store_failed_in(q: Sql, raw: bytes, reason: str, *, source: str,
                    mailbox_id: int | None) -> None:
    """store_failed inside the caller's transaction (the import's), in a savepoint of its own."""
    q.run("SAVEPOINT failed_mail")
    try:
        q.run(_FAILED, _failed_values(q, raw, reason, source, mailbox_id, None))
    except Exception as error:
        if not is_unique_violation(error):
            raise
        q.run("ROLLBACK TO SAVEPOINT failed_mail")  # these very bytes failed before: kept once
    q.run("RELEASE SAVEPOINT failed_mail")


# Asks nothing back (no RETURNING, no ON CONFLICT, which would read the row): the mail
# service's login may read no failed mail.
_FAILED = ("INSERT INTO failed_mail (received_at, source, mailbox_id, reason, raw, sha256, size) "
           "VALUES (:received_at, :source, :mailbox_id, :reason, :raw, :sha256, :size)")


def _failed_values(q: Sql, raw: bytes, reason: str, source: str, mailbox_id: int | None,
                   at: datetime | None) -> dict:
    return dict(received_at=q.db_time(at or clock.utcnow()), source=source,
                mailbox_id=mailbox_id, reason=reason[:2000], raw=raw,
                sha256=hashlib.sha256(raw).hexdigest(), size=len(raw))
