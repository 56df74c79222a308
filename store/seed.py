"""Seeding: realistic, varied help-desk data written in bulk (a million tickets in minutes).

Tickets are made one batch at a time (memory stays bounded) and written with one bulk
statement per table and batch, in one transaction per batch: executemany on SQLite, COPY on
PostgreSQL. Tickets, clients and services get ids chosen here, so holders, messages and events
point at them without a round-trip; the other tables number their own rows (nothing refers to
them). On PostgreSQL the chosen ids come from the tables' own sequences (nextval), so inserts
made later, or meanwhile by someone else, can't collide with seeded rows.

Every row obeys the ticket rules of domain.md (holders, statuses, lock, waiting time...), so the
ticket service reads seeded data exactly as data it wrote itself.
"""

from __future__ import annotations

import math
import random
import time
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from . import seed_text as st
from .db import Store
from .errors import BadInput
from .models import Client, Department, Membership, Staff
from .seed_text import num, pick
from .clock import utcnow

SPAN = 3 * 365 * 86400  # tickets are spread over the last three years
CLIENT_CHUNK = 20_000
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
PRIORITIES = (1,) * 10 + (2,) * 65 + (3,) * 18 + (4,) * 7  # low, normal, high, urgent


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


@dataclass(frozen=True)
class _Dept:
    id: int
    name: str  # as stored: an existing department may differ in case
    per_incident: bool
    topic: str  # its name in seed_text, which picks what its tickets are about


@dataclass
class _Client:
    id: int
    first: str
    name: str
    domain: str
    services: list[tuple[int, str, str | None]]  # (id, kind, domain)
    balance: int


@dataclass
class _World:
    depts: list[_Dept]
    members: dict[int, list[int]]  # department id -> staff ids
    admins: list[int]
    staff_names: dict[int, str]
    clients: list[_Client] = field(default_factory=list)


