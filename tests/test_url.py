"""Database URLs (store/url.py): read as SQLAlchemy reads them, so the plain connections and
the engine always open the same database."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.engine import make_url

from store import url
from store.engine import parse_url
from store.errors import BadInput

SAME = [
    "sqlite:////tmp/desk.db",
    "sqlite:///relative/desk.db",
    "sqlite+pysqlite:////tmp/with%20space.db",
    "postgresql://me@127.0.0.1:5433/desk",
    "postgresql+psycopg://me:s%40cret%3A@db.example:5432/desk?sslmode=disable",
    "postgresql://me@/desk?host=/var/run/postgresql",
    "postgresql://[::1]:5432/desk",
    "postgres://me@localhost/desk",
]


@pytest.mark.parametrize("raw", SAME)
def test_the_plain_reading_agrees_with_sqlalchemy(raw: str) -> None:
    ours, theirs = url.parse(raw), make_url(raw)
    assert (ours.database, ours.host, ours.port, ours.username, ours.password) == (
        theirs.database, theirs.host, theirs.port, theirs.username, theirs.password)
    assert dict(ours.query) == dict(theirs.query)
    assert parse_url(raw).drivername == ours.drivername


@pytest.mark.parametrize("raw, sentence", [
    ("", "The database URL is empty"),
    ("   ", "The database URL is empty"),
    ("not a url", "is not a database URL"),
    ("postgresql://u@localhost:notaport/db", "is not a database URL"),
    ("mysql://u@h/db", "'mysql' databases are not supported"),
    ("sqlite+other:///x.db", "SQLite driver 'sqlite+other' is not supported"),
    ("postgresql+asyncpg://u@h/db", "PostgreSQL driver 'postgresql+asyncpg' is not supported"),
])
def test_bad_urls_are_refused_in_one_sentence(raw: str, sentence: str) -> None:
    with pytest.raises(BadInput, match=re.escape(sentence)):
        url.parse(raw)


def test_psycopg_keywords_carry_the_options() -> None:
    kwargs = url.parse("postgresql://me:pw@h:7/desk?sslmode=disable").psycopg_kwargs()
    assert kwargs == {"host": "h", "port": 7, "user": "me", "password": "pw", "dbname": "desk",
                      "sslmode": "disable"}
