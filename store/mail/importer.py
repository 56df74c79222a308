"""`mail import PATH`: a team's mail history (mbox or Maildir) brought in as tickets.

Each mail goes through the live intake's rules (store.mail.intake.take_in: the same threading,
the same client messages, the same failed mail, the same Message-ID uniqueness), with what a
history needs and live mail does not:
- Time: each mail is written at its own Date (store.clock.as_of), so the history keeps its
  order and age instead of all arriving now. A Date that is missing, unreadable, before
  EARLIEST or later than the import's start takes the moment of the mail before it in the
  history (the first such mail: the import's start).
- The desk's own answers (mail From one of the desk's mailbox addresses): live mail drops them
  (the desk's mail come round again), but in a history they are the team's answers. One that
  answers a ticket of the history (by In-Reply-To/References, as a client's answer threads)
  becomes a staff answer on it, written by the desk (no staff member: the mail names none),
  its Message-ID recorded as sent by the desk, so the client's next mail threads to it; the
  ticket then waits for the client. One that answers nothing known is dropped (it would have
  nobody's question to answer).
- Failed mail is kept whole with source 'import', and the import goes on.
On PostgreSQL the import runs as the operator (a member of ticket_tui_owner), as `init` does:
a history writes past moments and the desk's answers, which the write rules allow no other
login (they stamp every moment with the server's now(), and the mail service's login writes
only as a client). Any other login is refused before anything is read.
Exactly once: mails are written BATCH at a time, one transaction, a savepoint each (a refused
mail rolls back only itself). A crash loses at most the open batch, written whole or not at all;
running the import again finds every mail already written a duplicate (by Message-ID, or the
made-up stable one of a mail without one) and writes the rest.
Speed: the mails are read by worker processes a batch ahead of the writer (parse_pool), and
the writer runs the intake's rules in plain SQL (store/sql.py), on one transaction a batch:
the same code the live intake and the client area run (store/service/client_posts.py).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime, timezone
from itertools import islice
from typing import NamedTuple

from .. import settings
from ..clock import as_of, utcnow
from ..db import Store
from ..errors import BadInput, NotAllowed, Refused
from ..rules.hook import skip_rules
from ..service._posting import add_message_q, check_attachments_q, check_body_q
from ..service.locking import record
from ..sql import SQLITE_CACHE_KIB, Sql
from . import intake_rows as rows
from .history import HistoryMail, read_history
from .intake import IntakeRefused, answered_ticket, attachments_of, take_in
from .parse_pool import Parsed, default_workers, parsed_batches
from .records import ParsedMail

BATCH = 500
# SQLite's page cache while importing: the pooled connections keep 256 KiB (store/sql.py, sized
# for reads), and a history's inserts into ever larger indexes read their pages again and
# again. 32 MiB measured 1.4x to 1.5x the speed at 30,000 mails; back to 256 KiB at the end.
IMPORT_CACHE_KIB = 32 * 1024
_OPERATOR = "SELECT pg_has_role(current_user, 'ticket_tui_owner', 'MEMBER')"
EARLIEST = datetime(1990, 1, 1, tzinfo=timezone.utc)
IMPORTED = ("new_ticket", "client_message", "bounce", "desk_answer")


class ImportSummary(NamedTuple):
    mails: int  # read from the history
    imported: int  # written: new tickets, client messages, bounces, desk answers
    duplicates: int  # written before (an earlier import, or live mail)
    failed: int  # kept as failed mail
    dropped: int  # deliberately not taken (the live rules; a desk answer to nothing known)
    new_tickets: int
    client_messages: int
    desk_answers: int

    def as_dict(self) -> dict[str, int]:
        return self._asdict()


Progress = Callable[[int, int, ImportSummary], None]  # done, total, counts so far


def import_history(store: Store, path: str | os.PathLike, *, to: str | None = None,
                   secret: bytes | str | None = None, progress: Progress | None = None,
                   batch: int = BATCH, workers: int | None = None) -> ImportSummary:
    """Imports every mail of an mbox file or Maildir folder; see the module's docstring.
    workers: processes that read the mails beside the writer (None: parse_pool's choice)."""
    history = read_history(path)
    with store.sql() as q:
        if store.dialect == "postgresql" and not q.value(_OPERATOR):
            raise NotAllowed("On PostgreSQL a mail history is imported by the operator's login "
                             "(the one that ran `ticket-tui init`): it writes past dates and the "
                             "desk's answers, which other logins may not.")
        limit = settings.read(q, "mail_max_bytes")
        desk = frozenset(row[0] for row in q.rows("SELECT address FROM mailboxes"))
    counts: Counter[str] = Counter()
    clock = _HistoryClock()
    batches = iter(lambda: list(islice(history, batch)), [])
    if workers is None:
        workers = default_workers()
    try:
        for chunk, parsed in parsed_batches(batches, _raw, limit, workers):
            with store.sql(write=True) as q:
                if q.sqlite:
                    q.run(f"PRAGMA main.cache_size = -{IMPORT_CACHE_KIB}")
                skip_rules(q)  # a history: no rule routes, answers or comments on old tickets
                outcomes = [_one(q, item.raw, mail, clock, to, secret, desk)
                            for item, mail in zip(chunk, parsed)]
            counts.update(outcomes)  # counted once committed
            if progress is not None:
                progress(chunk[-1].done, chunk[-1].total, _summary(counts))
    finally:
        _reading_cache(store)
    return _summary(counts)


def _reading_cache(store: Store) -> None:
    """The pooled connection's page cache back to the size the reads keep (store/sql.py)."""
    if store.dialect != "sqlite":
        return
    with suppress(Exception):  # a connection that failed meanwhile keeps the larger one: no harm
        with store.sql() as q:
            q.run(f"PRAGMA main.cache_size = -{SQLITE_CACHE_KIB}")


def _raw(item: HistoryMail) -> bytes:
    return item.raw


def _one(q: Sql, raw: bytes, read: Parsed, clock: "_HistoryClock", to: str | None,
         secret: bytes | str | None, desk: frozenset[str]) -> str:
    """One mail (read, or why it can't be) in its own savepoint; returns its outcome."""
    if isinstance(read, str):
        rows.store_failed_in(q, raw, read, source="import", mailbox_id=None)
        return "failed"
    mail, body = read
    with as_of(clock.moment(mail.date)):
        for attempt in range(2):
            q.run("SAVEPOINT import_mail")
            try:
                if mail.sender is not None and mail.sender.address.lower() in desk:
                    outcome = _desk_answer(q, mail, body, raw, secret)
                else:
                    outcome = take_in(q, mail, raw, to, secret, body=body).outcome
            except (IntakeRefused, BadInput, Refused) as error:
                _roll_back(q)
                rows.store_failed_in(q, raw, str(error), source="import", mailbox_id=None)
                return "failed"
            except Exception as error:
                # A live delivery of the same mail, or a client made from the same sender, was
                # committed meanwhile: once more, and it is a duplicate or finds that client.
                if attempt or not rows.is_unique_violation(error):
                    raise
                _roll_back(q)
                continue
            q.run("RELEASE SAVEPOINT import_mail")
            return outcome
    raise AssertionError("unreachable")


def _roll_back(q: Sql) -> None:
    q.run("ROLLBACK TO SAVEPOINT import_mail")
    q.run("RELEASE SAVEPOINT import_mail")


def _desk_answer(q: Sql, mail: ParsedMail, body: str, raw: bytes,
                 secret: bytes | str | None) -> str:
    if rows.known_id(q, mail.message_id) is not None:
        return "duplicate"
    ticket_id = answered_ticket(q, mail, secret)
    if ticket_id is None:
        return "dropped"
    at = utcnow()
    message = add_message_q(q, ticket_id, "staff", check_body_q(q, body), at,
                            attachments=check_attachments_q(q, attachments_of(mail)))
    q.run("UPDATE tickets SET awaiting_staff = FALSE, waiting_since = :at, updated_at = :at "
          "WHERE id = :t", {"t": ticket_id, "at": q.db_time(at)})  # its activity: updated_at
    record(q, None, ticket_id, "reply", f"message #{message.id}, from the mail history", at=at,
           activity=False)
    rows.record_mail(q, mail, raw, ticket_id=ticket_id, message_id=message.id, mailbox_id=None,
                     automatic_reason=None, direction="out")
    return "desk_answer"


class _HistoryClock:
    """Each mail's moment: its own Date within bounds, else the moment of the one before."""

    def __init__(self) -> None:
        self.started = datetime.now(timezone.utc)
        self.last = self.started

    def moment(self, date: datetime | None) -> datetime:
        if date is not None and EARLIEST <= date <= self.started:
            self.last = date
        return self.last


def _summary(counts: Counter[str]) -> ImportSummary:
    return ImportSummary(
        mails=sum(counts.values()), imported=sum(counts[o] for o in IMPORTED),
        duplicates=counts["duplicate"], failed=counts["failed"], dropped=counts["dropped"],
        new_tickets=counts["new_ticket"], client_messages=counts["client_message"],
        desk_answers=counts["desk_answer"])
