"""Database URLs, read without SQLAlchemy: the app's start-up connects before loading it.

The grammar is SQLAlchemy's own (`backend+driver://user:password@host:port/database?options`,
the same pattern and unquoting as sqlalchemy.engine.url), so a URL names the same database
whether the plain driver (store/sql.py) or the SQLAlchemy engine (store/engine.py) opens it;
tests/test_url.py checks the two readings agree.
"""

from __future__ import annotations

import os
import re
from typing import NamedTuple
from urllib.parse import parse_qsl, unquote

from .errors import BadInput

ENV_VAR = "TICKET_TUI_DB"

_PATTERN = re.compile(
    r"""
        (?P<name>[\w\+]+)://
        (?:
            (?P<username>[^:/]*)
            (?::(?P<password>[^@]*))?
        @)?
        (?:
            (?:
                \[(?P<ipv6host>[^/\?]+)\] |
                (?P<ipv4host>[^/:\?]+)
            )?
            (?::(?P<port>[^/\?]*))?
        )?
        (?:/(?P<database>[^\?]*))?
        (?:\?(?P<query>.*))?
    """,
    re.X,
)


def default_db_path():
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


def is_default(cli_url: str | None) -> bool:
    """True when resolve_url would choose the default file (a first run makes it there)."""
    return cli_url is None and not os.environ.get(ENV_VAR)


_USAGE = "use sqlite:///PATH or postgresql://USER@HOST/DB."


class DbUrl(NamedTuple):
    """A checked database URL: which backend, and where."""

    raw: str
    backend: str  # "sqlite" or "postgresql"
    drivername: str
    database: str | None = None
    host: str | None = None
    port: int | None = None
    username: str | None = None
    password: str | None = None
    query: tuple[tuple[str, str], ...] = ()  # the options after "?", in order

    def describe(self) -> str:
        """The database as a sentence names it."""
        if self.backend == "sqlite":
            return f"the SQLite database {self.database}"
        return f"the PostgreSQL database '{self.database or ''}' on {self.host or 'the local socket'}"

    def psycopg_kwargs(self) -> dict:
        """psycopg.connect() keywords: the URL's own user, password, host and options; libpq
        finds the rest (environment, .pgpass, ...)."""
        kwargs = {k: v for k, v in {
            "host": self.host, "port": self.port, "user": self.username,
            "password": self.password, "dbname": self.database,
        }.items() if v is not None}
        kwargs.update(self.query)
        return kwargs


def parse(raw: str) -> DbUrl:
    """Checks a database URL; refuses anything else with one sentence."""
    if not raw or not raw.strip():
        raise BadInput("The database URL is empty; " + _USAGE)
    m = _PATTERN.match(raw)
    not_a_url = BadInput(f"'{raw}' is not a database URL; " + _USAGE)
    if m is None:
        raise not_a_url
    parts = m.groupdict()
    try:
        port = int(parts["port"]) if parts["port"] else None
    except ValueError:
        raise not_a_url from None
    query: dict[str, str] = {}
    for key, value in parse_qsl(parts["query"] or ""):
        query[key] = value  # a repeated option: the last one counts, as libpq reads it
    unquoted = {k: unquote(parts[k]) if parts[k] is not None else None
                for k in ("username", "password", "database")}
    name = parts["name"]
    backend, _, _driver = name.partition("+")
    if backend == "sqlite":
        if name not in ("sqlite", "sqlite+pysqlite"):
            raise BadInput(f"SQLite driver '{name}' is not supported; use sqlite:///PATH.")
    elif backend in ("postgresql", "postgres"):
        if name not in ("postgresql", "postgres", "postgresql+psycopg"):
            raise BadInput(f"PostgreSQL driver '{name}' is not supported; "
                           "use postgresql://USER@HOST/DB.")
        backend, name = "postgresql", "postgresql+psycopg"
    else:
        raise BadInput(f"'{backend}' databases are not supported; use sqlite:/// or postgresql://.")
    return DbUrl(raw, backend, name, unquoted["database"], parts["ipv4host"] or parts["ipv6host"],
                 port, unquoted["username"], unquoted["password"], tuple(query.items()))
