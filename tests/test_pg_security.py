"""Row-level security on PostgreSQL: the database itself shows each login role what it may see.

Rules (domain.md "Visibility", docs/rules.md "Visibility and holders", migration 0003):
- raw SQL run as a staff member's own login role returns exactly the tickets the service lists
  for them in All tickets (admins all; their departments' tickets; what they hold), and the
  messages, holders and events of those tickets only;
- a client's login role reads its own tickets, and never an internal comment, a system message,
  an abuse case, an edit's history or the staff's internal comment about the client;
- the app runs with no superuser: a staff role takes, replies and closes through the service,
  and an operator role without superuser rights migrates, adds staff and grants logins.

The desks are generated from a seeded random generator: departments, staff with random
memberships (some admins), clients, tickets moved around by assign, take, reply (with internal
comments), close, split and client replies.
"""

from __future__ import annotations

import random
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from store import admin, logins
from store import service as sv
from store.actors import client_actor, staff_actor
from store.db import Store
from store.errors import NotAllowed, NotFound, Refused, RefusedByDatabase
from store.service import ListSpec

pytestmark = pytest.mark.pg


def role_url(url: str, role: str, password: str | None = None) -> str:
    return make_url(url).set(username=role, password=password).render_as_string(hide_password=False)


def listed_ids(store: Store, actor) -> set[int]:
    """Every ticket of All tickets (the archive too), page after page."""
    ids: list[int] = []
    after = None
    while True:
        page = sv.list_tickets(store, actor, ListSpec("all"), limit=7, after=after)
        if not page:
            break
        ids += [r.id for r in page]
        after = page[-1].sort_key
    assert len(ids) == len(set(ids)), "a ticket came twice while paging"
    return set(ids)


def raw(url: str, sql: str, **params) -> list:
    store = Store.open(url, migrate=False)
    try:
        with store.engine.connect() as conn:
            return conn.execute(text(sql), params).all()
    finally:
        store.close()


