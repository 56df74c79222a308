"""Opening a store: plain connections for the reads people wait for (store/sql.py), the
SQLAlchemy engine and its sessions for everything else (made on first use), and the schema
brought up to date by Alembic."""

from __future__ import annotations

from collections.abc import Iterator
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from . import url as url_rules
from .errors import StoreError, Unavailable
from .sql import Pool, Sql, is_driver_error, store_error
from .url import resolve_url

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest migration's revision; tests/test_schema.py checks it is the scripts' head.
HEAD = "0019"
# Where a session keeps the work its plain statements collected for before the commit (Sql.collect).
BEFORE_COMMIT = "ticket_tui_before_commit"


def _alembic_config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    cfg = _alembic_config(None)
    return ScriptDirectory.from_config(cfg).get_current_head()


class Store:
    """One database. Plain transactions come from sql(); SQLAlchemy sessions from read() and
    write() (write() begins IMMEDIATE on SQLite)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.location = url_rules.parse(url)
        self.dialect = self.location.backend
        self.plain = Pool(self.location)
        self._engine: Engine | None = None
        self._lazy_lock = threading.Lock()

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True, create: bool = True) -> "Store":
        """Connects, and upgrades an older schema unless migrate is False. create=False refuses
        a SQLite file that does not exist yet, instead of making it (and its folder)."""
        store = cls(resolve_url(url))
        if not create:
            _refuse_missing(store.location)
        store.plain.connect_checked()
        if migrate:
            store.upgrade()
        return store

    @property
    def engine(self) -> "Engine":
        """SQLAlchemy's engine, made (and SQLAlchemy imported) on first use."""
        with self._lazy_lock:
            if self._engine is None:
                from sqlalchemy.orm import sessionmaker

                from .engine import WRITE, make_engine

                engine = make_engine(self.url)
                self._read = sessionmaker(engine, expire_on_commit=False)
                self._write = sessionmaker(engine.execution_options(**{WRITE: True}),
                                           expire_on_commit=False)
                self._engine = engine
            return self._engine

    def sql(self, *, write: bool = False):
        """One plain transaction (store/sql.py); write: IMMEDIATE on SQLite."""
        return self.plain.transaction(write=write)

    def close(self) -> None:
        self.plain.close()
        if self._engine is not None:
            self._engine.dispose()

    # --- schema -------------------------------------------------------------------------
    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def _recorded_revision(self) -> str | None:
        """The schema's revision by one plain query (None: not made yet, or unreadable)."""
        try:
            with self.sql() as q:
                return q.value("SELECT version_num FROM alembic_version")
        except StoreError:
            raise
        except Exception:  # noqa: BLE001 - no such table yet, or not ours
            return None

    def upgrade(self) -> bool:
        """Runs pending migrations; True when something was applied."""
        if self._recorded_revision() == HEAD:
            return False  # the usual case, answered without loading Alembic (a tenth of start-up)
        from alembic import command

        head = head_revision()
        current = self.current_revision()
        if current == head:
            return False
        if current is not None and not _known_revision(current):
            raise Unavailable(
                f"{self.location.describe()} was made by a newer ticket-tui (schema {current}); upgrade ticket-tui."
            )
        from .engine import WRITE

        with self.engine.execution_options(**{WRITE: True}).begin() as conn:
            command.upgrade(_alembic_config(conn), "head")
        return True

    def table_names(self) -> list[str]:
        from sqlalchemy import inspect

        return sorted(inspect(self.engine).get_table_names())

    # --- sessions -----------------------------------------------------------------------
    # A dropped connection, a restarted server, a timed-out statement or a refusal by the
    # database's own row security surfaces as a StoreError with one sentence, never as a driver
    # traceback. The pool pings connections before use, so the next call reconnects.
    def read(self):
        """One read transaction (a SQLAlchemy session)."""
        self.engine  # noqa: B018 - made on first use, with its session makers
        return _session(self._read, "read", "read")

    def write(self):
        """One transaction: committed when the block ends, rolled back whole if it raises."""
        self.engine  # noqa: B018 - made on first use, with its session makers
        return _session(self._write, "work", "commit")


@contextmanager
def _session(maker, phase: str, commit_phase: str) -> Iterator["Session"]:
    with maker() as session:
        with _translated(phase):
            session.begin()
        try:
            with _translated(phase):
                yield session
                if session.info.get(BEFORE_COMMIT):
                    plain_in(session).finish()
        except BaseException:
            _quiet_rollback(session)
            raise
        with _translated(commit_phase):
            session.commit()


def _refuse_missing(location: url_rules.DbUrl) -> None:
    """A mistyped path must not quietly become a new, empty help desk: only `init` (and the
    default location, on a first run) makes one."""
    path = location.database
    if location.backend != "sqlite" or not path or path == ":memory:":
        return
    if not Path(path).expanduser().exists():
        raise Unavailable(f"There is no database at {path}; `ticket-tui --db {location.raw} init` "
                          "creates one.")


def plain_in(session: "Session") -> Sql:
    """The plain layer's view of a SQLAlchemy session's transaction: plain reads (store/sql.py)
    inside a write, on the same connection, after the session's pending changes (as its own
    queries would autoflush them)."""
    session.flush()
    return Sql(session.connection().connection.driver_connection, session.get_bind().dialect.name,
               session.info.setdefault(BEFORE_COMMIT, {}))


def _quiet_rollback(session: "Session") -> None:
    """Ends the transaction; on a dead connection there is nothing left to roll back."""
    from sqlalchemy.exc import DBAPIError

    try:
        session.rollback()
    except DBAPIError:
        pass


@contextmanager
def _translated(phase: str) -> Iterator[None]:
    from sqlalchemy.exc import DBAPIError

    try:
        yield
    except DBAPIError as exc:
        error = _store_error(exc, phase)
        if error is None:
            raise
        raise error from exc
    except Exception as exc:
        # Plain SQL run inside the session (plain_in) raises the driver's own errors, which
        # SQLAlchemy never wraps: a server restarted mid-write must read the same either way.
        if not is_driver_error(exc):
            raise
        error = store_error(exc, phase)
        if error is None:
            raise
        raise error from exc


def _store_error(exc, phase: str) -> StoreError | None:
    """SQLAlchemy's wrapping of a driver error, read by the plain layer's one set of rules."""
    from sqlalchemy.exc import OperationalError

    orig = exc.orig
    lost = exc.connection_invalidated or (isinstance(exc, OperationalError)
                                          and not getattr(orig, "sqlstate", None))
    return store_error(orig, phase, lost=lost)


def _known_revision(rev: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return ScriptDirectory.from_config(_alembic_config(None)).get_revision(rev) is not None
    except CommandError:
        return False
