"""IMAP intake: the mail waiting in each mailbox's IMAP folder taken into the desk, exactly once.

- UIDs decide what is new, never \\Seen: the desk takes the mail above the mailbox's last UID
  (`mailboxes.imap_last_uid`, under `imap_uidvalidity`), read with BODY.PEEK[] so that its
  flags stay as a person reading the mailbox left them. A new UIDVALIDITY means every UID
  changed: the folder is read again from the start, and the unique Message-ID makes each mail
  taken before a duplicate.
- Commit, then move, then remember: each mail is committed by the intake before it is moved
  (to `Processed`, or `Failed` when the intake kept it as failed mail), and the last UID is
  advanced only after the move. A crash anywhere in between leaves the mail in the folder; the
  next pass finds it a duplicate and moves it.
- A temporary failure (the database unreachable or locked, the IMAP connection lost) ends the
  mailbox's pass at that mail: it and those after it stay on the server for the next pass.
  One mail that breaks the intake in an unforeseen way is kept as failed mail: never a stall.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

from sqlalchemy.exc import DBAPIError

from ..db import Store
from ..errors import ConnectionLost, NotWritable, Unavailable
from ..safe_text import printable
from . import intake_rows as rows
from .imap import FAILED, PROCESSED, Folder, ImapConfigError, ImapLost, imap_errors, open_folder
from .intake import IntakeResult, receive
from .mailboxes import MailboxInfo, list_mailboxes

# Mails fetched by one FETCH and moved by one MOVE: few round trips, and memory bounded by
# BATCH_BYTES (one larger mail is a batch of its own).
BATCH, BATCH_BYTES = 50, 16 * 1024 * 1024
DATABASE_LATER = (ConnectionLost, NotWritable, Unavailable, DBAPIError)
Log = Callable[[str], None]


class DatabaseLater(Exception):
    """The database could not take the mail now (one sentence): it stays on the server."""


@dataclass
class MailboxFetch:
    """What one pass did with one mailbox."""

    mailbox: str
    taken: int = 0  # new tickets, client messages, bounces noted
    duplicates: int = 0
    dropped: int = 0  # deliberately (unknown sender refused, the desk's own mail)
    failed: int = 0  # kept as failed mail and moved to Failed
    errors: list[str] = field(default_factory=list)
    needs_fixing: bool = False  # an error a person must fix (URL, password, login)

    def count(self, result: IntakeResult) -> None:
        if result.outcome == "duplicate":
            self.duplicates += 1
        elif result.outcome == "dropped":
            self.dropped += 1
        elif result.outcome == "failed":
            self.failed += 1
        else:
            self.taken += 1

    def as_json(self) -> dict:
        return asdict(self)


def imap_mailboxes(store: Store) -> list[MailboxInfo]:
    return [box for box in list_mailboxes(store) if box.imap_url]


def fetch_all(store: Store, *, secret: bytes | str | None = None,
              log: Log | None = None) -> list[MailboxFetch]:
    """One pass over every mailbox with an IMAP URL (`mail fetch`)."""
    return [fetch_mailbox(store, box, secret=secret, log=log) for box in imap_mailboxes(store)]


def fetch_mailbox(store: Store, box: MailboxInfo, *, secret: bytes | str | None = None,
                  log: Log | None = None) -> MailboxFetch:
    summary = MailboxFetch(box.address)
    try:
        folder = open_folder(box.imap_url, box.password_file)
    except ImapConfigError as error:
        summary.errors.append(str(error))
        summary.needs_fixing = True
        return summary
    except ImapLost as error:
        summary.errors.append(str(error))
        return summary
    try:
        take_new(store, folder, box, summary, secret=secret, log=log)
    except (ImapLost, DatabaseLater) as error:
        summary.errors.append(str(error))
    finally:
        folder.close()
    return summary


def take_new(store: Store, folder: Folder, box: MailboxInfo, summary: MailboxFetch, *,
             secret: bytes | str | None = None, log: Log | None = None,
             stop: threading.Event | None = None, lock: threading.Lock | None = None) -> int:
    """Takes the folder's mail above the last UID, in UID order, batch by batch; returns how
    many mails it found. Raises ImapLost or DatabaseLater at a temporary failure, after moving
    and remembering what was taken. `stop` ends it after the mail in hand; `lock` is held
    around each mail's intake."""
    last = _last_uid(store, box.id, folder.uidvalidity)
    client = folder.client
    with imap_errors(folder.target.host):
        # "UID n:*" always names the newest mail, even one below n: hence the filter.
        uids = sorted(uid for uid in client.search(["UID", f"{last + 1}:*"]) if uid > last)
        sizes = client.fetch(uids, ["RFC822.SIZE"]) if uids else {}
    for batch in _batches(uids, {uid: data.get(b"RFC822.SIZE", 0) for uid, data in sizes.items()}):
        if stop is not None and stop.is_set():
            break
        with imap_errors(folder.target.host):
            fetched = client.fetch(batch, ["BODY.PEEK[]"])
        moves: dict[str, list[int]] = {PROCESSED: [], FAILED: []}
        done = 0
        try:
            for uid in batch:
                if stop is not None and stop.is_set():
                    break
                data = fetched.get(uid)
                if data is not None and b"BODY[]" in data:  # else gone meanwhile: nothing to take
                    result = _take_one(store, bytes(data[b"BODY[]"]), box, secret, lock)
                    summary.count(result)
                    moves[FAILED if result.outcome == "failed" else PROCESSED].append(uid)
                    if log is not None:
                        log(_describe(box.address, uid, result))
                done = uid
        finally:
            _move(folder, moves)
            if done:
                _advance(store, box.id, folder.uidvalidity, done)
    return len(uids)