class Desk:
    """A generated help desk on one database, each person with a login role."""

    def __init__(self, url: str, seed: int) -> None:
        self.url = url
        self.rng = rng = random.Random(seed)
        self.tag = uuid.uuid4().hex[:6]  # roles belong to the whole server: unique per test
        self.store = Store.open(url)
        depts = [f"Dept {i}" for i in range(rng.randint(2, 4))]
        for d in depts:
            admin.add_department(self.store, d)
        self.logins = []
        for i in range(rng.randint(4, 7)):
            login = f"s{i}_{self.tag}"
            mine = rng.sample(depts, rng.randint(0, 2))
            admin.add_staff(self.store, login, f"Staff {i}", mine, head=bool(mine) and rng.random() < 0.3,
                            admin=i == 0 or rng.random() < 0.1)
            self.logins.append(login)
        self.emails = []
        for i in range(3):
            email = f"c{i}.{self.tag}@example.com"
            admin.add_client(self.store, email, f"Client {i}", comment="pays late; be firm")
            self.emails.append(email)
        self.staff = {login: staff_actor(self.store, login) for login in self.logins}
        self.clients = {e: client_actor(self.store, e) for e in self.emails}
        self.root = self.staff[self.logins[0]]
        for n in range(rng.randint(25, 40)):
            client = self.clients[rng.choice(self.emails)]
            tid = sv.open_ticket(self.store, client, rng.choice(depts), f"Ticket {n}",
                                 f"Message of ticket {n}")
            self._stir(tid, depts)

    def _stir(self, tid: int, depts: list[str]) -> None:
        rng, s = self.rng, self.store
        for _ in range(rng.randint(0, 4)):
            who = self.staff[rng.choice(self.logins)]
            move = rng.random()
            try:
                if move < 0.25:
                    if rng.random() < 0.5:
                        sv.assign(s, self.root, tid, department=rng.choice(depts))
                    else:
                        sv.assign(s, self.root, tid, staff=rng.choice(self.logins))
                elif move < 0.7:
                    sv.take(s, who, tid, force=True)
                    sv.reply(s, who, tid, "Looking into it.", internal="internal: client is rude",
                             close=rng.random() < 0.5)
                elif move < 0.8:
                    detail = sv.peek(s, self.root, tid)
                    if len(detail.messages) >= 2:
                        sv.take(s, self.root, tid, force=True)
                        sv.split(s, self.root, tid, detail.messages[-1].id)
                else:
                    client = next(c for c in self.clients.values()
                                  if c.email == sv.peek(s, self.root, tid).client_email)
                    sv.client_reply(s, client, tid, "Any news?")
            except Refused:
                pass  # not visible to them, locked, archived...: the desk just moves on
        if rng.random() < 0.2:
            sv.register_abuse(s, self.root, tid, "spam", "sends spam from the VPS")

    def grant_all(self) -> None:
        for login in self.logins:
            logins.grant_login(self.store, login)
        # A client's role has an opaque name: the grant says it.
        self.client_roles = {email: logins.grant_login(self.store, email, client=True).role
                             for email in self.emails}

    def close(self) -> None:
        self.store.close()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_staff_role_reads_exactly_what_the_service_lists(pg_url: str, seed: int) -> None:
    desk = Desk(pg_url, seed)
    try:
        desk.grant_all()
        total = {r[0] for r in raw(pg_url, "SELECT id FROM tickets")}
        for login in desk.logins:
            expected = listed_ids(desk.store, desk.staff[login])
            url = role_url(pg_url, login)
            assert {r[0] for r in raw(url, "SELECT id FROM tickets")} == expected, login
            for table in ("messages", "holders", "ticket_events"):
                seen = {r[0] for r in raw(url, f"SELECT DISTINCT ticket_id FROM {table}")}
                assert seen == expected, (login, table)
            counts = raw(url, "SELECT (SELECT count(*) FROM attachments), "
                              "(SELECT count(*) FROM abuse_cases WHERE ticket_id <> ALL(:ids))",
                         ids=list(expected))
            assert counts[0][1] == 0
            # The app itself, connected with the role, lists the same tickets.
            role_store = Store.open(url, migrate=False)
            try:
                assert logins.connected_as(role_store) == logins.ConnectedAs("staff", login)
                assert listed_ids(role_store, staff_actor(role_store, login)) == expected
                hidden = sorted(total - expected)
                if hidden:
                    with pytest.raises(NotFound):
                        sv.peek(role_store, staff_actor(role_store, login), hidden[0])
            finally:
                role_store.close()
        assert any(listed_ids(desk.store, a) != total for a in desk.staff.values()
                   if not a.is_admin), "the generated desk hides nothing from anyone"
    finally:
        desk.close()


@pytest.mark.parametrize("seed", [4, 5])
def test_a_client_role_never_reads_internal_or_system_messages(pg_url: str, seed: int) -> None:
    desk = Desk(pg_url, seed)
    try:
        desk.grant_all()
        kinds = {r[0] for r in raw(pg_url, "SELECT DISTINCT kind FROM messages")}
        assert {"internal", "system"} <= kinds, "the generated desk has no hidden messages"
        for email, actor in desk.clients.items():
            url = role_url(pg_url, desk.client_roles[email])
            own = {r[0] for r in raw(pg_url, "SELECT id FROM tickets WHERE client_id = :c", c=actor.id)}
            assert {r[0] for r in raw(url, "SELECT id FROM tickets")} == own
            rows = raw(url, "SELECT ticket_id, kind, body FROM messages")
            assert {k for _, k, _ in rows} <= {"client", "staff"}
            assert not any("internal:" in b for _, _, b in rows)
            public = raw(pg_url, "SELECT count(*) FROM messages m JOIN tickets t ON t.id = m.ticket_id "
                                 "WHERE t.client_id = :c AND m.kind IN ('client', 'staff')", c=actor.id)
            assert len(rows) == public[0][0]
            # Search vectors come with the rows they belong to: no way round the policy.
            assert raw(url, "SELECT count(*) FROM messages WHERE kind = 'internal'")[0][0] == 0
            # Of the history, only the ids of the client's own events (INSERT ... RETURNING).
            events = {r[0] for r in raw(url, "SELECT id FROM ticket_events")}
            assert events == {r[0] for r in raw(pg_url, "SELECT id FROM ticket_events "
                                                        "WHERE client_id = :c", c=actor.id)}
            assert [r[0] for r in raw(url, "SELECT id FROM clients")] == [actor.id]
            for sql in ("SELECT internal_comment FROM clients", "SELECT * FROM abuse_cases",
                        "SELECT * FROM message_edits", "SELECT * FROM favorites",
                        "SELECT * FROM seen_marks", "SELECT * FROM holders",
                        "SELECT action FROM ticket_events", "SELECT summary FROM tickets",
                        "SELECT locked_by_id FROM tickets", "SELECT * FROM client_logins"):
                with pytest.raises(Exception, match="permission denied"):
                    raw(url, sql)
            # The client app works on the role: the list and a ticket, without hidden messages.
            role_store = Store.open(url, migrate=False)
            try:
                me = client_actor(role_store, email)
                shown = {r.id for r in sv.list_tickets(role_store, me, ListSpec("queue"), limit=500)}
                shown |= {r.id for r in sv.list_tickets(role_store, me, ListSpec("archive"), limit=500)}
                assert shown == own
                for tid in own:
                    assert {m.kind for m in sv.peek(role_store, me, tid).messages} <= {"client", "staff"}
            finally:
                role_store.close()
    finally:
        desk.close()


