"""Login roles on the shared server: nobody learns who the clients are from the role list, and
nobody becomes someone else by a role's name (issue 21; migration 0006, store/logins.py).

- a client's login role has an opaque name (the grant prints it), so pg_roles, which every
  login reads, names no client; an upgraded desk renames the email-named roles of 0003,
  keeping their passwords;
- a role is a person only if it can log in and belongs to the group: `SET ROLE
  ticket_tui_staff` makes no one the staff member named like it, and such logins (or pg_'s, or
  a client role's) are refused by grant-login.
"""

from __future__ import annotations

import psycopg
import pytest
from click.testing import CliRunner
from sqlalchemy.engine import make_url

from store import admin, logins
from store.db import Store
from store.errors import NotAllowed
from tests.pg_attacks import desk  # noqa: F401 - the fixture
from tests.pg_attacks import AttackDesk, refused, refused_or_nothing

pytestmark = pytest.mark.pg


def test_the_role_list_names_no_client(desk: AttackDesk) -> None:
    for person in ("alice", "john@example.com"):
        with desk.login(person) as conn:
            names = {n for n, in conn.execute("SELECT rolname FROM pg_roles")}
        assert not {n for n in names if "@" in n}, names
        assert desk.roles["john@example.com"] in names


def test_a_group_role_is_nobody(desk: AttackDesk) -> None:
    """A staff member whose login is a group role's name: reachable by SET ROLE from any staff
    login, so the database must not take that role for them."""
    admin.add_staff(desk.store, "ticket_tui_staff", "Named like the group", admin=True)
    with desk.login("alice") as conn:
        conn.execute("SET ROLE ticket_tui_staff")
        assert conn.execute("SELECT count(*) FROM tickets").fetchone()[0] == 0
        assert conn.execute("SELECT ticket_tui_staff_id(current_user)").fetchone()[0] is None
    refused_or_nothing(desk, "alice", "SET ROLE ticket_tui_staff; UPDATE tickets SET summary = 'mine'")
    with pytest.raises(NotAllowed, match="kept for PostgreSQL's and ticket-tui's own roles"):
        logins.grant_login(desk.store, "ticket_tui_staff")
    for login in ("pg_reader", "ttc_0123456789abcdef", "public"):
        admin.add_staff(desk.store, login, "Reserved")
        with pytest.raises(NotAllowed, match="kept for"):
            logins.grant_login(desk.store, login)


def test_a_login_acts_as_itself_only(desk: AttackDesk) -> None:
    """(PostgreSQL and 0003's guard refused these already: kept as the baseline of the rest.)"""
    refused(desk, "alice", "SET ROLE carol")
    refused(desk, "john@example.com", f'SET ROLE "{desk.roles["mary@example.com"]}"')
    # The policy functions answer for the session's own role only.
    with desk.login("alice") as conn:
        assert conn.execute("SELECT ticket_tui_is_admin('root')").fetchone()[0] is False
        assert conn.execute("SELECT ticket_tui_staff_sees('bob', %s, NULL)",
                            (desk.t_hidden,)).fetchone()[0] is False
    with desk.login("john@example.com") as conn:
        mary = desk.roles["mary@example.com"]
        assert conn.execute("SELECT ticket_tui_client_id(%s)", (mary,)).fetchone()[0] is None


def _cli(url: str, *args: str):
    from ticket_tui import main

    return CliRunner().invoke(main, ["--db", url, *args])


def test_grant_login_prints_the_clients_role_and_revoke_drops_it(desk: AttackDesk) -> None:
    admin.add_client(desk.store, "zoe@example.com", "Zoe")
    done = _cli(desk.url, "admin", "grant-login", "zoe@example.com", "--client")
    assert done.exit_code == 0, done.output
    role = done.output.split("'")[1]
    assert role.startswith("ttc_") and "zoe" not in role
    assert f"they connect with the user name {role}." in done.output
    again = _cli(desk.url, "admin", "grant-login", "zoe@example.com", "--client")
    assert again.exit_code == 0 and f"Login role '{role}' updated" in again.output
    zoe = Store.open(make_url(desk.url).set(username=role).render_as_string(hide_password=False),
                     migrate=False)
    try:
        assert logins.connected_as(zoe) == logins.ConnectedAs("client", "zoe@example.com")
    finally:
        zoe.close()
    gone = _cli(desk.url, "admin", "revoke-login", "zoe@example.com")
    assert gone.exit_code == 0 and role in gone.output
    assert desk.rows("SELECT count(*) FROM pg_roles WHERE rolname = :r", r=role) == [(0,)]


def test_an_upgraded_desk_renames_its_clients_roles(pg_cluster) -> None:
    """0003 named a client's role by its email; the upgrade gives it an opaque name, keeps its
    password, and the client then connects with the name grant-login prints."""
    import uuid

    from alembic import command

    from store.db import _alembic_config

    name = f"tt_upgrade_{uuid.uuid4().hex[:6]}"
    pg_cluster.admin_sql(f"CREATE DATABASE {name}")
    pg_url = pg_cluster.url(name)
    store = Store(pg_url)
    with store.engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0003")
    store.close()
    email = "old.client@example.com"
    with psycopg.connect(_dsn(pg_cluster, pg_url), autocommit=True) as conn:
        conn.execute("INSERT INTO departments (name, per_incident, created_at) "
                     "VALUES ('Tech', false, now())")
        conn.execute("INSERT INTO clients (email, name, registered_at, internal_comment, "
                     "balance_cents, incidents_left) VALUES (%s, 'Old', now(), '', 0, 0)", (email,))
        conn.execute("INSERT INTO tickets (client_id, subject, summary, department_id, priority, "
                     "placed_first, client_unread, incidents, is_open, awaiting_staff, "
                     "waiting_since, created_at, updated_at) VALUES (1, 'Mine', '', 1, 2, false, "
                     "0, 0, true, true, now(), now(), now())")
        conn.execute(f'DROP ROLE IF EXISTS "{email}"')
        conn.execute(f"CREATE ROLE \"{email}\" LOGIN IN ROLE ticket_tui_client PASSWORD 'kept'")
        conn.execute(f'GRANT CONNECT ON DATABASE {make_url(pg_url).database} TO "{email}"')
        hashed = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s",
                              (email,)).fetchone()[0]
    upgraded = Store.open(pg_url)  # 0003 -> head
    try:
        roles = upgraded_roles(pg_cluster, pg_url)
        assert email not in roles
        renamed = logins.grant_login(upgraded, email, client=True)
        assert renamed.created is False and renamed.role.startswith("ttc_")
        assert roles[renamed.role] == hashed  # a SCRAM password survives the rename
        url = make_url(pg_url).set(username=renamed.role).render_as_string(hide_password=False)
        with psycopg.connect(_dsn(pg_cluster, url)) as conn:
            assert conn.execute("SELECT subject FROM tickets").fetchall() == [("Mine",)]
    finally:
        upgraded.close()
        pg_cluster.admin_sql(f"DROP DATABASE {name} WITH (FORCE)")


def upgraded_roles(pg_cluster, pg_url: str) -> dict[str, str]:
    with psycopg.connect(_dsn(pg_cluster, pg_url)) as conn:
        return dict(conn.execute("SELECT rolname, rolpassword FROM pg_authid").fetchall())


def _dsn(pg_cluster, url: str) -> str:
    u = make_url(url)
    return f"host=127.0.0.1 port={pg_cluster.port} user={u.username} dbname={u.database}"
