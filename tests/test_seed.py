"""`seed`: bulk data that obeys every ticket rule, on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from itertools import groupby

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text

from cli.common import AppContext
from cli.seed import seed as seed_command
from store import admin
from store.db import Store
from store.errors import BadInput
from store.models import Client, Department, Holder, Message, Staff, Ticket, TicketEvent
from store.seed import seed
from store.seed.banks.staff import DEPARTMENTS, STAFF

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
N = 1000  # enough for a few locked, delayed and assigned tickets with the fixed seed


def scalar(store: Store, sql: str) -> int:
    with store.read() as s:
        return s.scalar(text(sql))


# Each query counts the rows that break one rule: all must be 0.
BROKEN = {
    "no holder for the responsible department": """
        SELECT count(*) FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM holders h
        WHERE h.ticket_id = t.id AND h.department_id = t.department_id)""",
    "holder with both or neither of department/staff":
        "SELECT count(*) FROM holders WHERE (department_id IS NULL) = (staff_id IS NULL)",
    "two holders for one department": """SELECT count(*) FROM (SELECT ticket_id, department_id
        FROM holders WHERE department_id IS NOT NULL GROUP BY ticket_id, department_id
        HAVING count(*) > 1) x""",
    "two holders for one staff member": """SELECT count(*) FROM (SELECT ticket_id, staff_id
        FROM holders WHERE staff_id IS NOT NULL GROUP BY ticket_id, staff_id
        HAVING count(*) > 1) x""",
    "is_open differs from the holders": """SELECT count(*) FROM tickets t WHERE t.is_open <>
        EXISTS (SELECT 1 FROM holders h WHERE h.ticket_id = t.id AND h.is_open)""",
    "closed holder without closed_at, or open one with it": """SELECT count(*) FROM holders
        WHERE (is_open AND closed_at IS NOT NULL) OR (NOT is_open AND closed_at IS NULL)""",
    "holder closed before it opened, or opened before the ticket": """SELECT count(*) FROM holders h
        JOIN tickets t ON t.id = h.ticket_id
        WHERE h.closed_at < h.opened_at OR h.opened_at < t.created_at""",
    "archived ticket still open": """SELECT count(*) FROM tickets t WHERE t.archived_at IS NOT NULL
        AND (t.is_open OR t.client_unread <> 0 OR t.archived_at < t.updated_at)""",
    "lock columns partly set": """SELECT count(*) FROM tickets WHERE (locked_by_id IS NULL) <>
        (lock_token IS NULL) OR (locked_by_id IS NULL) <> (locked_at IS NULL)""",
    "locked ticket not open, or someone else responsible": """SELECT count(*) FROM tickets
        WHERE locked_by_id IS NOT NULL AND (NOT is_open OR responsible_staff_id IS NULL
        OR responsible_staff_id <> locked_by_id)""",
    "locker without an open holder": """SELECT count(*) FROM tickets t WHERE t.locked_by_id IS NOT
        NULL AND NOT EXISTS (SELECT 1 FROM holders h WHERE h.ticket_id = t.id
        AND h.staff_id = t.locked_by_id AND h.is_open)""",
    "locker neither admin nor member of a holding department": """SELECT count(*) FROM tickets t
        WHERE t.locked_by_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM staff s WHERE s.id = t.locked_by_id AND s.is_admin)
        AND NOT EXISTS (SELECT 1 FROM memberships m JOIN holders h ON h.department_id =
        m.department_id WHERE m.staff_id = t.locked_by_id AND h.ticket_id = t.id)""",
    "responsible staff member without a holder": """SELECT count(*) FROM tickets t
        WHERE t.responsible_staff_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM holders h
        WHERE h.ticket_id = t.id AND h.staff_id = t.responsible_staff_id)""",
    "delayed ticket that is closed": """SELECT count(*) FROM tickets WHERE delayed_until
        IS NOT NULL AND NOT is_open""",
    "ticket without messages": """SELECT count(*) FROM tickets t WHERE NOT EXISTS
        (SELECT 1 FROM messages m WHERE m.ticket_id = t.id)""",
    "first message not the client's": """SELECT count(*) FROM tickets t JOIN messages m ON m.id =
        (SELECT min(id) FROM messages WHERE ticket_id = t.id) WHERE m.kind <> 'client'""",
    "client message by someone else": """SELECT count(*) FROM messages m JOIN tickets t
        ON t.id = m.ticket_id WHERE m.kind = 'client' AND (m.author_client_id IS NULL
        OR m.author_client_id <> t.client_id OR m.author_staff_id IS NOT NULL)""",
    "staff or internal message without its staff author": """SELECT count(*) FROM messages
        WHERE kind IN ('staff', 'internal') AND (author_staff_id IS NULL
        OR author_client_id IS NOT NULL)""",
    "system message with an author": """SELECT count(*) FROM messages WHERE kind = 'system'
        AND (author_staff_id IS NOT NULL OR author_client_id IS NOT NULL)""",
    "assignment to a department that holds nothing": """SELECT count(*) FROM messages m
        WHERE m.kind = 'system' AND NOT EXISTS (SELECT 1 FROM holders h JOIN departments d
        ON d.id = h.department_id WHERE h.ticket_id = m.ticket_id
        AND m.body = 'The ticket has been assigned to "' || d.name || '"')""",
    "message times not strictly increasing": """SELECT count(*) FROM (SELECT created_at,
        LAG(created_at) OVER (PARTITION BY ticket_id ORDER BY id) AS prev FROM messages) x
        WHERE x.prev IS NOT NULL AND x.created_at <= x.prev""",
    "ticket times not its first and last message's": """SELECT count(*) FROM tickets t
        WHERE t.created_at <> (SELECT min(created_at) FROM messages WHERE ticket_id = t.id)
        OR t.updated_at <> (SELECT max(created_at) FROM messages WHERE ticket_id = t.id)""",
    "bad priority": "SELECT count(*) FROM tickets WHERE priority NOT BETWEEN 1 AND 4",
    "service of another client": """SELECT count(*) FROM tickets t JOIN services s
        ON s.id = t.service_id WHERE s.client_id <> t.client_id""",
    "ticket without its opened event": """SELECT count(*) FROM tickets t WHERE NOT EXISTS
        (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.action = 'opened'
        AND e.client_id = t.client_id)""",
    "archived ticket without its archived event": """SELECT count(*) FROM tickets t
        WHERE t.archived_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ticket_events e
        WHERE e.ticket_id = t.id AND e.action = 'archived')""",
    "charge unlike its ticket": """SELECT count(*) FROM charges c JOIN tickets t
        ON t.id = c.ticket_id WHERE c.client_id <> t.client_id OR c.amount_cents <= 0
        OR NOT EXISTS (SELECT 1 FROM messages m WHERE m.ticket_id = t.id AND m.kind = 'staff'
        AND m.author_staff_id = c.staff_id AND m.created_at = c.created_at)""",
    "abuse case unlike its ticket": """SELECT count(*) FROM abuse_cases a JOIN tickets t
        ON t.id = a.ticket_id WHERE a.client_id <> t.client_id
        OR (a.service_id IS NOT NULL AND a.service_id IS DISTINCT FROM t.service_id)""",
    "negative balance": "SELECT count(*) FROM clients WHERE balance_cents < 0",
}


def check_invariants(store: Store) -> None:
    broken = {rule: n for rule, sql in BROKEN.items() if (n := scalar(store, sql))}
    assert broken == {}
    with store.read() as s:
        tokens = s.scalars(select(Ticket.lock_token).where(Ticket.lock_token.is_not(None))).all()
        assert tokens and all(re.fullmatch(r"[0-9a-f]{32}", t) for t in tokens)
        assert s.scalar(select(func.max(Message.created_at))) <= NOW
        assert s.scalar(select(func.min(Message.created_at))) >= NOW - timedelta(days=3 * 366)
        tickets = {t.id: t for t in s.execute(select(
            Ticket.id, Ticket.is_open, Ticket.archived_at, Ticket.awaiting_staff,
            Ticket.waiting_since, Ticket.client_unread, Ticket.created_at))}
        rows = s.execute(select(Message.ticket_id, Message.kind, Message.created_at)
                         .where(Message.kind.in_(("client", "staff")))
                         .order_by(Message.ticket_id, Message.id))
        for ticket_id, msgs in groupby(rows, key=lambda r: r.ticket_id):
            check_queue_fields(tickets.pop(ticket_id), [(m.kind, m.created_at) for m in msgs])
    assert tickets == {}  # every ticket has a public message


def check_queue_fields(t, public: list[tuple[str, datetime]]) -> None:
    """awaiting_staff, waiting_since and client_unread, as the ticket service computes them."""
    last = public[-1][0]
    trailing = len(public) - max((i + 1 for i, (k, _) in enumerate(public) if k != last), default=0)
    assert t.awaiting_staff == (bool(t.is_open) and last == "client"), t.id
    if t.awaiting_staff:
        assert t.waiting_since == public[-trailing][1], t.id
    else:
        staff = [when for kind, when in public if kind == "staff"]
        assert t.waiting_since == (staff[-1] if staff else t.created_at), t.id
    if t.client_unread:
        assert t.archived_at is None and last == "staff" and t.client_unread == trailing, t.id


@pytest.fixture
def seeded(store: Store):
    calls: list[int] = []
    report = seed(store, N, rng_seed=1, progress=calls.append, batch_size=300, now=NOW)
    return store, report, calls


def test_counts_and_progress(seeded) -> None:
    store, report, calls = seeded
    assert calls == [300, 600, 900, 1000]
    assert report.tickets == N == scalar(store, "SELECT count(*) FROM tickets")
    assert report.messages == scalar(store, "SELECT count(*) FROM messages")
    assert report.holders == scalar(store, "SELECT count(*) FROM holders")
    assert report.events == scalar(store, "SELECT count(*) FROM ticket_events")
    assert report.clients == N // 20 == scalar(store, "SELECT count(*) FROM clients")
    assert report.services == scalar(store, "SELECT count(*) FROM services")
    assert report.charges == scalar(store, "SELECT count(*) FROM charges") > 0
    assert report.abuse_cases == scalar(store, "SELECT count(*) FROM abuse_cases") > 0
    assert report.departments_created == len(DEPARTMENTS)
    assert report.staff_created == len(STAFF)
    assert 3.5 <= report.messages / N <= 4.5
    assert report.seconds > 0 and report.tickets_per_second > 0


def test_every_rule_holds(seeded) -> None:
    check_invariants(seeded[0])


def test_a_realistic_mix(seeded) -> None:
    store = seeded[0]
    share = lambda where: scalar(store, f"SELECT count(*) FROM tickets WHERE {where}") / N  # noqa: E731
    assert 0.05 <= share("is_open") <= 0.15
    assert 0.50 <= share("archived_at IS NOT NULL") <= 0.70
    assert 0.20 <= share("NOT is_open AND archived_at IS NULL") <= 0.40
    assert 0 < share("locked_by_id IS NOT NULL") <= 0.02
    assert 0 < share("delayed_until IS NOT NULL") <= 0.02
    assert 0 < share("awaiting_staff") < share("is_open")
    assert 0 < share("client_unread > 0")
    assert share("priority = 2") > 0.5 and share("priority <> 2") > 0.2
    assert share("placed_first") < 0.02 and share("summary <> ''") < 0.1
    assert 0.5 < share("service_id IS NOT NULL") < 0.9
    assert scalar(store, "SELECT count(*) FROM messages WHERE kind = 'internal'") > 0
    assert scalar(store, "SELECT count(*) FROM messages WHERE kind = 'system'") > 0
    with store.read() as s:
        subjects = s.scalars(select(Ticket.subject)).all()
        firsts = s.scalars(text("SELECT body FROM messages WHERE id IN "
                                "(SELECT min(id) FROM messages GROUP BY ticket_id)")).all()
        domains = s.scalars(text("SELECT domain FROM services WHERE kind = 'domain'")).all()
    assert len(set(subjects)) > 0.5 * N and len(set(firsts)) > 0.95 * N
    assert domains and all(re.search(r"\.(example|test)(\.com|\.net|\.org)?$|\.example\.", d)
                           for d in domains)


def test_seeding_again_appends(seeded) -> None:
    store, first, _ = seeded
    second = seed(store, 200, rng_seed=2, batch_size=64, now=NOW)
    assert second.departments_created == second.staff_created == 0
    assert scalar(store, "SELECT count(*) FROM tickets") == N + 200
    assert scalar(store, "SELECT count(*) FROM messages") == first.messages + second.messages
    assert scalar(store, "SELECT count(*) FROM departments") == len(DEPARTMENTS)
    assert scalar(store, "SELECT count(*) FROM staff") == len(STAFF)
    assert scalar(store, "SELECT count(*) FROM clients") == N // 20 + 10
    check_invariants(store)


def test_normal_inserts_after_seeding(seeded) -> None:
    """The sequences (PostgreSQL) and max ids (SQLite) are past every seeded row."""
    store = seeded[0]
    top = scalar(store, "SELECT max(id) FROM tickets")
    with store.write() as s:
        client = s.scalar(select(Client).order_by(Client.id.desc()).limit(1))
        dept = s.scalar(select(Department).order_by(Department.id).limit(1))
        s.add(client_two := Client(email="new.one@example.com", name="New One"))
        ticket = Ticket(client_id=client.id, subject="Hello", department_id=dept.id)
        s.add(ticket)
        s.flush()
        s.add_all([Holder(ticket_id=ticket.id, department_id=dept.id),
                   Message(ticket_id=ticket.id, kind="client", author_client_id=client.id,
                           body="Hi"),
                   TicketEvent(ticket_id=ticket.id, client_id=client.id, action="opened")])
        s.flush()
        assert ticket.id > top and client_two.id > client.id
    with store.read() as s:  # seeded times compare right with times bound by SQLAlchemy
        assert s.scalar(select(func.count()).where(Ticket.created_at <= NOW)) == N
        assert s.scalar(select(func.count()).where(Ticket.created_at > NOW)) == 1


def test_existing_departments_and_staff_are_kept(store: Store) -> None:
    admin.add_department(store, "billing")
    admin.add_staff(store, "alex.morgan", "Someone Else", ["billing"])
    report = seed(store, 50, batch_size=20, now=NOW)
    assert report.departments_created == len(DEPARTMENTS) - 1
    assert report.staff_created == len(STAFF) - 1
    with store.read() as s:
        alex = s.scalar(select(Staff).where(Staff.login == "alex.morgan"))
        assert alex.name == "Someone Else" and not alex.is_admin
    check_invariants_without_locks(store)


def check_invariants_without_locks(store: Store) -> None:
    broken = {rule: n for rule, sql in BROKEN.items() if (n := scalar(store, sql))}
    assert broken == {}


def test_same_seed_same_data(tmp_path) -> None:
    def subjects(name: str, rng_seed: int) -> list[str]:
        s = Store.open(f"sqlite:///{tmp_path / name}")
        try:
            seed(s, 100, rng_seed=rng_seed, now=NOW)
            with s.read() as session:
                return session.scalars(select(Ticket.subject).order_by(Ticket.id)).all()
        finally:
            s.close()

    assert subjects("a.db", 5) == subjects("b.db", 5) != subjects("c.db", 6)


def test_bad_numbers_are_refused(store: Store) -> None:
    with pytest.raises(BadInput):
        seed(store, 0)
    with pytest.raises(BadInput):
        seed(store, 10, messages=0)
    assert scalar(store, "SELECT count(*) FROM tickets") == 0


@pytest.mark.parametrize("args", [["--tickets", "0"], ["--tickets", "-5"], ["--tickets", "x"],
                                  ["--tickets", "5", "--messages", "0"], []])
def test_cli_refuses_bad_input(sqlite_url: str, args: list[str]) -> None:
    result = CliRunner().invoke(seed_command, args, obj=AppContext(sqlite_url, None, None))
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith("Error: ")


def test_cli_seeds_with_a_summary(sqlite_url: str) -> None:
    app = AppContext(sqlite_url, None, None)
    result = CliRunner().invoke(seed_command, ["--tickets", "40", "--messages", "2"], obj=app)
    app.close()
    assert result.exit_code == 0, result.output
    assert re.search(r"Seeded 40 tickets and \d+ messages .* tickets/s\.", result.output)