def test_a_client_role_cant_write_around_the_rules(pg_url: str) -> None:
    desk = Desk(pg_url, 6)
    try:
        desk.grant_all()
        email, actor = next(iter(desk.clients.items()))
        own = raw(pg_url, "SELECT id FROM tickets WHERE client_id = :c", c=actor.id)
        other = raw(pg_url, "SELECT id FROM tickets WHERE client_id <> :c", c=actor.id)
        assert own and other
        url = role_url(pg_url, desk.client_roles[email])
        tid = own[0][0]
        forbidden = [
            ("INSERT INTO messages (ticket_id, kind, body, created_at) "
             "VALUES (:t, 'internal', 'x', now())", {"t": tid}),
            ("INSERT INTO messages (ticket_id, kind, body, author_client_id, created_at) "
             "VALUES (:t, 'client', 'x', :c, now())", {"t": other[0][0], "c": actor.id}),
            ("UPDATE tickets SET locked_by_id = 1 WHERE id = :t", {"t": tid}),
            ("UPDATE tickets SET subject = 'mine' WHERE id = :t", {"t": tid}),
        ]
        before = raw(pg_url, "SELECT count(*), max(updated_at) FROM messages, tickets")
        for sql, params in forbidden:
            store = Store.open(url, migrate=False)
            try:
                with pytest.raises(RefusedByDatabase):
                    with store.write() as s:
                        s.execute(text(sql), params)
            finally:
                store.close()
        assert raw(pg_url, "SELECT count(*), max(updated_at) FROM messages, tickets") == before
        # Updating a ticket that isn't theirs finds nothing to update.
        store = Store.open(url, migrate=False)
        try:
            with store.write() as s:
                done = s.execute(text("UPDATE tickets SET client_unread = 0 WHERE id = :t"),
                                 {"t": other[0][0]})
                assert done.rowcount == 0
        finally:
            store.close()
    finally:
        desk.close()


def test_the_app_runs_with_no_superuser(pg_cluster, pg_url: str) -> None:
    """A staff role takes, replies, closes, splits; the role is no superuser and owns nothing."""
    desk = Desk(pg_url, 7)
    try:
        desk.grant_all()
        login = next(l for l in desk.logins if not desk.staff[l].is_admin
                     and listed_ids(desk.store, desk.staff[l]))
        url = role_url(pg_url, login)
        store = Store.open(url)  # migrate=True: at head already, so nothing to do, no error
        try:
            assert raw(url, "SELECT rolsuper OR rolbypassrls FROM pg_roles "
                            "WHERE rolname = current_user") == [(False,)]
            me = staff_actor(store, login)
            tid = sorted(listed_ids(store, me))[0]
            lock = sv.take(store, me, tid, force=True)
            sv.save_draft(store, me, tid, "draft text")
            sv.reply(store, me, tid, "Answer from a plain role.", internal="note", token=lock.token)
            sv.set_favorite(store, me, tid)
            sv.take(store, me, tid)
            new_id = sv.split(store, me, tid, sv.peek(store, me, tid).messages[-1].id)
            assert new_id in listed_ids(store, me)
            sv.take(store, me, new_id)
            sv.reply(store, me, new_id, "Done.", close=True)
            detail = sv.show(store, me, new_id)
            assert detail.messages[-1].body == "Done." and detail.locked_by is None
        finally:
            store.close()
    finally:
        desk.close()


