"""The migrated schema is the models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from store.db import Store, head_revision
from store.mail import models as _mail_models  # noqa: F401 - the mail tables join the metadata
from store import macro_models as _macro_models  # noqa: F401 - the macros table joins the metadata
from store.sla import models as _sla_models  # noqa: F401 - the response targets join the metadata
from store.rules import models as _rule_models  # noqa: F401 - the rules tables join the metadata
from store.models import Base
from store.search import include_name


def test_migrations_reach_head_and_match_the_models(store: Store) -> None:
    assert store.current_revision() == head_revision()
    with store.engine.connect() as conn:
        # The search index is made by migration 0002 outside the models (store/search.py).
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_every_model_table_exists(store: Store) -> None:
    expected = set(Base.metadata.tables)
    assert expected <= set(store.table_names())
    for table in ("tickets", "holders", "messages", "message_edits", "attachments", "charges",
                  "abuse_cases", "favorites", "seen_marks", "drafts", "reply_templates",
                  "settings", "staff_settings", "ticket_events", "memberships", "services"):
        assert table in expected


def test_queue_and_activity_indexes_exist(store: Store) -> None:
    names = {ix["name"] for ix in inspect(store.engine).get_indexes("tickets")}
    assert {"ix_tickets_queue", "ix_tickets_queue_priority", "ix_tickets_activity"} <= names


def test_opening_again_migrates_nothing(store: Store) -> None:
    assert store.upgrade() is False


def test_an_older_database_is_upgraded_on_open(db_url: str) -> None:
    s = Store.open(db_url)
    with s.engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
        for table in reversed(Base.metadata.sorted_tables):
            # CASCADE: on PostgreSQL the row-security policies of one table refer to others.
            cascade = " CASCADE" if conn.dialect.name == "postgresql" else ""
            conn.execute(text(f"DROP TABLE {table.name}{cascade}"))
    s.close()
    reopened = Store.open(db_url)
    try:
        assert reopened.current_revision() == head_revision()
        assert set(Base.metadata.tables) <= set(reopened.table_names())
    finally:
        reopened.close()


def test_sqlite_pragmas(sqlite_url: str) -> None:
    s = Store.open(sqlite_url)
    try:
        with s.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        s.close()


def test_sqlite_write_transactions_begin_immediate(sqlite_url: str) -> None:
    """A write session takes the write lock at BEGIN: a second writer can't start meanwhile."""
    import sqlite3

    s = Store.open(sqlite_url)
    path = sqlite_url.removeprefix("sqlite:///")
    try:
        with s.write() as session:
            session.execute(text("SELECT 1"))
            other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
                raise AssertionError("a second writer got the lock during a write transaction")
            except sqlite3.OperationalError as exc:
                assert "locked" in str(exc)
            finally:
                other.close()
        with s.read() as session:
            session.execute(text("SELECT 1"))
            other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")  # a read transaction leaves writers free
            other.execute("ROLLBACK")
            other.close()
    finally:
        s.close()


def test_the_head_constant_is_the_newest_migration() -> None:
    """Store.open compares the database's revision with db.HEAD to skip loading Alembic: a new
    migration must move HEAD too, or databases would never be upgraded to it."""
    from store import db

    assert db.HEAD == head_revision()
