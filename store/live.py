"""Live updates: block until some ticket changes, from any process or machine.

    listener = live.listen(store)          # one per open TUI (or script)
    try:
        while running:
            change = listener.wait(timeout=1.0)
            if change is None:
                continue                   # nothing changed within the timeout
            if change.everything:
                reload_all()               # too many tickets changed to name them
            else:
                refresh(change.ticket_ids) # ids only: re-read them through the service
    finally:
        listener.close()

PostgreSQL: a dedicated connection LISTENs on the channel `ticket_tui_changes`; triggers of
migration 0003 send, for each statement that changes tickets, messages or holders, the ids of
the tickets it touched (or '*' when there are many). A notification bypasses row security, so it
carries ids only: what a reader may see of those tickets is decided when it re-reads them. And
anyone connected may send one (PostgreSQL has no privilege for NOTIFY): it is a hint that
something may have changed, never a fact (tui/runtime/live.py paces what it does with them).
Notifications are sent at commit, so a change is never seen before it can be read.

SQLite: one user's local file; `wait` polls the change marker (the newest ticket event id, one
index lookup) every `poll_seconds` and reports "something changed" (everything=True), as the
TUI's refresh did before.

`wait` is blocking: call it from a worker thread, never the UI thread. It returns early with the
change; after a dropped PostgreSQL connection it reconnects on the next call and reports
everything=True (changes made meanwhile were not heard). `close()` may be called from another
thread to end a waiting `wait`, which then returns None.
"""

from __future__ import annotations

import threading
import time
from typing import NamedTuple

from .db import Store
from .errors import ConnectionLost

CHANNEL = "ticket_tui_changes"
SQLITE_POLL_SECONDS = 0.5


class Change(NamedTuple):
    """What changed: these tickets, or (everything=True) more than could be named."""

    ticket_ids: frozenset[int] = frozenset()
    everything: bool = False

    def merged(self, other: "Change") -> "Change":
        if self.everything or other.everything:
            return Change(everything=True)
        return Change(self.ticket_ids | other.ticket_ids)


def parse_payload(payload: str) -> Change:
    """A notification's payload: comma-separated ticket ids, or '*'."""
    if payload == "*":
        return Change(everything=True)
    try:
        return Change(frozenset(int(p) for p in payload.split(",") if p))
    except ValueError:
        return Change(everything=True)


class Listener:
    """Base: wait(timeout) -> Change | None; close()."""

    def wait(self, timeout: float) -> Change | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def __enter__(self) -> "Listener":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class PostgresListener(Listener):
    def __init__(self, store: Store) -> None:
        self._store = store
        self._conn = None
        self._closed = threading.Event()
        self._busy = threading.Lock()  # held by wait(); close() leaves the connection to it
        self._missed = False
        self._connect()

    def _connect(self) -> None:
        import psycopg

        try:
            self._conn = psycopg.connect(
                **self._store.location.psycopg_kwargs(), autocommit=True, connect_timeout=5,
                application_name="ticket-tui live")
            self._conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error as exc:
            self._conn = None
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ConnectionLost(f"Can't listen for changes on the database: {reason}") from exc

    def wait(self, timeout: float) -> Change | None:
        with self._busy:
            try:
                return self._wait(timeout)
            finally:
                if self._closed.is_set():
                    self._drop()

    def _wait(self, timeout: float) -> Change | None:
        import psycopg

        if self._closed.is_set():
            return None
        if self._conn is None or self._conn.closed:
            self._connect()  # raises ConnectionLost while the server is still away
            self._missed = True
        found: Change | None = Change(everything=True) if self._missed else None
        self._missed = False
        deadline = time.monotonic() + timeout
        try:
            # Short slices, so close() from another thread ends a wait promptly; a timeout of
            # 0 still takes what has arrived.
            while found is None and not self._closed.is_set():
                left = deadline - time.monotonic()
                for note in self._conn.notifies(timeout=max(0.0, min(left, 0.25)), stop_after=1):
                    found = parse_payload(note.payload)
                if left <= 0:
                    break
            if found is not None:  # take whatever else is queued already, without waiting
                for note in self._conn.notifies(timeout=0.0):
                    found = found.merged(parse_payload(note.payload))
        except psycopg.Error as exc:
            self._drop()
            if self._closed.is_set():
                return None
            self._missed = True
            raise ConnectionLost("The connection to the database was lost while listening for "
                                 "changes; it reconnects on the next wait.") from exc
        return None if self._closed.is_set() else found

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - it is gone either way
                pass

    def close(self) -> None:
        self._closed.set()
        if self._busy.acquire(blocking=False):  # nobody waiting: close it here
            try:
                self._drop()
            finally:
                self._busy.release()


class SqlitePollListener(Listener):
    def __init__(self, store: Store, poll_seconds: float = SQLITE_POLL_SECONDS) -> None:
        self._store = store
        self._poll = poll_seconds
        self._closed = threading.Event()
        self._marker = self._read_marker()

    def _read_marker(self) -> int:
        from .service import change_marker

        return change_marker(self._store)

    def wait(self, timeout: float) -> Change | None:
        deadline = time.monotonic() + timeout
        while not self._closed.is_set():
            marker = self._read_marker()
            if marker != self._marker:
                self._marker = marker
                return Change(everything=True)
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self._closed.wait(min(self._poll, left))
        return None

    def close(self) -> None:
        self._closed.set()


def listen(store: Store, *, poll_seconds: float = SQLITE_POLL_SECONDS) -> Listener:
    """A listener for this store's database (see the module's docstring)."""
    if store.dialect == "postgresql":
        return PostgresListener(store)
    return SqlitePollListener(store, poll_seconds)
