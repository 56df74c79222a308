"""Seeding: realistic, varied help-desk data written in bulk (a million tickets in minutes).

Tickets are generated one batch at a time (memory stays bounded) and written with one bulk
statement per table and batch: executemany on SQLite, COPY on PostgreSQL. Tickets, clients and
services get ids chosen here, so holders, messages and events can point at them without a
round-trip; the other tables let the database number their rows (nothing refers to them).
On PostgreSQL those ids come from the tables' own sequences (nextval), so a normal insert made
later, or meanwhile by someone else, can never collide with a seeded row.

Every row obeys the ticket rules of domain.md (holders, statuses, lock, waiting time...): the
ticket service reads seeded data exactly as data it wrote itself.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.orm import Session

from . import seed_text as st
from .db import Store
from .errors import BadInput
from .models import Client, Department, Membership, Service, Staff, Ticket
from .types import utcnow

SPAN = 3 * 365 * 86400  # tickets are spread over the last three years
CLIENT_CHUNK = 20_000
TICKET_COLS = ("id", "client_id", "subject", "summary", "service_id", "department_id",
               "responsible_staff_id", "priority", "placed_first", "delayed_until",
               "locked_by_id", "lock_token", "locked_at", "archived_at", "client_unread",
               "incidents", "is_open", "awaiting_staff", "waiting_since", "created_at",
               "updated_at")
MESSAGE_COLS = ("ticket_id", "kind", "author_staff_id", "author_client_id", "body", "created_at")
HOLDER_COLS = ("ticket_id", "department_id", "staff_id", "is_open", "opened_at", "closed_at")
EVENT_COLS = ("ticket_id", "staff_id", "client_id", "action", "detail", "created_at")
CHARGE_COLS = ("ticket_id", "client_id", "staff_id", "amount_cents", "created_at")
ABUSE_COLS = ("ticket_id", "client_id", "service_id", "staff_id", "kind", "description",
              "created_at")
CLIENT_COLS = ("id", "email", "name", "registered_at", "internal_comment", "balance_cents",
               "incidents_left")
SERVICE_COLS = ("id", "client_id", "name", "kind", "domain")
# Priority 1 low .. 4 urgent, mostly normal.
PRIORITY_WEIGHTS = (10, 75, 93, 100)


@dataclass
class SeedReport:
    tickets: int = 0
    messages: int = 0
    holders: int = 0
    events: int = 0
    clients: int = 0
    services: int = 0
    charges: int = 0
    abuse_cases: int = 0
    departments_created: int = 0
    staff_created: int = 0
    seconds: float = 0.0

    @property
    def tickets_per_second(self) -> float:
        return self.tickets / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class _Dept:
    id: int
    name: str  # as stored (an existing department may differ in case)
    per_incident: bool
    topic: str  # its name in seed_text, which picks the subjects


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
    weights: list[float]
    members: dict[int, list[int]]  # department id -> staff ids
    admins: list[int]
    staff_names: dict[int, str]
    clients: list[_Client] = field(default_factory=list)


@dataclass
class _Batch:
    tickets: list[tuple] = field(default_factory=list)
    messages: list[tuple] = field(default_factory=list)
    holders: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    charges: list[tuple] = field(default_factory=list)
    abuse: list[tuple] = field(default_factory=list)
    charged: dict[int, int] = field(default_factory=dict)  # client id -> cents taken


def seed(store: Store, tickets: int, messages: int = 4, *, rng_seed: int = 1,
         progress: Callable[[int], None] | None = None, batch_size: int = 10_000,
         now: datetime | None = None) -> SeedReport:
    """Adds `tickets` tickets (about `messages` messages each) plus the people they need."""
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
    gen = _Generator(world, rng, tickets, messages, now_ts)
    done = 0
    while done < tickets:
        n = min(batch_size, tickets - done)
        with store.write() as s:
            batch = gen.batch(_take_ids(s, "tickets", n), done)
            _write_batch(s, batch)
        done += n
        report.tickets += n
        report.messages += len(batch.messages)
        report.holders += len(batch.holders)
        report.events += len(batch.events)
        report.charges += len(batch.charges)
        report.abuse_cases += len(batch.abuse)
        if progress is not None:
            progress(done)
    if store.dialect == "postgresql":
        # Fresh statistics, or the planner guesses on tables it believes are empty.
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE clients, services, tickets, holders, messages, "
                                 "ticket_events")
    report.seconds = time.perf_counter() - started
    return report


# --- ids and bulk writes ---------------------------------------------------------------
def _take_ids(s: Session, table: str, n: int) -> list[int]:
    """n unused ids for `table`, inside the caller's write transaction."""
    if s.bind.dialect.name == "postgresql":
        _catch_up_sequence(s, table)
        return list(s.scalars(text(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
                                   "FROM generate_series(1, :n)"), {"n": n}))
    # SQLite: the write transaction began IMMEDIATE, so nobody else inserts until we commit.
    first = (s.scalar(text(f"SELECT max(id) FROM {table}")) or 0) + 1
    return list(range(first, first + n))


