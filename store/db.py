"""Opening a store: the engine, its sessions, and the schema brought up to date by Alembic."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from .engine import WRITE, make_engine, parse_url, resolve_url
from .errors import ConnectionLost, RefusedByDatabase, StoreError, Unavailable

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest migration's revision; tests/test_schema.py checks it is the scripts' head.
HEAD = "0003"


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


def _describe(url_text: str) -> str:
    url = parse_url(url_text)
    if url.get_backend_name() == "sqlite":
        return f"the SQLite database {url.database}"
    where = url.host or "the local socket"
    return f"the PostgreSQL database '{url.database or ''}' on {where}"


class Store:
    """One database. Sessions come from read() and write(); write() begins IMMEDIATE on SQLite."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self.dialect = engine.dialect.name
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(engine.execution_options(**{WRITE: True}), expire_on_commit=False)

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True) -> "Store":
        """Connects, and upgrades an older schema unless migrate is False."""
        url = resolve_url(url)
        engine = make_engine(url)
        store = cls(engine, url)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except (OperationalError, DBAPIError) as exc:
            engine.dispose()
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            raise Unavailable(f"Can't open {_describe(url)}: {reason}") from None
        if migrate:
            store.upgrade()
        return store

    def close(self) -> None:
        self.engine.dispose()

    # --- schema -------------------------------------------------------------------------
    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def _recorded_revision(self) -> str | None:
        """The schema's revision by one plain query (None: not made yet, or unreadable)."""
        try:
            with self.engine.connect() as conn:
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError:
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
                f"{_describe(self.url)} was made by a newer ticket-tui (schema {current}); upgrade ticket-tui."
            )
        with self.engine.execution_options(**{WRITE: True}).begin() as conn:
            command.upgrade(_alembic_config(conn), "head")
        return True

    def table_names(self) -> list[str]:
        return sorted(inspect(self.engine).get_table_names())

    # --- sessions -----------------------------------------------------------------------
    # A dropped connection, a restarted server, a timed-out statement or a refusal by the
    # database's own row security surfaces as a StoreError with one sentence, never as a driver
    # traceback. The pool pings connections before use, so the next call reconnects.
    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session:
            with _translated("read"):
                session.begin()
            try:
                with _translated("read"):
                    yield session
            except BaseException:
                _quiet_rollback(session)
                raise
            with _translated("read"):
                session.commit()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back whole if it raises."""
        with self._write() as session:
            with _translated("work"):
                session.begin()
            try:
                with _translated("work"):
                    yield session
            except BaseException:
                _quiet_rollback(session)
                raise
            with _translated("commit"):
                session.commit()


def _quiet_rollback(session: Session) -> None:
    """Ends the transaction; on a dead connection there is nothing left to roll back."""
    try:
        session.rollback()
    except DBAPIError:
        pass


# Connection exceptions, shutdown, restart; too many connections, and a database closed to new
# connections by its operator (55000 at connect time): each means "not reachable right now".
_LOST_STATES = ("08", "57P01", "57P02", "57P03", "53300", "55000")
_TIMED_OUT = ("57014", "55P03", "40P01")  # statement/lock timeout, deadlock


@contextmanager
def _translated(phase: str) -> Iterator[None]:
    try:
        yield
    except DBAPIError as exc:
        error = _store_error(exc, phase)
        if error is None:
            raise
        raise error from exc


def _store_error(exc: DBAPIError, phase: str) -> StoreError | None:
    if not hasattr(exc.orig, "sqlstate"):  # not psycopg: SQLite's errors stay as they are
        return None
    state = exc.orig.sqlstate or ""
    if state == "42501":
        return RefusedByDatabase("The database refused this for your login role: it is outside "
                                 "what your role may see or change.")
    lost = exc.connection_invalidated or state.startswith(_LOST_STATES) or (
        isinstance(exc, OperationalError) and not state)
    if state in _TIMED_OUT:
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


def _known_revision(rev: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return ScriptDirectory.from_config(_alembic_config(None)).get_revision(rev) is not None
    except CommandError:
        return False
