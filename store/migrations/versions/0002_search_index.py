"""full-text search index over subjects and messages

SQLite: a contentless FTS5 table fed by triggers, so every write path (the service, bulk
seeding, edits, splits) keeps it in sync. PostgreSQL: stored generated tsvector columns with GIN
indexes, which PostgreSQL keeps in sync by itself. store/search.py explains the layout; the
queries there depend on the exact expressions below.

SQLite note: a later migration that rebuilds `tickets` or `messages` (batch mode copies the
table) drops their triggers and must create them again.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 21:00:00
"""
from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SHIFT = "4294967296"  # 2**32: the FTS rowid is ticket id * 2**32 + message id (0: the subject)
PUBLIC = "IN ('client', 'staff')"

SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE ticket_search USING fts5("
    "subject, public, private, content='', columnsize=0, "
    "tokenize='unicode61 remove_diacritics 2')"
)


def _doc(row: str) -> str:
    """(rowid, subject, public, private) values of a message's document."""
    return (f"{row}.ticket_id * {SHIFT} + {row}.id, NULL, "
            f"CASE WHEN {row}.kind {PUBLIC} THEN {row}.body END, "
            f"CASE WHEN {row}.kind {PUBLIC} THEN NULL ELSE {row}.body END")


SQLITE_TRIGGERS = {
    "ticket_search_ticket_insert": f"""
        CREATE TRIGGER ticket_search_ticket_insert AFTER INSERT ON tickets BEGIN
            INSERT INTO ticket_search(rowid, subject) VALUES (new.id * {SHIFT}, new.subject);
        END""",
    "ticket_search_ticket_update": f"""
        CREATE TRIGGER ticket_search_ticket_update AFTER UPDATE OF subject ON tickets
        WHEN old.subject IS NOT new.subject BEGIN
            INSERT INTO ticket_search(ticket_search, rowid, subject)
                VALUES ('delete', old.id * {SHIFT}, old.subject);
            INSERT INTO ticket_search(rowid, subject) VALUES (new.id * {SHIFT}, new.subject);
        END""",
    "ticket_search_ticket_delete": f"""
        CREATE TRIGGER ticket_search_ticket_delete AFTER DELETE ON tickets BEGIN
            INSERT INTO ticket_search(ticket_search, rowid, subject)
                VALUES ('delete', old.id * {SHIFT}, old.subject);
        END""",
    "ticket_search_message_insert": f"""
        CREATE TRIGGER ticket_search_message_insert AFTER INSERT ON messages BEGIN
            INSERT INTO ticket_search(rowid, subject, public, private) VALUES ({_doc('new')});
        END""",
    # An edit changes the body; a split moves the message to another ticket (a new rowid).
    "ticket_search_message_update": f"""
        CREATE TRIGGER ticket_search_message_update AFTER UPDATE OF body, kind, ticket_id
        ON messages
        WHEN old.body IS NOT new.body OR old.kind IS NOT new.kind
             OR old.ticket_id IS NOT new.ticket_id BEGIN
            INSERT INTO ticket_search(ticket_search, rowid, subject, public, private)
                VALUES ('delete', {_doc('old')});
            INSERT INTO ticket_search(rowid, subject, public, private) VALUES ({_doc('new')});
        END""",
    "ticket_search_message_delete": f"""
        CREATE TRIGGER ticket_search_message_delete AFTER DELETE ON messages BEGIN
            INSERT INTO ticket_search(ticket_search, rowid, subject, public, private)
                VALUES ('delete', {_doc('old')});
        END""",
}

# PostgreSQL: a tsvector can't exceed 1 MB, so only a message's first 200,000 characters are
# indexed. Punctuation becomes a space first, so words split as in SQLite's tokenizer.
PG_VECTOR = ("to_tsvector('simple'::regconfig, "
             "regexp_replace(left({col}, 200000), '[[:punct:][:space:]]+', ' ', 'g'))")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _upgrade_sqlite()
    else:
        _upgrade_postgresql()


def _upgrade_sqlite() -> None:
    # A table left behind by a dropped schema would hold stale documents: start afresh.
    op.execute("DROP TABLE IF EXISTS ticket_search")
    op.execute(SQLITE_TABLE)
    op.execute(f"INSERT INTO ticket_search(rowid, subject) SELECT id * {SHIFT}, subject FROM tickets")
    op.execute(f"INSERT INTO ticket_search(rowid, subject, public, private) "
               f"SELECT {_doc('messages')} FROM messages")
    has_rows = op.get_bind().exec_driver_sql("SELECT EXISTS (SELECT 1 FROM messages)").scalar()
    if has_rows:  # one segment instead of many: lookups read one b-tree
        op.execute("INSERT INTO ticket_search(ticket_search) VALUES ('optimize')")
    for name, sql in SQLITE_TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(sql)


def _upgrade_postgresql() -> None:
    for table, col in (("tickets", "subject"), ("messages", "body")):
        op.execute(f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
                   f"GENERATED ALWAYS AS ({PG_VECTOR.format(col=col)}) STORED")
        op.execute(f"CREATE INDEX ix_{table}_search ON {table} USING gin (search_vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS ticket_search")
    else:
        for table in ("tickets", "messages"):
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_search")
            op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
