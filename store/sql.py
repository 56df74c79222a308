"""Plain SQL over the drivers themselves (sqlite3, psycopg), without SQLAlchemy.

The reads a person waits for (the ticket lists, search, a ticket's thread, who is signed in)
are written as SQL here and run on plain driver connections, so the TUI paints its first list
before SQLAlchemy, which takes longer to import than a whole bare Textual app to start, is
loaded at all; it is loaded on the first write. One pool per Store; a connection serves one
thread at a time.

Queries are written with :name parameters (sqlite3's own style), turned into psycopg's
%(name)s for PostgreSQL. Times are stored the way the models' UTCDateTime stores them: naive
UTC text on SQLite ("2026-11-26 03:47:50.460205", which sorts), timestamptz on PostgreSQL;
`db_time` and `utc` convert on the way in and out.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import ConnectionLost, NotWritable, RefusedByDatabase, StoreError, Unavailable
from .url import DbUrl

SQLITE_BUSY_TIMEOUT_MS = 10_000
# The page caches of the plain connections (SQLite's default: 2,000 KiB each, for the database
# and as much again for the temporary one that holds a search's hits), kept while a connection
# waits in the pool. Smaller ones cost the reads people wait for little: a page not in the
# cache is read again from the operating system's, in microseconds. Measured on a million
# tickets, A/B in one process (medians of 21 runs, against 512/1,000 KiB): the queue's first
# page and the next +0.5 ms (3.4 vs 2.9 ms, 6.4 vs 5.7), opening a ticket and the benchmark's six
# searches within noise (the sum of all the medians 1.02x); the reading session's peak memory
# 1.0 MB less (the benchmark's, medians of 3). SQLAlchemy's connections (bulk writes,
# migrations) keep the default.
SQLITE_CACHE_KIB = 256
SQLITE_TEMP_CACHE_KIB = 256
# Compiled statements each plain connection keeps (sqlite3's default: 128). The lists' SQL
# differs with the number of ids asked for, so the cache filled with big one-off programs:
# 32 keep what a reading session repeats (A/B, 15 runs: every read within noise) and the
# session's SQLite memory ~0.35 MB lower.
SQLITE_STATEMENTS = 32
PG_CONNECT_TIMEOUT_S = 5
IDLE_CONNECTIONS = 4

# Connection exceptions, shutdown, restart; too many connections, and a database closed to new
# connections by its operator (55000 at connect time): each means "not reachable right now".
LOST_STATES = ("08", "57P01", "57P02", "57P03", "53300", "55000")
TIMED_OUT_STATES = ("57014", "55P03", "40P01")  # statement/lock timeout, deadlock


def setup_sqlite(conn) -> None:
    """Every SQLite connection, plain or SQLAlchemy's: WAL, foreign keys, a busy timeout, and
    transactions begun explicitly (pysqlite's own BEGIN handling off)."""
    conn.isolation_level = None
    cur = conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.close()


def store_error(exc: BaseException, phase: str, *, lost: bool = False) -> StoreError | None:
    """A driver's error as the StoreError a person reads, or None when it is not about the
    connection (SQLite's errors stay as they are). lost: the caller knows the connection died.
    phase: "read", "work" (before the commit) or "commit"."""
    state = getattr(exc, "sqlstate", None)
    if state is None and not hasattr(exc, "sqlstate"):
        return _not_writable(_SQLITE_CANT_WRITE.get(getattr(exc, "sqlite_errorcode", 0) & 0xFF))
    state = state or ""
    if state == "42501":
        return RefusedByDatabase("The database refused this for your login role: it is outside "
                                 "what your role may see or change.")
    if state in _PG_CANT_WRITE:
        return _not_writable(_PG_CANT_WRITE[state])
    if not lost:
        import psycopg

        lost = state.startswith(LOST_STATES) or (isinstance(exc, psycopg.OperationalError)
                                                 and not state)
    if state in TIMED_OUT_STATES:
        what = "The database took too long (a timeout or a deadlock)"
    elif lost:
        what = "The connection to the database was lost"
    else:
        return None
    if phase == "commit":
        return ConnectionLost(f"{what} while saving: the change may or may not have been saved, "
                              "so look before trying again.", saved=None)
    if phase == "read":
        return ConnectionLost(f"{what}; try again in a moment.")
    return ConnectionLost(f"{what} before the change was saved: nothing was changed, "
                          "so it is safe to try again.")


# Why a write can't be made, by SQLite's primary result code (SQLITE_READONLY, SQLITE_FULL) and
# by PostgreSQL's SQLSTATE (read_only_sql_transaction: a standby; disk_full). A write fails
# whole on either, so the sentence can say that nothing was changed.
_SQLITE_CANT_WRITE = {8: "its file or folder is read-only", 13: "the disk holding it is full"}
_PG_CANT_WRITE = {"25006": "the server is read-only",
                  "53100": "the server's disk is full"}


def _not_writable(why: str | None) -> StoreError | None:
    if why is None:
        return None
    return NotWritable(f"The database can't be written, {why}: nothing was changed.")


def utc(value) -> datetime | None:
    """A stored time as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=timezone.utc)
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


@lru_cache(maxsize=256)
def _pyformat(query: str) -> str:
    """:name -> %(name)s, and a literal % doubled (psycopg's parameter style)."""
    return re.sub(r"(?<![:\w]):([A-Za-z_]\w*)", r"%(\1)s", query.replace("%", "%%"))


class Sql:
    """One transaction on one plain connection. `before_commit` is the transaction's work to do
    just before it commits (shared by every Sql of one SQLAlchemy session, see store/db.py)."""

    def __init__(self, conn, dialect: str, before_commit: dict | None = None) -> None:
        self._conn = conn
        self.dialect = dialect
        self.sqlite = dialect == "sqlite"
        self.before_commit: dict[Callable, dict] = {} if before_commit is None else before_commit
        self.settings: dict[str, Any] = {}  # read in this transaction (store.settings.read)

    @property
    def connection(self):
        """The driver's connection (a key for what is worth knowing per connection)."""
        return self._conn

    def collect(self, work: "Callable[[Sql, dict], None]") -> dict:
        """What `work` collects in this transaction (a dict it fills); work(q, collected) runs
        once, just before the commit. Response targets collect the tickets whose events were
        recorded and refresh their due times there (store/sla/step.py)."""
        return self.before_commit.setdefault(work, {})

    def finish(self) -> None:
        """Runs the collected work (which may collect more) before the commit."""
        while self.before_commit:
            work = next(iter(self.before_commit))
            work(self, self.before_commit.pop(work))

    def _execute(self, query: str, params: dict | None):
        if self.sqlite:
            return self._conn.execute(query, params or {})
        return self._conn.execute(_pyformat(query), params or {}, prepare=False)

    def rows(self, query: str, params: dict | None = None) -> list[tuple]:
        return self._execute(query, params).fetchall()

    def row(self, query: str, params: dict | None = None) -> tuple | None:
        return self._execute(query, params).fetchone()

    def value(self, query: str, params: dict | None = None) -> Any:
        found = self.row(query, params)
        return None if found is None else found[0]

    def run(self, query: str, params: dict | None = None) -> None:
        self._execute(query, params)

    def db_time(self, at: datetime) -> Any:
        """A moment as the database stores it (see the module's docstring)."""
        if at.tzinfo is None:
            raise ValueError("naive datetime given to the store; use timezone-aware UTC")
        at = at.astimezone(timezone.utc)
        if self.sqlite:
            # = strftime("%Y-%m-%d %H:%M:%S.%f"), in half its time (a mail import writes ~6 a mail)
            return at.replace(tzinfo=None).isoformat(" ", "microseconds")
        return at

    def value_of(self, value: Any) -> Any:
        """A sort-key value (from a row) as a parameter again."""
        return self.db_time(value) if isinstance(value, datetime) else value


def expand(params: dict, name: str, values: Iterable) -> str:
    """Parameters for `IN (...)`: adds name0, name1... to params, returns ":name0, :name1...".
    An empty list becomes NULL (matches nothing)."""
    names = []
    for i, value in enumerate(values):
        params[f"{name}{i}"] = value
        names.append(f":{name}{i}")
    return ", ".join(names) or "NULL"


class Pool:
    """Plain connections to one database, kept for reuse."""

    def __init__(self, url: DbUrl) -> None:
        self.url = url
        self.dialect = url.backend
        self._idle: list = []
        self._lock = threading.Lock()

    def _connect(self):
        if self.dialect == "sqlite":
            import sqlite3

            conn = sqlite3.connect(self.url.database, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
                                   check_same_thread=False,
                                   cached_statements=SQLITE_STATEMENTS)
            setup_sqlite(conn)
            conn.execute(f"PRAGMA main.cache_size = -{SQLITE_CACHE_KIB}")
            conn.execute(f"PRAGMA temp.cache_size = -{SQLITE_TEMP_CACHE_KIB}")
            return conn
        import psycopg

        return psycopg.connect(**self.url.psycopg_kwargs(), connect_timeout=PG_CONNECT_TIMEOUT_S,
                               application_name="ticket-tui")

    def connect_checked(self) -> None:
        """Opens one connection now, or refuses with the reason in one sentence."""
        if self.dialect == "sqlite":
            if not self.url.database or self.url.database == ":memory:":
                raise Unavailable("A SQLite database in memory is empty for every connection; "
                                  "give the path of a file: sqlite:///PATH.")
            folder = Path(self.url.database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise Unavailable(f"Can't create the folder {folder} for the database: "
                                  f"{exc.strerror}.") from None
        try:
            conn = self._connect()
            conn.execute("SELECT 1").fetchall()
            if self.dialect == "postgresql":
                conn.rollback()
        except Exception as exc:  # noqa: BLE001 - any driver's refusal, as one sentence
            if not is_driver_error(exc):
                raise
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise Unavailable(f"Can't open {self.url.describe()}: {reason}") from None
        self._give_back(conn)

    def _take(self):
        while True:
            with self._lock:
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                return self._connect()
            if self.dialect == "sqlite":
                return conn
            # As SQLAlchemy's pool_pre_ping: a connection that died while idle (a restarted
            # server) is replaced, instead of failing the read it was taken for.
            try:
                if not conn.closed and not conn.broken:
                    conn.execute("SELECT 1")
                    conn.rollback()
                    return conn
            except Exception:  # noqa: BLE001 - dead: drop it and take another
                pass
            _close_quietly(conn)

    def _give_back(self, conn) -> None:
        with self._lock:
            if len(self._idle) < IDLE_CONNECTIONS:
                self._idle.append(conn)
                return
        _close_quietly(conn)

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Sql]:
        """One transaction, committed when the block ends, rolled back if it raises. write:
        begins IMMEDIATE on SQLite (see store/engine.py)."""
        phase = "work" if write else "read"
        try:
            conn = self._take()
        except Exception as exc:  # noqa: BLE001
            _raise_translated(exc, phase, lost=True)
        try:
            if self.dialect == "sqlite":
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            q = Sql(conn, self.dialect)
            yield q
            q.finish()
        except BaseException as exc:
            _rollback_quietly(conn)
            self._release_after_error(conn)
            if isinstance(exc, Exception) and is_driver_error(exc):
                _raise_translated(exc, phase)
            raise
        try:
            conn.commit() if self.dialect == "postgresql" else conn.execute("COMMIT")
        except Exception as exc:  # noqa: BLE001
            _rollback_quietly(conn)
            self._release_after_error(conn)
            _raise_translated(exc, "commit" if write else "read")
        self._give_back(conn)

    def _release_after_error(self, conn) -> None:
        if self.dialect == "postgresql" and (conn.closed or conn.broken):
            _close_quietly(conn)
        else:
            self._give_back(conn)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            _close_quietly(conn)


def is_driver_error(exc: BaseException) -> bool:
    module = type(exc).__module__
    return module.startswith(("sqlite3", "psycopg"))


def _raise_translated(exc: BaseException, phase: str, *, lost: bool = False):
    error = store_error(exc, phase, lost=lost and is_driver_error(exc))
    if error is None:
        raise exc
    raise error from exc


def _rollback_quietly(conn) -> None:
    try:
        conn.rollback()
    except Exception:  # noqa: BLE001 - on a dead connection there is nothing to roll back
        pass


def _close_quietly(conn) -> None:
    try:
        conn.close()
    except Exception:  # noqa: BLE001 - it is gone either way
        pass
