"""Engine set-up, in one place, for SQLite (embedded default) and PostgreSQL (shared team store).

SQLite runs in WAL mode with foreign keys on and a busy timeout. Write transactions begin
IMMEDIATE, so two processes never both read under a shared lock and then fail to upgrade it
(SQLITE_BUSY mid-transaction); they queue on the busy timeout instead. PostgreSQL goes through
psycopg 3; its writes lock the ticket row (SELECT ... FOR UPDATE) where rules are checked.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

from . import url as url_rules
from .errors import Unavailable
from .sql import SQLITE_BUSY_TIMEOUT_MS, setup_sqlite

WRITE = "ticket_tui_write"  # execution option: this transaction will write


def parse_url(raw: str) -> URL:
    """Checks a database URL (store/url.py, one set of rules) and makes it SQLAlchemy's."""
    checked = url_rules.parse(raw)
    return make_url(raw).set(drivername=checked.drivername)


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        setup_sqlite(dbapi_conn)  # the "begin" hook below issues BEGIN itself

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
