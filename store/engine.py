"""Engine set-up, in one place, for SQLite (embedded default) and PostgreSQL (shared team store).

SQLite runs in WAL mode with foreign keys on and a busy timeout. Write transactions begin
IMMEDIATE, so two processes never both read under a shared lock and then fail to upgrade it
(SQLITE_BUSY mid-transaction); they queue on the busy timeout instead. PostgreSQL goes through
psycopg 3; its writes lock the ticket row (SELECT ... FOR UPDATE) where rules are checked.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from .errors import BadInput, Unavailable

ENV_VAR = "TICKET_TUI_DB"
SQLITE_BUSY_TIMEOUT_MS = 10_000
WRITE = "ticket_tui_write"  # execution option: this transaction will write


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("ticket-tui", appauthor=False) / "tickets.db"


def resolve_url(cli_url: str | None) -> str:
    """The database URL: --db, else $TICKET_TUI_DB, else a SQLite file in the user data dir."""
    if cli_url is not None:
        return cli_url
    env = os.environ.get(ENV_VAR)
    if env:
        return env
    return f"sqlite:///{default_db_path()}"


def parse_url(raw: str) -> URL:
    """Checks a database URL and normalises it; refuses anything else with one sentence."""
    if not raw or not raw.strip():
        raise BadInput("The database URL is empty; use sqlite:///PATH or postgresql://USER@HOST/DB.")
    try:
        url = make_url(raw)
        url.port  # a port that is not a number fails here, not deep in the driver
    except (ArgumentError, ValueError):
        raise BadInput(
            f"'{raw}' is not a database URL; use sqlite:///PATH or postgresql://USER@HOST/DB."
        ) from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.drivername not in ("sqlite", "sqlite+pysqlite"):
            raise BadInput(f"SQLite driver '{url.drivername}' is not supported; use sqlite:///PATH.")
        return url
    if backend in ("postgresql", "postgres"):
        if url.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
            return url.set(drivername="postgresql+psycopg")
        raise BadInput(
            f"PostgreSQL driver '{url.drivername}' is not supported; use postgresql://USER@HOST/DB."
        )
    raise BadInput(f"'{backend}' databases are not supported; use sqlite:/// or postgresql://.")


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        # pysqlite's own BEGIN handling is off; the "begin" hook below issues ours.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        write = conn.get_execution_options().get(WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(raw_url: str, **kwargs) -> Engine:
    url = parse_url(raw_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            folder = Path(url.database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise Unavailable(f"Can't create the folder {folder} for the database: "
                                  f"{exc.strerror}.") from None
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)
        _sqlite_setup(engine)
        return engine
    connect_args = {"connect_timeout": 5, "application_name": "ticket-tui"}
    return create_engine(url, connect_args=connect_args, pool_pre_ping=True, **kwargs)