def _catch_up_sequence(s: Session, table: str) -> None:
    """Moves a PostgreSQL sequence past max(id) if rows were inserted with explicit ids."""
    s.execute(text(
        f"SELECT setval(x.seq, x.top) FROM (SELECT pg_get_serial_sequence('{table}', 'id')"
        f"::regclass AS seq, (SELECT max(id) FROM {table}) AS top) AS x "
        "WHERE x.top IS NOT NULL AND x.top >= coalesce(pg_sequence_last_value(x.seq), 0)"))


def _bulk(s: Session, table: Table, cols: Sequence[str], rows: list[tuple]) -> None:
    if not rows:
        return
    if s.bind.dialect.name == "postgresql":
        # COPY: one stream per table and batch, several times faster than INSERT.
        raw = s.connection().connection.driver_connection
        with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({', '.join(cols)}) FROM STDIN") as cp:
            for row in rows:
                cp.write_row(row)
        return
    s.execute(insert(table), [dict(zip(cols, row)) for row in rows])


def _write_batch(s: Session, b: _Batch) -> None:
    tables = Ticket.metadata.tables
    _bulk(s, tables["tickets"], TICKET_COLS, b.tickets)
    _bulk(s, tables["holders"], HOLDER_COLS, b.holders)
    _bulk(s, tables["messages"], MESSAGE_COLS, b.messages)
    _bulk(s, tables["ticket_events"], EVENT_COLS, b.events)
    _bulk(s, tables["charges"], CHARGE_COLS, b.charges)
    _bulk(s, tables["abuse_cases"], ABUSE_COLS, b.abuse)
    # The charges' money leaves the balances in the same transaction: always consistent.
    for client_id, cents in b.charged.items():
        s.execute(update(Client).where(Client.id == client_id)
                  .values(balance_cents=Client.balance_cents - cents))


# --- departments, staff, clients, services ----------------------------------------------
def _setup_people(store: Store, report: SeedReport) -> _World:
    """Creates the seed departments and staff that are missing; keeps existing ones as they are."""
    with store.write() as s:
        by_name = {d.name.lower(): d for d in s.scalars(select(Department))}
        for name, per_incident, _ in st.DEPARTMENTS:
            if name.lower() not in by_name:
                by_name[name.lower()] = dept = Department(name=name, per_incident=per_incident)
                s.add(dept)
                report.departments_created += 1
        s.flush()
        logins = set(s.scalars(select(Staff.login)))
        for login, name, is_admin, depts, heads in st.STAFF:
            if login in logins:
                continue
            member = Staff(login=login, name=name, is_admin=is_admin)
            s.add(member)
            s.flush()
            for d in depts:
                s.add(Membership(staff_id=member.id, department_id=by_name[d.lower()].id,
                                 is_head=d in heads))
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
        for d in depts:  # a department nobody may answer would make unanswerable tickets
            if not members[d.id] and not admins:
                anyone = min(names)
                s.add(Membership(staff_id=anyone, department_id=d.id))
                members[d.id].append(anyone)
    return _World(depts, [w for _, _, w in st.DEPARTMENTS], members, admins, names)


