"""Writing seeded rows in bulk: the tables' columns, ids taken ahead, one bulk statement per
table and batch (executemany on SQLite, COPY on PostgreSQL), and times as the database stores
them."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import text, update
from sqlalchemy.orm import Session

from ..models import Client

# Columns of each bulk-written table, in the order rows are built; tables in foreign-key order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "tickets": ("id", "client_id", "subject", "summary", "service_id", "department_id",
                "responsible_staff_id", "priority", "placed_first", "delayed_until",
                "locked_by_id", "lock_token", "locked_at", "archived_at", "client_unread",
                "incidents", "is_open", "awaiting_staff", "waiting_since", "created_at",
                "updated_at"),
    "holders": ("ticket_id", "department_id", "staff_id", "is_open", "opened_at", "closed_at"),
    "messages": ("ticket_id", "kind", "author_staff_id", "author_client_id", "body", "created_at"),
    "ticket_events": ("ticket_id", "staff_id", "client_id", "action", "detail", "created_at"),
    "charges": ("ticket_id", "client_id", "staff_id", "amount_cents", "created_at"),
    "abuse_cases": ("ticket_id", "client_id", "service_id", "staff_id", "kind", "description",
                    "created_at"),
}
CLIENT_COLS = ("id", "email", "name", "registered_at", "internal_comment", "balance_cents",
               "incidents_left")
SERVICE_COLS = ("id", "client_id", "name", "kind", "domain")


@dataclass
class Batch:
    """Rows per table; column 0 holds the ticket's number in the batch until written."""

    rows: dict[str, list[list]] = field(default_factory=lambda: {t: [] for t in COLUMNS})
    charged: dict[int, int] = field(default_factory=dict)  # client id -> cents taken


def take_ids(s: Session, table: str, n: int) -> list[int]:
    """n unused ids for `table`, inside the caller's write transaction."""
    if s.bind.dialect.name == "postgresql":
        # First move the sequence past rows someone inserted with explicit ids, if any.
        s.execute(text(
            f"SELECT setval(x.seq, x.top) FROM (SELECT pg_get_serial_sequence('{table}', 'id')"
            f"::regclass AS seq, (SELECT max(id) FROM {table}) AS top) AS x WHERE x.top IS NOT "
            "NULL AND x.top >= coalesce(pg_sequence_last_value(x.seq), 0)"))
        return list(s.scalars(text(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
                                   "FROM generate_series(1, :n)"), {"n": n}))
    # SQLite: the write transaction began IMMEDIATE, so nobody else inserts until we commit.
    first = (s.scalar(text(f"SELECT max(id) FROM {table}")) or 0) + 1
    return list(range(first, first + n))


def bulk(s: Session, table: str, cols: tuple[str, ...], rows: list) -> None:
    """Writes rows of final values (times stamped already) in the session's transaction.

    Straight through the DBAPI: SQLAlchemy's per-value bind processing cost as much time as
    making the data.
    """
    if not rows:
        return
    raw = s.connection().connection.driver_connection
    names = ", ".join(cols)
    if s.bind.dialect.name == "postgresql":
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(cols))})",
                        rows)


def write_batch(s: Session, batch: Batch) -> None:
    if s.bind.dialect.name == "postgresql":
        # Seeded tickets get due times at their next event, as on SQLite (whose seeder runs no
        # step): the response targets' trigger honours this for the operator only (0018).
        s.execute(text("SET LOCAL ticket_tui.no_sla = 'on'"))
    ids = take_ids(s, "tickets", len(batch.rows["tickets"]))
    for table, rows in batch.rows.items():
        for row in rows:
            row[0] = ids[row[0]]
        bulk(s, table, COLUMNS[table], rows)
    # The charged money leaves the balances in the same transaction: always consistent.
    for client_id, cents in batch.charged.items():
        s.execute(update(Client).where(Client.id == client_id)
                  .values(balance_cents=Client.balance_cents - cents))


class Stamper:
    """Unix seconds -> the timestamp text the database stores, fast (a million tickets need
    fourteen million): a cached date plus one of 86,400 precomputed times of day.

    SQLite gets exactly the text store.types.UTCDateTime writes, so comparisons with values
    bound by SQLAlchemy stay right; PostgreSQL parses "...+00" into timestamptz during COPY.
    """

    def __init__(self, dialect: str) -> None:
        tail = ".000000" if dialect == "sqlite" else "+00"
        self.times = [f"{h:02d}:{m:02d}:{sec:02d}{tail}"
                      for h in range(24) for m in range(60) for sec in range(60)]
        self.days: dict[int, str] = {}

    def __call__(self, ts: int) -> str:
        day, second = divmod(ts, 86400)
        prefix = self.days.get(day)
        if prefix is None:
            prefix = self.days[day] = time.strftime("%Y-%m-%d ", time.gmtime(day * 86400))
        return prefix + self.times[second]