def test_an_operator_without_superuser_migrates_adds_staff_and_grants(pg_cluster) -> None:
    """The whole setup by a role with CREATEROLE that owns its database, no superuser."""
    tag = uuid.uuid4().hex[:6]
    operator, db = f"operator_{tag}", f"desk_{tag}"
    pg_cluster.admin_sql(f"CREATE ROLE {operator} LOGIN CREATEROLE")
    pg_cluster.admin_sql(f"CREATE DATABASE {db} OWNER {operator}")
    url = pg_cluster.url(db, user=operator)
    store = Store.open(url)
    try:
        admin.add_department(store, "Billing")
        admin.add_staff(store, f"ann_{tag}", "Ann", ["Billing"])
        admin.add_client(store, f"zed.{tag}@example.com", "Zed")
        granted = logins.grant_login(store, f"ann_{tag}", "s3cret pass")
        assert granted.created and granted.kind == "staff"
        assert logins.grant_login(store, f"ann_{tag}").created is False
        tid = sv.open_ticket(store, client_actor(store, f"zed.{tag}@example.com"), "Billing",
                             "Invoice", "Wrong amount")
    finally:
        store.close()
    ann = Store.open(role_url(url, f"ann_{tag}", "s3cret pass"))
    try:
        me = staff_actor(ann, f"ann_{tag}")
        sv.take(ann, me, tid)
        sv.reply(ann, me, tid, "Corrected.", close=True)
        assert listed_ids(ann, me) == {tid}
    finally:
        ann.close()


def test_grant_login_refuses_clearly(pg_url: str, sqlite_url: str, pg_cluster) -> None:
    store = Store.open(pg_url)
    try:
        with pytest.raises(NotFound, match="no staff member"):
            logins.grant_login(store, "nobody_here")
        admin.add_staff(store, "tt_super", "Clash")
        with pytest.raises(NotAllowed, match="exists already and is not a ticket-tui"):
            logins.grant_login(store, "tt_super")
    finally:
        store.close()
    lite = Store.open(sqlite_url)
    try:
        admin.add_staff(lite, "alice", "Alice")
        with pytest.raises(NotAllowed, match="SQLite"):
            logins.grant_login(lite, "alice")
        assert logins.connected_as(lite) is None
    finally:
        lite.close()


def test_the_command_line_grants_a_login_and_the_role_is_the_identity(pg_url: str) -> None:
    """`admin grant-login LOGIN --password-stdin`; then --as is not needed, and must match."""
    from click.testing import CliRunner

    from ticket_tui import main

    def run(url: str, *args: str, stdin: str | None = None):
        return CliRunner().invoke(main, ["--db", url, *args], input=stdin)

    tag = uuid.uuid4().hex[:6]
    alice, bob = f"alice_{tag}", f"bob_{tag}"
    assert run(pg_url, "department", "add", "Support").exit_code == 0
    for login in (alice, bob):
        assert run(pg_url, "staff", "add", login, "--name", login, "--department", "Support").exit_code == 0
    assert run(pg_url, "client", "add", f"john.{tag}@example.com", "--name", "John").exit_code == 0
    done = run(pg_url, "admin", "grant-login", alice, "--password-stdin", stdin="pa ss\n")
    assert done.exit_code == 0 and f"Login role '{alice}' created" in done.output
    missing = run(pg_url, "admin", "grant-login", "nobody")
    assert missing.exit_code == 1 and missing.output.count("\n") == 1
    assert run(pg_url, "--client", f"john.{tag}@example.com", "ticket", "new", "--department",
               "Support", "--subject", "Down", "--body", "502").exit_code == 0
    mine = role_url(pg_url, alice, "pa ss")
    listed = run(mine, "ticket", "list", "--view", "all", "--json")
    assert listed.exit_code == 0 and '"subject": "Down"' in listed.output
    assert run(mine, "--as", alice, "ticket", "take", "1").exit_code == 0
    other = run(mine, "--as", bob, "ticket", "show", "1")
    assert other.exit_code == 1
    assert f"connected to PostgreSQL as {alice}, so you act as {alice}, not {bob}" in other.output