def _add_clients(store: Store, rng: random.Random, world: _World, count: int, now_ts: int,
                 report: SeedReport) -> None:
    for start in range(0, count, CLIENT_CHUNK):
        n = min(CLIENT_CHUNK, count - start)
        with store.write() as s:
            client_ids = _take_ids(s, "clients", n)
            drafts = []
            for cid in client_ids:
                first, name, email, domain, comment = st.client_identity(rng, cid)
                drafts.append((cid, first, name, email, domain, comment, st.services_for(rng, domain)))
            service_ids = iter(_take_ids(s, "services", sum(len(d[-1]) for d in drafts)))
            clients, services = [], []
            for cid, first, name, email, domain, comment, svcs in drafts:
                registered = _dt(now_ts - SPAN - rng.randrange(86400, 4 * 365 * 86400))
                balance = rng.randrange(20, 5000) * 100
                clients.append((cid, email, name, registered, comment, balance, rng.randrange(0, 11)))
                mine = []
                for svc_name, kind, svc_domain in svcs:
                    sid = next(service_ids)
                    services.append((sid, cid, svc_name, kind, svc_domain))
                    mine.append((sid, kind, svc_domain))
                world.clients.append(_Client(cid, first, name, domain, mine, balance))
            _bulk(s, Client.__table__, CLIENT_COLS, clients)
            _bulk(s, Service.__table__, SERVICE_COLS, services)
        report.clients += len(clients)
        report.services += len(services)


def _dt(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, timezone.utc)


# --- tickets ------------------------------------------------------------------------------
def _settle(kinds: list[str], want: str) -> None:
    """Makes the last public message (client or staff) be `want`'s."""
    last = max(i for i, k in enumerate(kinds) if k in ("client", "staff"))
    if kinds[last] == want:
        return
    if last > 0:
        kinds[last] = want
    elif len(kinds) > 1:  # only notes followed the opening message: the last one becomes a reply
        kinds[-1] = want


