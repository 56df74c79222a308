"""Mail in: one received mail becomes a client message, a new ticket, a bounce's note on the
ticket whose mail bounced, or failed mail kept whole. Exactly once: the message, its Message-ID
and its original are written in one transaction, and the id is unique, so a second delivery of
the same mail is a no-op ('duplicate').

The rules (issue 18):
- A mail answers a ticket when its In-Reply-To / References name a Message-ID the desk received
  or sent (mail_ids), or one the desk signed (store.mail.signing); else when its subject tag
  `[#ID]` names a ticket of the sender's own. Otherwise it opens a ticket in the department of
  the mailbox it was sent to (the MTA's --to address, else To/Cc/Delivered-To).
- The message is written by the service code a client's own message goes through
  (store.service.client_side): an answer to an archived ticket reopens it the same way, and the
  same size limits hold for its text and files.
- An unknown sender becomes a client, or the mail is dropped (setting mail_unknown_senders);
  mail from one of the desk's own addresses is dropped (a loop).
- Automatic mail (auto-responders, lists, bounces) is taken like any other but recorded with
  why it is automatic, so that no automatic answer ever goes to it; the desk's own mail coming
  back is a duplicate of the id it was sent with.
- A bounce (a delivery status notification) notes the failure on the ticket whose mail bounced,
  as a system message for staff; it never opens a ticket.
- A mail that can't be read, is over mail_max_bytes, or that a rule refuses (its text or a file
  too large, no sender) goes whole to failed mail: exit 0 for an MTA, never a retry later.
Errors of the database itself (unreachable, locked, lost) are raised: nothing was stored, and
the caller delivers the mail again later.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy.orm import Session

from .. import settings, validate
from ..db import Store, plain_in
from ..errors import BadInput, Refused
from ..rules.hook import after_client_message
from ..safe_text import printable
from ..service.client_posts import Department, client_reply_q, open_ticket_q
from ..sql import Sql
from ..views import NewAttachment
from . import intake_rows as rows
from .errors import MailError
from .loops import automatic_reason, bounced_message_id, is_bounce
from .models import MAIL_SOURCES
from .outbox import queue_acknowledgement
from .parse import parse_mail
from .quoting import split_reply
from .records import ParsedMail
from .signing import verify_message_id
from .thread import lookup_ids, subject_ticket_id

OUTCOMES = ("new_ticket", "client_message", "bounce", "duplicate", "failed", "dropped")
NO_TEXT = "(The mail has no text.)"
NO_SUBJECT = "(no subject)"


class IntakeResult(NamedTuple):
    outcome: str  # one of OUTCOMES
    ticket_id: int | None = None
    message_id: int | None = None
    reason: str = ""  # why it failed or was dropped; for automatic mail, why it is automatic


class _Refusal(Exception):
    """This mail can't be taken (one sentence): it goes to failed mail."""


def receive(store: Store, raw: bytes, *, to: str | None = None, source: str = "pipe",
            secret: bytes | str | None = None) -> IntakeResult:
    """Takes one mail (RFC 5322 bytes) into the desk."""
    if source not in MAIL_SOURCES:
        raise ValueError(f"source must be one of {MAIL_SOURCES}")
    raw = bytes(raw)
    with store.sql() as q:
        limit = settings.read(q, "mail_max_bytes")
    try:
        mail = parse_mail(raw, max_bytes=limit)
    except MailError as error:
        return _failed(store, raw, str(error), source, to, None)
    for attempt in range(2):
        try:
            with store.write() as s:
                return _take(plain_in(s), mail, raw, to, secret, live=_LiveIntake(s))
        except (_Refusal, BadInput, Refused) as error:
            return _failed(store, raw, str(error), source, to, mail)
        except Exception as error:
            # Another delivery of the same mail (or a client made from the same sender) was
            # committed meanwhile: once more, and it is a duplicate or finds that client.
            if attempt or not rows.is_unique_violation(error):
                raise
    raise AssertionError("unreachable")


class _LiveIntake:
    """What a live intake (not an import of history) does once the mail is recorded: the
    response rules run (after the record, so an automatic answer knows the mail was automatic),
    and a new ticket is acknowledged."""

    def __init__(self, s: Session) -> None:
        self.s = s

    def __call__(self, outcome: str, ticket_id: int, message_id: int, email: str,
                 automatic: str | None) -> None:
        new = outcome == "new_ticket"
        after_client_message(self.s, ticket_id, message_id, "new" if new else "client-message")
        if new:
            queue_acknowledgement(self.s, ticket_id, message_id, email, automatic)


