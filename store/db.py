"""Opening a store: the engine, its sessions, and the schema brought up to date by Alembic."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from .engine import WRITE, make_engine, parse_url, resolve_url
from .errors import Unavailable

MIGRATIONS = Path(__file__).parent / "migrations"


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

    def upgrade(self) -> bool:
        """Runs pending migrations; True when something was applied."""
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
    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back whole if it raises."""
        with self._write() as session, session.begin():
            yield session


def _known_revision(rev: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return ScriptDirectory.from_config(_alembic_config(None)).get_revision(rev) is not None
    except CommandError:
        return False
