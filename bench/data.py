"""The benchmark's database: seeded once at the size asked for, then reused.

Two tickets are added on top of the seeded ones and put first in the administrator's queue: one
with a 2,000-message thread, and a typical one with 4 messages (the baseline for opening).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, insert, select, update

from store import service as sv
from store.actors import client_actor
from store.db import Store
from store.models import Client, Department, Membership, Message, Staff, Ticket
from store.seed import seed

BIG_SUBJECT = "Benchmark: a thread of 2,000 messages"
SMALL_SUBJECT = "Benchmark: a thread of 4 messages"
BIG_MESSAGES = 2_000
SMALL_MESSAGES = 4


@dataclass(frozen=True)
class Desk:
    url: str
    tickets: int
    admin: str  # login of an administrator: their queue is the list measured
    big: int
    small: int
    seeded_now: float | None  # seconds spent seeding in this run, if it had to


def prepare(url: str, tickets: int) -> Desk:
    store = Store.open(url)
    try:
        with store.read() as s:
            have = s.scalar(select(func.count()).select_from(Ticket))
        seconds = None
        if have == 0:
            started = time.perf_counter()
            last = [0.0]

            def progress(done: int) -> None:
                if time.perf_counter() - last[0] > 10:
                    last[0] = time.perf_counter()
                    print(f"  seeding: {done:,} of {tickets:,} tickets", file=sys.stderr, flush=True)

            print(f"Seeding {tickets:,} tickets into {url} (once; later runs reuse them)...",
                  file=sys.stderr, flush=True)
            seed(store, tickets, 4, progress=progress)
            seconds = time.perf_counter() - started
            have = tickets
        elif have < tickets:
            raise SystemExit(f"{url} holds {have:,} tickets, fewer than {tickets:,}: "
                             "give an empty database (or one seeded to this size).")
        made_before = _find(store, BIG_SUBJECT) is not None and _find(store, SMALL_SUBJECT) is not None
        big = _ticket(store, BIG_SUBJECT, BIG_MESSAGES, datetime(2000, 1, 1, tzinfo=timezone.utc))
        small = _ticket(store, SMALL_SUBJECT, SMALL_MESSAGES, datetime(2000, 1, 2, tzinfo=timezone.utc))
        if not made_before and store.dialect == "sqlite":
            # As the seed leaves it: the search index merged into one segment, the two
            # tickets just added included (the seed does this after a bulk load).
            from store.search import optimize_sqlite

            with store.write() as s:
                optimize_sqlite(s.connection())
        with store.read() as s:
            admin = s.scalar(select(Staff.login).where(Staff.is_admin).order_by(Staff.id).limit(1))
        return Desk(url, have, admin, big, small, seconds)
    finally:
        store.close()


def _find(store: Store, subject: str) -> int | None:
    with store.read() as s:
        return s.scalar(select(Ticket.id).where(Ticket.subject == subject))


def _ticket(store: Store, subject: str, messages: int, waiting_since: datetime) -> int:
    """The ticket with this subject, made if missing: open, placed first, urgent, waiting since
    long ago (so first in the queue), with `messages` messages alternating client and staff."""
    found = _find(store, subject)
    if found is not None:
        return found
    with store.read() as s:
        client = s.scalars(select(Client).order_by(Client.id).limit(1)).one()
        dept, staff_id = s.execute(
            select(Department.name, Membership.staff_id)
            .join(Membership, Membership.department_id == Department.id).limit(1)).one()
    tid = sv.open_ticket(store, client_actor(store, client.email), dept, subject,
                         "Hello,\n\nthe first message of a long conversation.")
    at = datetime.now(timezone.utc) - timedelta(days=1)
    rows = []
    for i in range(1, messages):
        by_client = i % 2 == 0
        rows.append(dict(
            ticket_id=tid, kind="client" if by_client else "staff",
            author_client_id=client.id if by_client else None,
            author_staff_id=None if by_client else staff_id,
            body=(f"Message {i} of {messages}: the nightly backup of vps-{i % 97} "
                  f"finished with {i % 7} warnings; the log is attached below.\n\nThanks"),
            created_at=at + timedelta(seconds=i)))
    with store.write() as s:
        if rows:
            s.execute(insert(Message), rows)
        s.execute(update(Ticket).where(Ticket.id == tid).values(
            placed_first=True, priority=4, awaiting_staff=True, waiting_since=waiting_since,
            updated_at=datetime.now(timezone.utc)))
    return tid