def _take(q: Sql, mail: ParsedMail, raw: bytes, to: str | None,
          secret: bytes | str | None, *, live: _LiveIntake | None = None,
          body: str | None = None) -> IntakeResult:
    """The rules, in the caller's transaction. live: what a live intake does once the mail is
    recorded (response rules, an acknowledgement); None for a history being imported, whose new
    tickets were answered long ago (an acknowledgement now would mail every client of the
    history, and rules would route, answer and comment on old tickets).
    body: reply_text(mail), when the caller made it already (the import's parsing workers)."""
    seen = rows.known_id(q, mail.message_id)
    if seen is not None:
        return IntakeResult("duplicate", seen.ticket_id, seen.message_id,
                            "This mail was taken in already.")
    wanted = _recipients(mail, to)
    sender_address = (mail.sender.address.strip().lower() if mail.sender else "")
    desk = rows.mailboxes(q, [*wanted, sender_address] if sender_address else wanted)
    mailbox = next((desk[w] for w in wanted if w in desk), None)
    mailbox_id = mailbox.id if mailbox else None
    automatic = automatic_reason(mail, secret=secret)
    if is_bounce(mail):
        return _bounce(q, mail, raw, mailbox_id, automatic)
    if mail.sender is None:
        raise _Refusal("The mail names no sender (no From address).")
    try:
        email = validate.email(mail.sender.address)
    except BadInput:
        raise _Refusal(f"The sender's address {mail.sender.address!r} can't be a client's "
                       "email.") from None
    if email in desk:
        # The desk's own address as the sender: its own mail come round again (a forward, a
        # list), which must never become a ticket the desk would answer.
        return IntakeResult("dropped", reason=f"Sent from the desk's own address {email}.")
    sender = rows.client_by_email(q, email)
    ticket_id = rows.live_ticket(q, _answered_ticket(q, mail, secret))
    if ticket_id is None and sender is not None:
        tagged = rows.live_ticket(q, subject_ticket_id(mail.subject))
        if tagged is not None and rows.ticket_client(q, tagged) == sender.id:
            ticket_id = tagged
    body, files = reply_text(mail) if body is None else body, _attachments(mail)
    if ticket_id is not None:
        client = rows.client_by_id(q, rows.ticket_client(q, ticket_id))
        rows.act_as(q, client)
        message = client_reply_q(q, client, ticket_id, body, files)
        outcome = "client_message"
    else:
        if mailbox is None:
            raise _Refusal("The mail answers no ticket and is addressed to no mailbox of the desk.")
        if sender is None:
            if settings.read(q, "mail_unknown_senders") == "refuse":
                return IntakeResult("dropped", reason=f"{email} is not a client, and mail from "
                                    "unknown senders is refused (mail_unknown_senders).")
            sender = rows.add_client(q, mail.sender, email)
        rows.act_as(q, sender)
        department = Department(mailbox.department_id, mailbox.department_name)
        message = open_ticket_q(q, sender, department, _subject(mail), body, files)
        outcome = "new_ticket"
    rows.record_mail(q, mail, raw, ticket_id=message.ticket_id, message_id=message.id,
                     mailbox_id=mailbox_id, automatic_reason=automatic)
    if live is not None:
        live(outcome, message.ticket_id, message.id, sender.email if sender else "", automatic)
    return IntakeResult(outcome, message.ticket_id, message.id, automatic or "")


def reply_text(mail: ParsedMail) -> str:
    """The message's text: what the sender wrote this time, without the quoted history (kept in
    the original, store.mail.quoting)."""
    return split_reply(mail.text).new.strip() or NO_TEXT


def _answered_ticket(q: Sql, mail: ParsedMail, secret: bytes | str | None) -> int | None:
    """The ticket whose mail this answers, by the ids it names; a forged id names none."""
    for named in lookup_ids(mail):
        known = rows.known_id(q, named)
        if known is not None:
            return known.ticket_id
        signed = verify_message_id(named, secret) if secret else None
        if signed is not None and rows.ticket_client(q, signed[0]) is not None:
            return signed[0]
    return None


def _bounce(q: Sql, mail: ParsedMail, raw: bytes, mailbox_id: int | None,
            automatic: str | None) -> IntakeResult:
    bounced = bounced_message_id(mail)
    sent = rows.known_id(q, bounced, "out") if bounced else None
    if sent is None:
        return IntakeResult("dropped", reason="A delivery failure notice for no mail the desk sent.")
    first_lines = printable(mail.text, one_line=False).strip()[:2000]
    body = "A mail to the client bounced." + (f"\n\n{first_lines}" if first_lines else "")
    message_id = rows.note_bounce(q, sent.ticket_id, body)
    rows.record_mail(q, mail, raw, ticket_id=sent.ticket_id, message_id=message_id,
                     mailbox_id=mailbox_id, automatic_reason=automatic)
    return IntakeResult("bounce", sent.ticket_id, message_id, automatic or "")


def _mailbox(q: Sql, mail: ParsedMail | None, to: str | None) -> rows.MailboxRef | None:
    """The desk's mailbox this mail was sent to: the MTA's recipient first, then the headers."""
    wanted = _recipients(mail, to)
    found = rows.mailboxes(q, wanted)
    return next((found[w] for w in wanted if w in found), None)


def _recipients(mail: ParsedMail | None, to: str | None) -> list[str]:
    """Where the mail was sent, best first: the MTA's recipient, then To, Cc, Delivered-To."""
    wanted = [to] if to else []
    if mail is not None:
        wanted += [a.address for a in (*mail.to, *mail.cc)]
        wanted += mail.header_values("delivered-to")
    return [w.strip().strip("<>").lower() for w in wanted if w and w.strip()]


def _subject(mail: ParsedMail) -> str:
    subject = printable(mail.subject, one_line=True)
    return subject[:200].strip() or NO_SUBJECT


def _attachments(mail: ParsedMail) -> list[NewAttachment]:
    return [NewAttachment(a.filename or f"attachment-{n}", a.data, a.content_type)
            for n, a in enumerate(mail.attachments, 1)]


def _failed(store: Store, raw: bytes, reason: str, source: str, to: str | None,
            mail: ParsedMail | None) -> IntakeResult:
    mailbox_id = None
    if mail is not None or to:
        with store.sql() as q:
            box = _mailbox(q, mail, to)
            mailbox_id = box.id if box else None
    rows.store_failed(store, raw, reason, source=source, mailbox_id=mailbox_id)
    return IntakeResult("failed", reason=reason)


# For the import (store/mail/importer.py), which takes many mails in one transaction, a
# savepoint each: the same rules, inside the caller's transaction.
take_in = _take
answered_ticket = _answered_ticket
attachments_of = _attachments
IntakeRefused = _Refusal