@dataclass
class _Batch:
    """Rows per table; column 0 holds the ticket's number in the batch until written."""

    rows: dict[str, list[list]] = field(default_factory=lambda: {t: [] for t in COLUMNS})
    charged: dict[int, int] = field(default_factory=dict)  # client id -> cents taken


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
    world = _setup_people(store, report)
    _add_clients(store, rng, world, max(5, math.ceil(tickets / 20)), now_ts, report)
    gen = _Generator(world, rng, tickets, messages, now_ts, _Stamper(store.dialect))
    for start in range(0, tickets, batch_size):
        batch = gen.batch(start, min(batch_size, tickets - start))
        with store.write() as s:
            _write_batch(s, batch)
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
    into one (a minute for a million tickets; not worth it for a few on a big desk)."""
    from .search import optimize_sqlite

    with store.read() as s:
        total = s.scalar(text("SELECT count(*) FROM tickets"))
    if seeded * 4 >= total:
        with store.write() as s:
            optimize_sqlite(s.connection())


# --- ids and bulk writes ----------------------------------------------------------------
def _take_ids(s: Session, table: str, n: int) -> list[int]:
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


def _bulk(s: Session, table: str, cols: tuple[str, ...], rows: list) -> None:
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


def _write_batch(s: Session, batch: _Batch) -> None:
    ids = _take_ids(s, "tickets", len(batch.rows["tickets"]))
    for table, rows in batch.rows.items():
        for row in rows:
            row[0] = ids[row[0]]
        _bulk(s, table, COLUMNS[table], rows)
    # The charged money leaves the balances in the same transaction: always consistent.
    for client_id, cents in batch.charged.items():
        s.execute(update(Client).where(Client.id == client_id)
                  .values(balance_cents=Client.balance_cents - cents))


class _Stamper:
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


# --- departments, staff, clients, services -------------------------------------------------
def _setup_people(store: Store, report: SeedReport) -> _World:
    """Creates the seed departments and staff that are missing; leaves existing ones as they are."""
    with store.write() as s:
        by_name = {d.name.lower(): d for d in s.scalars(select(Department))}
        for name, per_incident, _ in st.DEPARTMENTS:
            if name.lower() not in by_name:
                by_name[name.lower()] = Department(name=name, per_incident=per_incident)
                s.add(by_name[name.lower()])
                report.departments_created += 1
        s.flush()
        logins = set(s.scalars(select(Staff.login)))
        for login, name, is_admin, depts, heads in st.STAFF:
            if login not in logins:
                member = Staff(login=login, name=name, is_admin=is_admin)
                s.add(member)
                s.flush()
                s.add_all(Membership(staff_id=member.id, department_id=by_name[d.lower()].id,
                                     is_head=d in heads) for d in depts)
                report.staff_created += 1
        s.flush()
        depts = [_Dept(d.id, d.name, d.per_incident, n)
                 for n, d in ((n, by_name[n.lower()]) for n, _, _ in st.DEPARTMENTS)]
        members: dict[int, list[int]] = {d.id: [] for d in depts}
        for staff_id, dept_id in s.execute(select(Membership.staff_id, Membership.department_id)
                                           .order_by(Membership.staff_id)):
            members.setdefault(dept_id, []).append(staff_id)
        admins = list(s.scalars(select(Staff.id).where(Staff.is_admin).order_by(Staff.id)))
        names = {i: n for i, n in s.execute(select(Staff.id, Staff.name))}
        for d in depts:  # a department nobody may answer would make impossible tickets
            if not members[d.id] and not admins:
                s.add(Membership(staff_id=min(names), department_id=d.id))
                members[d.id].append(min(names))
    return _World(depts, members, admins, names)


def _add_clients(store: Store, rng: random.Random, world: _World, count: int, now_ts: int,
                 report: SeedReport) -> None:
    stamp = _Stamper(store.dialect)
    for start in range(0, count, CLIENT_CHUNK):
        with store.write() as s:
            client_ids = _take_ids(s, "clients", min(CLIENT_CHUNK, count - start))
            made = [(cid, st.client_identity(rng, cid)) for cid in client_ids]
            offers = [st.services_for(rng, identity[3]) for _, identity in made]
            service_ids = iter(_take_ids(s, "services", sum(map(len, offers))))
            clients, services = [], []
            for (cid, (first, name, email, domain, comment)), offer in zip(made, offers):
                # Registered before the oldest ticket; a balance that charges can come out of.
                registered = stamp(now_ts - SPAN - num(rng, 86400, 4 * 365 * 86400))
                balance = num(rng, 20, 5000) * 100
                clients.append([cid, email, name, registered, comment, balance, num(rng, 0, 11)])
                owned = [(next(service_ids), kind, dom) for _, kind, dom in offer]
                services += [[sid, cid, svc[0], kind, dom]
                             for (sid, kind, dom), svc in zip(owned, offer)]
                world.clients.append(_Client(cid, first, name, domain, owned, balance))
            _bulk(s, "clients", CLIENT_COLS, clients)
            _bulk(s, "services", SERVICE_COLS, services)
        report.clients += len(clients)
        report.services += len(services)


# --- tickets ----------------------------------------------------------------------------
class _Generator:
    """Makes tickets one at a time, with every rule of domain.md holding for each."""

    def __init__(self, world: _World, rng: random.Random, total: int, avg: int, now_ts: int,
                 stamp: _Stamper) -> None:
        self.w, self.rng, self.total, self.avg, self.now = world, rng, total, avg, now_ts
        self.stamp, self.start = stamp, now_ts - SPAN
        shares = [share for _, _, share in st.DEPARTMENTS]
        self.cum = [sum(shares[: i + 1]) for i in range(len(shares))]
        self.others = {d.id: [o for o in world.depts if o.id != d.id] for d in world.depts}

    def batch(self, offset: int, n: int) -> _Batch:
        """Tickets offset .. offset+n-1 of the run."""
        b = _Batch()
        for i in range(n):
            self._ticket(b, i, offset + i)
        return b

    def _staff_for(self, dept_id: int) -> int:
        """Someone who may answer the department's tickets: a member, now and then an admin."""
        members = self.w.members.get(dept_id)
        if self.w.admins and (not members or self.rng.random() < 0.05):
            return pick(self.rng, self.w.admins)
        return pick(self.rng, members)

    def _count(self) -> int:
        """Messages in one ticket: at least 1, `avg` on average, now and then a long thread."""
        rng, avg = self.rng, self.avg
        if avg < 1.9:  # only 1s and 2s can average this
            return 1 if rng.random() < 2 - avg else 2
        if rng.random() < 0.1:  # unanswered yet, or closed straight away
            return 1
        mean = (avg - 0.1) / 0.9 - 2  # a geometric tail on top of 2 messages
        if mean <= 0:
            return 2
        return min(2 + int(math.log(1.0 - rng.random()) / math.log(mean / (1 + mean))), 200)

    def _kinds(self, n: int, want_last: str | None) -> list[str]:
        """Client first; then mostly alternating replies, some notes, at most one assignment.
        The last public message (client or staff) is made `want_last`'s, if given."""
        rng = self.rng
        kinds, last, assigned = ["client"], "client", False
        for _ in range(n - 1):
            r = rng.random()
            if not assigned and r < 0.03:
                kinds.append("system")
                assigned = True
            elif r < 0.13:
                kinds.append("internal")
            else:
                flip = 0.88 if last == "client" else 0.85  # else a follow-up by the same side
                last = ("staff" if last == "client" else "client") if rng.random() < flip else last
                kinds.append(last)
        if want_last and want_last != last:
            final = max(i for i, k in enumerate(kinds) if k in ("client", "staff"))
            if final > 0:
                kinds[final] = want_last
            elif n > 1:  # only notes followed the opening message: the last becomes a reply
                kinds[-1] = want_last
        return kinds

    def _times(self, kinds: list[str], f: float) -> list[int]:
        """Strictly increasing: staff answer within hours, clients within a day or so."""
        rng = self.rng
        t0 = self.start + int(f * (SPAN - 6 * 3600))
        gaps, prev = [], "client"
        for k in kinds[1:]:
            mean = {"staff": 4 * 3600 if prev == "client" else 3600, "client": 18 * 3600,
                    "internal": 1800}.get(k, 2 * 3600)
            gaps.append(60 + rng.expovariate(1 / mean))
            prev = k if k in ("client", "staff") else prev
        room, total = self.now - 60 - t0, sum(gaps)
        scale = min(1.0, room / total) if total else 1.0  # the newest tickets: squeezed before now
        times, t = [t0], t0
        for g in gaps:
            t += max(1, int(g * scale))
            times.append(t)
        return times

    def _ticket(self, b: _Batch, tid: int, index: int) -> None:
        """Ticket `index` of the run; `tid` is its number in the batch."""
        rng, w, now, stamp, rows = self.rng, self.w, self.now, self.stamp, b.rows
        f = min(0.999999, (index + rng.random()) / self.total)  # its place in time: ids follow
        dept = w.depts[bisect(self.cum, rng.random() * self.cum[-1])]
        topic = pick(rng, st.TOPICS_BY_DEPARTMENT[dept.topic])
        client = w.clients[int(len(w.clients) * rng.random() ** 1.7)]  # some clients write a lot
        fitting = [x for x in client.services if not topic.kinds or x[1] in topic.kinds]
        svc = pick(rng, fitting) if fitting and rng.random() < 0.75 else None
        ctx = st.Context(rng, client.first, client.name, svc[2] if svc and svc[2] else client.domain)

        # Old tickets are mostly archived, recent ones often open: ~10% open, 30% awaiting the
        # client, 60% archived. Open ones mostly wait for staff; closed ones mostly got a reply.
        r, p_open = rng.random(), 0.3 * f * f
        status = "open" if r < p_open else "archived" if r < p_open + 0.95 - 0.7 * f else "awaiting"
        is_open = status == "open"
        if is_open:
            want = "client" if rng.random() < 0.8 else "staff"
        else:
            want = "staff" if rng.random() < 0.85 else None  # else closed after the client's thanks
        kinds = self._kinds(self._count(), want)
        times = self._times(kinds, f)
        t0, last_t = times[0], times[-1]

        # Who writes: a handler of the department; after an assignment, maybe someone there.
        handler = self._staff_for(dept.id)
        assigned, second, sys_t = None, None, 0
        authors: list[int | None] = []
        signed: list[str] = []  # the department a staff reply is signed with
        seen: dict[int, list[int]] = {}  # staff id -> [first, last] time: they hold the ticket
        for k, t in zip(kinds, times):
            a = None
            if k == "system":
                assigned, sys_t = pick(rng, self.others[dept.id]), t
                second = self._staff_for(assigned.id) if rng.random() < 0.7 else None
                seen.setdefault(handler, [t, t])[1] = t  # the redirecting staff keeps it open
            elif k != "client":
                a = second if second is not None else handler
                seen.setdefault(a, [t, t])[1] = t
            authors.append(a)
            signed.append(assigned.name if a is not None and a == second else dept.name)
        writers = [a for a in authors if a is not None]
        responsible = writers[-1] if writers else None

        locked_by = lock_token = locked_at = None
        if is_open and rng.random() < 0.06:
            locked_by = responsible or second or handler
            if authors[-1] == locked_by and len(times) > 1:  # took the lock, then wrote
                locked_at = (times[-2] + times[-1]) // 2
            else:
                locked_at = min(now, last_t + num(rng, 60, 3 * 3600))
            lock_token = f"{rng.getrandbits(128):032x}"
            seen.setdefault(locked_by, [locked_at, locked_at])
            responsible = locked_by
        closed_at = archived_at = None
        if not is_open:  # closing needs the lock: whoever closed it is responsible and a holder
            responsible = responsible or handler
            closed_at = last_t if kinds[-1] == "staff" else min(now, last_t + num(rng, 60, 7200))
            seen.setdefault(responsible, [closed_at, closed_at])
            if status == "archived":
                archived_at = min(now, closed_at + num(rng, 3600, 10 * 86400))

        # Holders: all closed on a closed ticket. On an open one the departments and the
        # responsible staff member are open; others who wrote may have pressed Ok already.
        holders, closed = rows["holders"], stamp(closed_at) if closed_at else None
        holders.append([tid, dept.id, None, is_open, stamp(t0), closed])
        if assigned is not None:
            holders.append([tid, assigned.id, None, is_open, stamp(sys_t), closed])
        for sid, (first_t, last_seen) in seen.items():
            if is_open and sid != responsible and rng.random() < 0.5:
                holders.append([tid, None, sid, False, stamp(first_t), stamp(last_seen)])
            else:
                holders.append([tid, None, sid, is_open, stamp(first_t), closed])

        messages, names = rows["messages"], w.staff_names
        for i, (k, a, t) in enumerate(zip(kinds, authors, times)):
            if k == "client":
                body = st.first_message(rng, topic, ctx) if i == 0 else st.client_reply(rng, topic, ctx)
                messages.append([tid, k, None, client.id, body, stamp(t)])
            elif k == "staff":
                body = st.staff_reply(rng, topic, ctx, names[a], signed[i])
                messages.append([tid, k, a, None, body, stamp(t)])
            elif k == "internal":
                messages.append([tid, k, a, None, st.internal_note(rng, topic, ctx), stamp(t)])
            else:
                messages.append([tid, k, None, None, st.assigned_message(assigned.name), stamp(t)])

        # The queue's fields come from the public messages (internal and system ones don't count).
        public = [(k, t) for k, t in zip(kinds, times) if k in ("client", "staff")]
        last_kind = public[-1][0]
        trailing = len(public) - max((i + 1 for i, (k, _) in enumerate(public) if k != last_kind),
                                     default=0)
        awaiting = is_open and last_kind == "client"
        if awaiting:
            waiting = public[-trailing][1]  # the first of the unanswered client messages
        else:
            waiting = next((t for k, t in reversed(public) if k == "staff"), t0)
        unread = trailing if status != "archived" and last_kind == "staff" and rng.random() < 0.5 else 0
        delayed = None
        if is_open and rng.random() < 0.05:  # a fifth of them: the date has passed already
            delayed = (now + num(rng, 3600, 14 * 86400) if rng.random() < 0.8
                       else num(rng, last_t, max(last_t + 1, now - 60)))

        # The history: (time, staff, client, action, detail).
        events = [(t0, None, client.id, "opened", dept.name)]
        if assigned is not None:
            events.append((sys_t, handler, None, "assign", assigned.name))
        if locked_at is not None:
            events.append((locked_at, locked_by, None, "take", ""))
        replies = [i for i, k in enumerate(kinds) if k == "staff"]
        if dept.topic in ("Billing", "Server administration") and replies and rng.random() < 0.05:
            i, cents = pick(rng, replies), pick(rng, (500, 1000, 1500, 2500, 4900, 9900, 14900))
            if client.balance >= cents:  # "charge client" goes with a reply; never below zero
                client.balance -= cents
                b.charged[client.id] = b.charged.get(client.id, 0) + cents
                rows["charges"].append([tid, client.id, authors[i], cents, stamp(times[i])])
                events.append((times[i], authors[i], None, "charge", f"{cents / 100:.2f}"))
        if dept.topic == "Abuse desk" and responsible is not None and rng.random() < 0.4:
            kind, when = pick(rng, st.ABUSE_KINDS), seen[responsible][0]
            rows["abuse_cases"].append([tid, client.id, svc[0] if svc else None, responsible, kind,
                                        st.abuse_description(rng, kind, ctx), stamp(when)])
            events.append((when, responsible, None, "abuse", kind))
        if closed_at is not None:
            events.append((closed_at, responsible, None, "close", ""))
        if archived_at is not None:
            events.append((archived_at, None, client.id, "archived", ""))
        events.sort(key=lambda e: e[0])  # ids follow time within a ticket
        rows["ticket_events"].extend([tid, s_id, c_id, act, detail, stamp(t)]
                                     for t, s_id, c_id, act, detail in events)

        incidents = pick(rng, (1,) * 17 + (2, 0, 0)) if dept.per_incident else 0
        rows["tickets"].append([
            tid, client.id, st.subject(rng, topic, ctx),
            st.summary(rng) if rng.random() < 0.03 else "", svc[0] if svc else None, dept.id,
            responsible, pick(rng, PRIORITIES), rng.random() < 0.005,
            stamp(delayed) if delayed else None, locked_by, lock_token,
            stamp(locked_at) if locked_at else None, stamp(archived_at) if archived_at else None,
            unread, incidents, is_open, awaiting, stamp(waiting), stamp(t0), stamp(last_t),
        ])
