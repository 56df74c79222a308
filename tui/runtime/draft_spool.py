"""Drafts the database could not take (it was unreachable): kept in a local file until it can.

Each is one small JSON file in the user data directory (or $TICKET_TUI_SPOOL), named after the
database, the person and the ticket. It is written when saving a draft to the store fails for
want of a connection, removed once the store has the draft, and offered back when the ticket is
opened again (after a restart, say), so nothing typed is lost to an outage.

Ticket text is private, and a draft read back is saved as the person's own: the folder must be
theirs and closed to everyone else (made 0700; one open to others or owned by someone else is
refused, and the draft stays in the form), each file is made 0600 under a new random name
(O_EXCL|O_NOFOLLOW: nothing planted there is written through) and renamed into place, and no
link is followed when reading.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
from pathlib import Path
from typing import NamedTuple

from store import service as sv
from store.errors import ConnectionLost, NotWritable, StoreError, Unavailable

# The database can't take the draft now (unreachable, read-only, its disk full): it waits here.
CANT_SAVE_NOW = (ConnectionLost, Unavailable, NotWritable)

ENV_SPOOL = "TICKET_TUI_SPOOL"


class SpoolRefused(StoreError):
    """The draft can't be kept in the spool folder (unsafe, or not writable); it stays in the
    form."""


class SpooledDraft(NamedTuple):
    body: str
    internal: str


def spool_dir() -> Path:
    if os.environ.get(ENV_SPOOL):
        return Path(os.environ[ENV_SPOOL])
    from platformdirs import user_data_path

    return user_data_path("ticket-tui", appauthor=False) / "unsaved-drafts"


def _path(db_url: str, who: str, ticket_id: int) -> Path:
    import hashlib  # (its import pages in ~0.4 MB of OpenSSL: only when something is spooled)

    database = hashlib.sha256(db_url.encode()).hexdigest()[:16]
    person = hashlib.sha256(who.encode()).hexdigest()[:16]
    return spool_dir() / f"{database}-{person}-{ticket_id}.json"


def _safe_folder() -> Path:
    """The spool folder, made 0700 if missing; refused if anyone but its owner, this user, may
    use it (a draft planted there would be restored as this person's own)."""
    folder = spool_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        found = folder.stat()
    except OSError as exc:
        raise SpoolRefused(f"The draft can't be kept in {folder} ({exc.strerror}); it stays in "
                           "the form.") from None
    if found.st_uid != os.geteuid():
        raise SpoolRefused(f"The folder {folder} belongs to another user, so no draft is kept "
                           "there; it stays in the form.")
    if found.st_mode & 0o077:
        raise SpoolRefused(f"The folder {folder} is open to other users, so no draft is kept "
                           "there; it stays in the form.")
    return folder


def keep(db_url: str, who: str, ticket_id: int, body: str, internal: str) -> None:
    """Writes the draft whole or not at all (a new file renamed over the old one)."""
    folder = _safe_folder()
    path = _path(db_url, who, ticket_id)
    scratch = folder / f".{path.stem}.{os.urandom(8).hex()}.tmp"
    try:
        fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump({"body": body, "internal": internal}, out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(scratch, path)  # a link planted at the name is replaced, not followed
        except BaseException:
            scratch.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise SpoolRefused(f"The draft can't be kept in {folder} ({exc.strerror}); it stays in "
                           "the form.") from None


def _nothing_spooled() -> bool:
    """True in the common case, where no outage ever left a draft here: a ticket then opens
    without naming its spool file."""
    try:
        return not any(spool_dir().iterdir())
    except OSError:  # no spool folder (yet)
        return True


def take(db_url: str, who: str, ticket_id: int) -> SpooledDraft | None:
    """The draft kept for this ticket, if any (the file stays until forget())."""
    if _nothing_spooled():
        return None
    try:
        _safe_folder()
        fd = os.open(_path(db_url, who, ticket_id), os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, encoding="utf-8") as spooled:
            data = json.load(spooled)
        return SpooledDraft(str(data["body"]), str(data.get("internal", "")))
    except (SpoolRefused, OSError, ValueError, KeyError, TypeError):
        return None


def forget(db_url: str, who: str, ticket_id: int) -> None:
    if _nothing_spooled():
        return
    try:
        _path(db_url, who, ticket_id).unlink()
    except FileNotFoundError:
        pass


def _who(actor) -> str:
    return f"{type(actor).__name__}:{actor.id}"


# Saves run in worker threads and could finish out of order, an older text overwriting a newer
# one: they take turns, and a save older than one already made is dropped.
_turns = threading.Lock()
_versions = itertools.count(1)
_latest: dict[tuple, int] = {}


def next_version() -> int:
    """A number for a save about to be asked for (on the UI thread, in typing order)."""
    return next(_versions)


def save_draft(store, actor, ticket_id: int, body: str, internal: str, version: int = 0) -> bool:
    """Saves the draft in the store (a worker-thread call, as run_store_call makes it); when the
    database can't be reached, keeps it in the spool instead. True: kept locally for now."""
    key = (store.url, _who(actor), ticket_id)
    with _turns:
        if version and _latest.get(key, 0) > version:
            return False  # a newer text was saved meanwhile
        if version:
            _latest[key] = version
        try:
            sv.save_draft(store, actor, ticket_id, body, internal)
        except CANT_SAVE_NOW:
            keep(store.url, _who(actor), ticket_id, body, internal)
            return True
        forget(store.url, _who(actor), ticket_id)
        return False


def restore_spooled(store, actor, ticket_id: int):
    """A draft left in the spool by an outage: handed to the store now, then forgotten; the
    store's view of it is returned (None: nothing was spooled)."""
    spooled = take(store.url, _who(actor), ticket_id)
    if spooled is None:
        return None
    try:
        sv.save_draft(store, actor, ticket_id, spooled.body, spooled.internal)
    except NotWritable:  # the ticket still opens, with the draft, which stays spooled
        from store.clock import utcnow
        from store.views import DraftView

        return DraftView(ticket_id, spooled.body, spooled.internal, utcnow())
    forget(store.url, _who(actor), ticket_id)
    return sv.get_draft(store, actor, ticket_id)
