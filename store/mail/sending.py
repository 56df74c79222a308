"""Sending the outbox: one pass (`mail send`, and `mail watch` between its fetches).

Each mail is claimed in a transaction of its own: the row becomes 'sending' with a lease, and
its Message-ID is fixed then (signed with the desk's secret, store.mail.signing). Several
senders may run at once: on PostgreSQL the claim skips rows another sender holds (FOR UPDATE
SKIP LOCKED); on SQLite the claim is one IMMEDIATE write transaction, so two can't take the same
row. Then the mail goes to the SMTP server, and a second transaction marks it sent and records
its Message-ID (mail_ids, direction 'out': answers thread back, and the desk's own mail coming
back is a duplicate).

A sender killed after the server took the mail and before the mark leaves the row 'sending':
when its lease ends, a later pass sends it again with the same Message-ID. So delivery is at
least once, and a second copy is the same message to the client's mail program (same
Message-ID), which shows it once. Never lost.

A temporary failure (no connection, a timeout, a 4xx answer) puts the row back with a back-off
(1, 2, 4 ... minutes, at most an hour); after MAX_ATTEMPTS tries it is failed. A permanent one
(5xx) fails it at once, with the server's answer; resend() queues it again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import bindparam, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from .. import settings
from ..actors import ClientActor
from .. import clock
from ..db import Store, plain_in
from ..errors import BadInput, StoreError
from ..models import Attachment, Client, Department, Message, Ticket
from ..service.held_release import release_due
from ..types import UTCDateTime
from .compose import Reply, compose_reply
from .intake_rows import act_as, on_postgresql, ticket_client
from .models import MailId, OutboxMail
from .outbox import mailbox_for
from .records import MailAddress, MailAttachment, OutgoingMail
from .secret import secret_in
from .smtp import PermanentFailure, SmtpConnection, TemporaryFailure, smtp_password
from .smtp_url import parse_smtp_url

NOT_RELEASED = "not released yet"  # a held reply (undo send) its client can't read yet
NOT_RELEASED_WAIT = timedelta(seconds=5)
LEASE = timedelta(minutes=10)  # a claim older than this is a dead sender's: send again
MAX_ATTEMPTS = 30  # with the back-off, more than a day of temporary failures
MAX_BACKOFF = timedelta(hours=1)
MAX_REFERENCES = 19
ACKNOWLEDGEMENT = (
    "Thank you for your mail. It is now ticket #{ticket}, and we will answer it here.\n\n"
    "To add to it, answer this mail (keep [#{ticket}] in the subject).\n")

_DUE = ("(state = 'queued' AND not_before <= :now) "
        "OR (state = 'sending' AND lease_until <= :now)")


class SendSummary(NamedTuple):
    sent: int = 0
    retrying: int = 0
    failed: int = 0


class _Claimed(NamedTuple):
    outbox_id: int
    attempts: int
    mail: OutgoingMail | None
    problem: str = ""  # why it can't be composed: failed at once


def backoff(attempts: int) -> timedelta:
    """The wait after the attempts-th temporary failure."""
    return min(timedelta(minutes=2 ** min(attempts - 1, 10)), MAX_BACKOFF)


def send_pass(store: Store, *, password_file: str | None = None, now: datetime | None = None,
              limit: int | None = None, report: Callable[[str], None] | None = None,
              connection: SmtpConnection | None = None) -> SendSummary:
    """Sends every mail that is due (at most `limit`); `now` is the moment the pass counts as
    (a test's clock; else the real one); `report` gets one line per mail (`mail watch`'s log).
    `connection`: where the mails go (anything with SmtpConnection's send and close: the
    demo's post office); else the smtp_url setting's server, BadInput when none is set."""
    tell = report or (lambda line: None)
    if connection is None:
        with store.sql() as q:
            url = settings.read(q, "smtp_url")
        if not url:
            raise BadInput("No SMTP server is set: `ticket-tui settings set smtp_url smtp://host:port`.")
        connection = SmtpConnection(parse_smtp_url(url), smtp_password(password_file))
    sent = retrying = failed = 0
    release_due(store)  # undo send: the replies whose time has come, readable by their clients
    try:
        while limit is None or sent + retrying + failed < limit:
            at = now or clock.utcnow()
            claimed = claim(store, at)
            if claimed is None:
                break
            mail = f"mail #{claimed.outbox_id}"
            if claimed.problem == NOT_RELEASED:
                continue  # back in the queue a moment later: never sent without its text
            if claimed.mail is None:
                tell(f"{mail} failed: {claimed.problem}")
                failed += 1
                continue
            try:
                answer = connection.send(claimed.mail)
            except PermanentFailure as error:
                _mark_failed(store, claimed.outbox_id, str(error))
                tell(f"{mail} failed: {error}")
                failed += 1
            except TemporaryFailure as error:
                if _mark_retry(store, claimed, str(error), at):
                    tell(f"{mail} will be tried again in {backoff(claimed.attempts)}: {error}")
                    retrying += 1
                else:
                    tell(f"{mail} failed after {claimed.attempts} tries: {error}")
                    failed += 1
            else:
                mark_sent(store, claimed.outbox_id, answer, at)
                tell(f"{mail} sent to {', '.join(claimed.mail.recipients)}")
                sent += 1
    finally:
        connection.close()
    return SendSummary(sent, retrying, failed)


def claim(store: Store, at: datetime) -> _Claimed | None:
    """Takes the next due mail: 'sending' under a lease, its Message-ID fixed; composed."""
    with store.write() as s:
        lock = " FOR UPDATE SKIP LOCKED" if on_postgresql(s) else ""
        found = s.execute(text(f"SELECT id FROM outbox WHERE {_DUE} ORDER BY not_before, id "
                               f"LIMIT 1{lock}").bindparams(_moment("now")), {"now": at}).scalar()
        if found is None:
            return None
        row = s.get(OutboxMail, found)
        row.state, row.attempts, row.lease_until = "sending", row.attempts + 1, at + LEASE
        try:
            mail = _compose(s, row)
        except _NotReleased:
            row.state, row.attempts, row.lease_until = "queued", row.attempts - 1, None
            row.not_before = at + NOT_RELEASED_WAIT
            return _Claimed(row.id, row.attempts, None, NOT_RELEASED)
        except (BadInput, ValueError) as error:  # the mail can't be made: its one sentence
            problem = str(error)
        except (DBAPIError, StoreError):
            raise  # the database's trouble, not this mail's: nothing claimed, try again later
        except Exception as error:  # noqa: BLE001 - one mail that can't be made never stalls the rest
            problem = f"The mail could not be made ({type(error).__name__}: {error})."
        else:
            row.mail_message_id = mail.message_id.strip("<>")
            return _Claimed(row.id, row.attempts, mail)
        row.state, row.lease_until, row.last_answer = "failed", None, problem[:1000]
        return _Claimed(row.id, row.attempts, None, problem)


class _NotReleased(Exception):
    """The reply is held (undo send) and not released: its client may not read it yet."""


def _moment(name: str):
    return bindparam(name, type_=UTCDateTime())


def _compose(s: Session, row: OutboxMail) -> OutgoingMail:
    """The mail of this row, from what its client can read of the ticket (on PostgreSQL the
    mail service reads it acting as that client)."""
    client_id = ticket_client(plain_in(s), row.ticket_id)
    client = s.execute(select(Client.id, Client.email, Client.name).where(Client.id == client_id)).one()
    act_as(plain_in(s), ClientActor(*client))
    ticket = s.execute(select(Ticket.subject, Ticket.department_id)
                       .where(Ticket.id == row.ticket_id)).one()
    box = mailbox_for(s, row.ticket_id, ticket.department_id)
    if box is None:
        raise BadInput("The ticket's department has no mailbox to send from.")
    department = s.scalar(select(Department.name).where(Department.id == ticket.department_id))
    in_reply_to, references = _threading(
        s, row.ticket_id, row.message_id if row.kind == "acknowledgement" else None)
    automatic = row.kind == "acknowledgement"
    if automatic:
        body, files = ACKNOWLEDGEMENT.format(ticket=row.ticket_id), ()
    else:
        found = s.execute(select(Message.body, Message.automatic)
                          .where(Message.id == row.message_id)).first()
        if found is None:  # on PostgreSQL its client (whom the sender acts as) can't read it yet
            raise _NotReleased
        body, automatic = found  # the response rules' answer (store/rules/actions.py)
        files = tuple(MailAttachment(a.name, a.content_type, bytes(a.data)) for a in s.execute(
            select(Attachment.name, Attachment.content_type, Attachment.data)
            .where(Attachment.message_id == row.message_id).order_by(Attachment.id)))
    secret = secret_in(s)
    if not secret:
        raise BadInput("The desk has no mail secret to sign its Message-IDs with.")
    reply = Reply(row.ticket_id, row.message_id, MailAddress(box.address, department or ""),
                  MailAddress(row.recipient, client.name), ticket.subject, body or "",
                  in_reply_to, references, files, automatic=automatic)
    return compose_reply(reply, secret=secret, message_id=row.mail_message_id)


def _threading(s: Session, ticket_id: int, answered: int | None) -> tuple[str, tuple[str, ...]]:
    """In-Reply-To: the client's last mail on the ticket (an acknowledgement: the mail it
    acknowledges); References: the ticket's mail before it, oldest first (ids the desk made up
    for mail without one are no real ids)."""
    ids = s.execute(select(MailId.message_id_header, MailId.direction, MailId.message_id)
                    .where(MailId.ticket_id == ticket_id, MailId.made_up.is_(False))
                    .order_by(MailId.id)).all()
    if answered is not None:
        ids = ids[:next((n + 1 for n, found in enumerate(ids) if found[2] == answered), 0)]
    last_in = next((found for found, direction, _ in reversed(ids) if direction == "in"), "")
    earlier = [found for found, _, _ in ids if found != last_in and not found.startswith("sha256:")]
    return last_in, tuple(earlier[-MAX_REFERENCES:])


def mark_sent(store: Store, outbox_id: int, answer: str, at: datetime) -> None:
    with store.write() as s:
        row = s.get(OutboxMail, outbox_id)
        if row.state != "sent":
            row.state, row.sent_at, row.lease_until, row.last_answer = "sent", at, None, answer
        # ON CONFLICT: a resend after a lost mark finds its id recorded (or being recorded).
        s.execute(text(
            "INSERT INTO mail_ids (message_id_header, direction, ticket_id, message_id, made_up, "
            "created_at) VALUES (:h, 'out', :t, :m, :f, :at) "
            "ON CONFLICT (message_id_header) DO NOTHING").bindparams(_moment("at")),
            {"h": row.mail_message_id, "t": row.ticket_id, "m": row.message_id, "f": False,
             "at": at})


def _mark_failed(store: Store, outbox_id: int, answer: str) -> None:
    with store.write() as s:
        row = s.get(OutboxMail, outbox_id)
        if row.state == "sending":
            row.state, row.lease_until, row.last_answer = "failed", None, answer[:1000]


def _mark_retry(store: Store, claimed: _Claimed, answer: str, at: datetime) -> bool:
    """Back to the queue after a temporary failure; False when it has had its tries (failed)."""
    with store.write() as s:
        row = s.get(OutboxMail, claimed.outbox_id)
        if row.state != "sending":
            return True  # someone else finished it meanwhile
        row.lease_until = None
        if row.attempts >= MAX_ATTEMPTS:
            row.state = "failed"
            row.last_answer = f"Gave up after {row.attempts} tries; the last answer: {answer}"[:1000]
            return False
        row.state, row.not_before, row.last_answer = "queued", at + backoff(row.attempts), answer[:1000]
        return True