def _batches(uids: list[int], sizes: dict[int, int]) -> list[list[int]]:
    """The UIDs in order, cut into batches of at most BATCH mails and BATCH_BYTES."""
    batches: list[list[int]] = []
    total = 0
    for uid in uids:
        size = sizes.get(uid, 0)
        if not batches or len(batches[-1]) >= BATCH or total + size > BATCH_BYTES:
            batches.append([])
            total = 0
        batches[-1].append(uid)
        total += size
    return batches


def _take_one(store: Store, raw: bytes, box: MailboxInfo, secret: bytes | str | None,
              lock: threading.Lock | None) -> IntakeResult:
    try:
        if lock is None:
            return receive(store, raw, to=box.address, source="imap", secret=secret)
        with lock:
            return receive(store, raw, to=box.address, source="imap", secret=secret)
    except DATABASE_LATER as error:
        raise _later(error) from error
    except Exception as error:  # noqa: BLE001 - a mail breaking the intake must not stall the rest
        reason = f"The intake failed on this mail ({type(error).__name__}: {_sentence(error)})."
        with database_later():
            rows.store_failed(store, raw, reason, source="imap", mailbox_id=box.id)
        return IntakeResult("failed", reason=reason)


@contextmanager
def database_later() -> Iterator[None]:
    """The database's temporary failures as DatabaseLater: the mail stays on the server."""
    try:
        yield
    except DATABASE_LATER as error:
        raise _later(error) from error


def _later(error: BaseException) -> DatabaseLater:
    return DatabaseLater(f"The database could not take the mail now ({_sentence(error)}); "
                         "it stays on the server for the next pass.")


def _move(folder: Folder, moves: dict[str, list[int]]) -> None:
    """Moves the taken mail out of the folder: MOVE, else COPY + \\Deleted + UID EXPUNGE."""
    client = folder.client
    with imap_errors(folder.target.host):
        for target, uids in moves.items():
            if not uids:
                continue
            if folder.can_move:
                client.move(uids, target)
                continue
            client.copy(uids, target)
            client.add_flags(uids, [b"\\Deleted"])
            if client.has_capability("UIDPLUS"):
                client.uid_expunge(uids)
            # Without UIDPLUS a plain EXPUNGE would also remove what a person marked deleted:
            # the copies stay flagged, below the last UID, and are never taken again.


def _last_uid(store: Store, mailbox_id: int, uidvalidity: int) -> int:
    """The last UID taken, or 0 when the folder's UIDVALIDITY is new (then remembered)."""
    with database_later(), store.sql() as q:
        row = q.row("SELECT imap_uidvalidity, imap_last_uid FROM mailboxes WHERE id = :id",
                    {"id": mailbox_id})
    if row is not None and row[0] == uidvalidity:
        return int(row[1] or 0)
    _advance(store, mailbox_id, uidvalidity, 0)
    return 0


def _advance(store: Store, mailbox_id: int, uidvalidity: int, uid: int) -> None:
    """Remembers `uid` as taken under `uidvalidity`; never moves the last UID back."""
    with database_later(), store.sql(write=True) as q:
        q.run("UPDATE mailboxes SET imap_uidvalidity = :v, imap_last_uid = :u WHERE id = :id "
              "AND (imap_uidvalidity IS NULL OR imap_uidvalidity <> :v OR imap_last_uid < :u)",
              {"id": mailbox_id, "v": uidvalidity, "u": uid})


def _describe(address: str, uid: int, result: IntakeResult) -> str:
    where = f" ticket #{result.ticket_id}" if result.ticket_id else ""
    why = f": {result.reason}" if result.reason and result.outcome in ("failed", "dropped") else ""
    return f"{address}: UID {uid} {result.outcome}{where}{why}"


def _sentence(error: BaseException) -> str:
    text = printable(str(error), one_line=True).strip()
    return text[:300] or type(error).__name__