class _Generator:
    """Makes tickets one at a time, every rule of domain.md holding for each."""

    def __init__(self, world: _World, rng: random.Random, total: int, avg: int, now_ts: int):
        self.w, self.rng, self.total, self.avg, self.now = world, rng, total, avg, now_ts
        self.start = now_ts - SPAN
        self.cum = [sum(world.weights[: i + 1]) for i in range(len(world.weights))]
        self.others = {d.id: [o for o in world.depts if o.id != d.id] for d in world.depts}

    def batch(self, ids: list[int], offset: int) -> _Batch:
        b = _Batch()
        for i, tid in enumerate(ids):
            self._ticket(b, tid, offset + i)
        return b

    def _staff_for(self, dept_id: int) -> int:
        members = self.w.members.get(dept_id)
        if self.w.admins and (not members or self.rng.random() < 0.05):
            return self.rng.choice(self.w.admins)
        return self.rng.choice(members)

    def _count(self) -> int:
        """Messages in one ticket: at least 1, `avg` on average, now and then a long thread."""
        rng, avg = self.rng, self.avg
        if avg < 1.9:  # only 1s and 2s can average this
            return 1 if rng.random() < 2 - avg else 2
        if rng.random() < 0.1:  # unanswered or closed straight away
            return 1
        mean = (avg - 0.1) / 0.9 - 2  # geometric tail on top of 2 messages
        if mean <= 0:
            return 2
        extra = int(math.log(1.0 - rng.random()) / math.log(mean / (1 + mean)))
        return min(2 + extra, 200)

    def _kinds(self, n: int) -> list[str]:
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
                if last == "client":
                    last = "staff" if rng.random() < 0.88 else "client"
                else:
                    last = "client" if rng.random() < 0.85 else "staff"
                kinds.append(last)
        return kinds

    def _times(self, kinds: list[str], f: float) -> list[int]:
        """Strictly increasing times: replies within hours, clients answer within a day."""
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
        rng, w, now = self.rng, self.w, self.now
        f = min(0.999999, (index + rng.random()) / self.total)  # position in time: ids follow it
        dept = rng.choices(w.depts, cum_weights=self.cum)[0]
        topic = rng.choice(st.TOPICS_BY_DEPARTMENT[dept.topic])
        client = w.clients[int(len(w.clients) * rng.random() ** 1.7)]  # some clients write a lot
        svc = None
        if rng.random() < 0.75:
            fitting = [x for x in client.services if not topic.kinds or x[1] in topic.kinds]
            svc = rng.choice(fitting) if fitting else None
        ctx = st.context(rng, client.first, client.name, svc[2] if svc and svc[2] else client.domain)

        # Old tickets are mostly archived, recent ones often open: ~10% open, 30% awaiting, 60% archived.
        r, p_open = rng.random(), 0.3 * f * f
        status = "open" if r < p_open else "archived" if r < p_open + 0.95 - 0.7 * f else "awaiting"
        is_open = status == "open"
        kinds = self._kinds(self._count())
        if is_open:
            _settle(kinds, "client" if rng.random() < 0.8 else "staff")
        elif rng.random() < 0.85:  # closed after a reply; else closed after the client's thanks
            _settle(kinds, "staff")
        times = self._times(kinds, f)
        t0, last_t = times[0], times[-1]

        # Who writes: a handler of the department; after an assignment, maybe someone there.
        handler = self._staff_for(dept.id)
        assigned, second, sys_t = None, None, 0
        authors: list[int | None] = []
        seen: dict[int, list[int]] = {}  # staff id -> [first, last] time: they hold the ticket
        for k, t in zip(kinds, times):
            a = None
            if k == "system":
                assigned, sys_t = rng.choice(self.others[dept.id]), t
                second = self._staff_for(assigned.id) if rng.random() < 0.7 else None
                seen.setdefault(handler, [t, t])[1] = t  # the redirecting staff keeps it open
            elif k != "client":
                a = second if second is not None else handler
                seen.setdefault(a, [t, t])[1] = t
            authors.append(a)
        writers = [a for a in authors if a is not None]
        responsible = writers[-1] if writers else None

        locked_by = lock_token = locked_at = None
        if is_open and rng.random() < 0.06:
            locked_by = responsible or second or handler
            if authors[-1] == locked_by and len(times) > 1:  # took the lock, then replied
                locked_at = (times[-2] + times[-1]) // 2
            else:
                locked_at = min(now, last_t + rng.randrange(60, 3 * 3600))
            lock_token = f"{rng.getrandbits(128):032x}"
            seen.setdefault(locked_by, [locked_at, locked_at])
            responsible = locked_by
        closed_at = archived_at = None
        if not is_open:  # closing needs the lock: whoever closed it is responsible and a holder
            responsible = responsible or handler
            closed_at = last_t if kinds[-1] == "staff" else min(now, last_t + rng.randrange(60, 7200))
            seen.setdefault(responsible, [closed_at, closed_at])
            if status == "archived":
                archived_at = min(now, closed_at + rng.randrange(3600, 10 * 86400))

        # Holders: all closed on a closed ticket; on an open one the department (and the
        # responsible staff) are open, others who wrote earlier may have pressed Ok already.
        c = _dt(closed_at) if closed_at else None
        b.holders.append((tid, dept.id, None, is_open, _dt(t0), c))
        if assigned is not None:
            b.holders.append((tid, assigned.id, None, is_open, _dt(sys_t), c))
        for sid, (first_t, last_seen) in seen.items():
            if is_open and sid != responsible and rng.random() < 0.5:
                b.holders.append((tid, None, sid, False, _dt(first_t), _dt(last_seen)))
            else:
                b.holders.append((tid, None, sid, is_open, _dt(first_t), c))

        names = w.staff_names
        for i, (k, a, t) in enumerate(zip(kinds, authors, times)):
            if k == "client":
                body = st.first_message(rng, topic, ctx) if i == 0 else st.client_reply(rng, topic, ctx)
                b.messages.append((tid, "client", None, client.id, body, _dt(t)))
            elif k == "system":
                b.messages.append((tid, "system", None, None, st.assigned_message(assigned.name), _dt(t)))
            elif k == "staff":
                where = assigned.name if a == second and assigned else dept.name
                body = st.staff_reply(rng, topic, ctx, names[a], where)
                b.messages.append((tid, "staff", a, None, body, _dt(t)))
            else:
                b.messages.append((tid, "internal", a, None, st.internal_note(rng, topic, ctx), _dt(t)))

        # The queue's fields, from the public messages (internal and system ones don't count).
        public = [(k, t) for k, t in zip(kinds, times) if k in ("client", "staff")]
        awaiting = is_open and public[-1][0] == "client"
        trailing = 0
        for k, _ in reversed(public):
            if k != public[-1][0]:
                break
            trailing += 1
        if awaiting:
            waiting = public[-trailing][1]  # the first of the unanswered client messages
        else:
            waiting = next((t for k, t in reversed(public) if k == "staff"), t0)
        unread = 0
        if status != "archived" and public[-1][0] == "staff" and rng.random() < 0.5:
            unread = trailing
        delayed = None
        if is_open and rng.random() < 0.05:  # a fifth of them: the date has passed already
            delayed = (now + rng.randrange(3600, 14 * 86400) if rng.random() < 0.8
                       else rng.randint(last_t, max(last_t, now - 60)))

        events = [(t0, None, client.id, "opened", dept.name)]
        if assigned is not None:
            events.append((sys_t, handler, None, "assigned", assigned.name))
        if locked_at is not None:
            events.append((locked_at, locked_by, None, "locked", ""))
        if dept.topic in ("Billing", "Server administration") and rng.random() < 0.05:
            self._charge(b, tid, client, kinds, authors, times, events)
        if dept.topic == "Abuse desk" and responsible is not None and rng.random() < 0.4:
            kind, when = rng.choice(st.ABUSE_KINDS), seen[responsible][0]
            b.abuse.append((tid, client.id, svc[0] if svc else None, responsible, kind,
                            st.abuse_description(rng, kind, ctx), _dt(when)))
            events.append((when, responsible, None, "abuse_case", kind))
        if closed_at is not None:
            events.append((closed_at, responsible, None, "closed", ""))
        if archived_at is not None:
            events.append((archived_at, None, client.id, "archived", ""))
        events.sort(key=lambda e: e[0])  # ids follow time within a ticket, as in real life
        b.events.extend((tid, s_id, c_id, act, det, _dt(t)) for t, s_id, c_id, act, det in events)

        incidents = 0
        if dept.per_incident:
            incidents = rng.choices((1, 2, 0), cum_weights=(85, 90, 100))[0]
        b.tickets.append((
            tid, client.id, st.subject(rng, topic, ctx),
            st.summary(rng) if rng.random() < 0.03 else "", svc[0] if svc else None, dept.id,
            responsible, rng.choices((1, 2, 3, 4), cum_weights=PRIORITY_WEIGHTS)[0],
            rng.random() < 0.005, _dt(delayed) if delayed else None, locked_by, lock_token,
            _dt(locked_at) if locked_at else None, _dt(archived_at) if archived_at else None,
            unread, incidents, is_open, awaiting, _dt(waiting), _dt(t0), _dt(last_t),
        ))

    def _charge(self, b: _Batch, tid: int, client: _Client, kinds: list[str],
                authors: list[int | None], times: list[int], events: list[tuple]) -> None:
        """"Charge client" goes with a staff reply; never below a zero balance."""
        replies = [i for i, k in enumerate(kinds) if k == "staff"]
        amount = self.rng.choice((500, 1000, 1500, 2500, 4900, 9900, 14900))
        if not replies or client.balance < amount:
            return
        i = self.rng.choice(replies)
        client.balance -= amount
        b.charged[client.id] = b.charged.get(client.id, 0) + amount
        b.charges.append((tid, client.id, authors[i], amount, _dt(times[i])))
        events.append((times[i], authors[i], None, "charged", f"{amount / 100:.2f}"))
