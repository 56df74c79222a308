"""seed(): one run, batch by batch, and what it reports.

Tickets are made one batch at a time (memory stays bounded) and written with one bulk
statement per table and batch, in one transaction per batch: executemany on SQLite, COPY on
PostgreSQL. Tickets, clients and services get ids chosen here, so holders, messages and events
point at them without a round-trip; the other tables number their own rows (nothing refers to
them). On PostgreSQL the chosen ids come from the tables' own sequences (nextval), so inserts
made later, or meanwhile by someone else, can't collide with seeded rows.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text

from ..clock import utcnow
from ..db import Store
from ..errors import BadInput
from .people import add_clients, setup_people
from .tickets import TicketGenerator
from .writes import COLUMNS, Stamper, write_batch


@dataclass
class SeedReport:
    tickets: int = 0
    messages: int = 0
    holders: int = 0
    events: int = 0
    charges: int = 0
    abuse_cases: int = 0
    clients: int = 0
    services: int = 0
    departments_created: int = 0
    staff_created: int = 0
    seconds: float = 0.0

    @property
    def tickets_per_second(self) -> float:
        return self.tickets / self.seconds if self.seconds > 0 else 0.0


_REPORTED = {"tickets": "tickets", "messages": "messages", "holders": "holders",
             "ticket_events": "events", "charges": "charges", "abuse_cases": "abuse_cases"}


def seed(store: Store, tickets: int, messages: int = 4, *, rng_seed: int = 1,
         progress: Callable[[int], None] | None = None, batch_size: int = 10_000,
         now: datetime | None = None) -> SeedReport:
    """Adds `tickets` tickets (`messages` messages each on average) and the people they need.

    `progress` gets the number of tickets written so far, after each committed batch.
    """
    if tickets < 1:
        raise BadInput("The number of tickets to seed must be at least 1.")
    if messages < 1:
        raise BadInput("The average number of messages per ticket must be at least 1.")
    started = time.perf_counter()
    rng = random.Random(rng_seed)
    now_ts = int((now or utcnow()).timestamp())
    report = SeedReport()
    world, report.departments_created, report.staff_created = setup_people(store)
    client_count = max(5, math.ceil(tickets / 20))
    report.clients, report.services = add_clients(store, rng, world, client_count, now_ts)
    gen = TicketGenerator(world, rng, tickets, messages, now_ts, Stamper(store.dialect))
    for start in range(0, tickets, batch_size):
        batch = gen.batch(start, min(batch_size, tickets - start))
        with store.write() as s:
            write_batch(s, batch)
        for table, name in _REPORTED.items():
            setattr(report, name, getattr(report, name) + len(batch.rows[table]))
        if progress is not None:
            progress(report.tickets)
    if store.dialect == "postgresql":
        # Fresh statistics now, not whenever autovacuum gets to it: else the planner believes
        # the tables are still nearly empty.
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE " + ", ".join(["clients", "services", *COLUMNS]))
    else:
        _merge_search_index(store, tickets)
    report.seconds = time.perf_counter() - started
    return report


def _merge_search_index(store: Store, seeded: int) -> None:
    """The triggers fed the search index batch by batch, leaving it in many segments; every
    search then reads each of them. When this seed wrote a good part of the tickets, merge them
    into one (~10 s for a million tickets; not worth it for a few on a big desk)."""
    from ..search import optimize_sqlite

    with store.read() as s:
        total = s.scalar(text("SELECT count(*) FROM tickets"))
    if seeded * 4 >= total:
        with store.write() as s:
            optimize_sqlite(s.connection())
