"""opaque client login roles, and who a role is (PostgreSQL; the table on both)

Roles belong to the whole server and every login can list them (pg_roles), so a client's login
role named by its email told every other login who the clients are. A client's role is now
named `ttc_` and 16 hex digits, and `client_logins` (owned by ticket_tui_owner, read by nobody
else: the identity function reads it as its owner) says whose it is. Roles made by 0003 (named
by email) are renamed here: a SCRAM password survives a rename, an MD5 one does not, and
`ticket-tui admin grant-login EMAIL --client` prints the role's new name (and, with a
password, sets one).

A role is a staff member (a client) only if it belongs to ticket_tui_staff (ticket_tui_client)
and is not one of the project's group roles (ticket_tui_...): `SET ROLE ticket_tui_staff`, open
to every staff login, no longer makes anyone the staff member whose login happens to be that
group's name, and grant-login refuses such logins.

SQLite: the table only (unused there: one local user), so the schema is the models' on both.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 11:00:00
"""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OWNER, STAFF, CLIENT = "ticket_tui_owner", "ticket_tui_staff", "ticket_tui_client"
CLIENT_ROLE_PREFIX = "ttc_"
# The session may act as `viewer` (0003's guard), and `viewer` is a person of that group.
GUARD = "(viewer = session_user OR pg_has_role(session_user, viewer, 'MEMBER'))"


def _person(group: str) -> str:
    # Not one of the project's group roles (each is a member of itself, and every staff login
    # may SET ROLE to its group). By name and pg_has_role only: the pg_roles view would be
    # planned again at every statement that calls these (a SQL function's plan lives as long
    # as the statement), which cost every statement of a login a third of a millisecond.
    return (f"{GUARD} AND viewer::text NOT LIKE 'ticket\\_tui\\_%' "
            f"AND pg_has_role(viewer, '{group}', 'MEMBER')")


def _functions(schema: str) -> list[str]:
    opts = f"STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp"

    def identity(signature: str, query: str) -> str:
        # PL/pgSQL, not SQL: the policies call these once per statement, and PostgreSQL plans a
        # SQL function's body again at every statement (PL/pgSQL keeps its plans per session),
        # which cost each statement of a login ~0.3 ms.
        return (f"CREATE OR REPLACE FUNCTION {signature} LANGUAGE plpgsql {opts} AS $$\n"
                f"BEGIN\n    RETURN ({query});\nEND $$")

    return [
        identity("ticket_tui_staff_id(viewer name) RETURNS integer",
                 f"SELECT id FROM staff WHERE login = viewer::text AND {_person(STAFF)}"),
        identity("ticket_tui_client_id(viewer name) RETURNS integer",
                 "SELECT client_id FROM client_logins "
                 f"WHERE role = viewer::text AND {_person(CLIENT)}"),
        identity("ticket_tui_is_admin(viewer name) RETURNS boolean",
                 "SELECT coalesce((SELECT is_admin FROM staff "
                 f"WHERE login = viewer::text AND {_person(STAFF)}), false)"),
        identity("ticket_tui_department_ids(viewer name) RETURNS integer[]",
                 "SELECT coalesce(array_agg(m.department_id), '{}') FROM memberships m "
                 f"JOIN staff s ON s.id = m.staff_id WHERE s.login = viewer::text "
                 f"AND {_person(STAFF)}"),
        f"""CREATE OR REPLACE FUNCTION ticket_tui_staff_sees(viewer name, ticket integer, split_from integer)
            RETURNS boolean LANGUAGE sql {opts} AS $$
            WITH me AS (SELECT id FROM staff WHERE login = viewer::text AND {_person(STAFF)})
            SELECT ticket IS NOT NULL AND (
                   EXISTS (
                       SELECT 1 FROM holders h, me
                       WHERE h.ticket_id = ticket
                         AND (h.staff_id = me.id OR EXISTS (
                              SELECT 1 FROM memberships m
                              WHERE m.staff_id = me.id AND m.department_id = h.department_id)))
                OR (NOT EXISTS (SELECT 1 FROM holders WHERE ticket_id = ticket)
                    AND coalesce(ticket_tui_staff_sees(
                        viewer,
                        coalesce(split_from, (SELECT split_from_id FROM tickets WHERE id = ticket)),
                        NULL), false))) $$""",
    ]


def new_client_role() -> str:
    return CLIENT_ROLE_PREFIX + secrets.token_hex(8)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _rename_client_roles(bind) -> None:
    rows = bind.exec_driver_sql(
        "SELECT u.rolname, c.id FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
        "JOIN pg_roles u ON u.oid = m.member JOIN clients c ON c.email = u.rolname "
        f"WHERE g.rolname = '{CLIENT}' ORDER BY c.id").all()
    if not rows:
        return
    if not bind.exec_driver_sql("SELECT rolsuper OR rolcreaterole FROM pg_roles "
                                "WHERE rolname = current_user").scalar():
        raise RuntimeError(
            "This upgrade renames the clients' login roles, which needs CREATEROLE: run "
            "`ticket-tui init` as the operator role that grants logins.")
    for email, client_id in rows:
        role = new_client_role()
        op.execute(f"ALTER ROLE {_quoted(email)} RENAME TO {role}")
        bind.execute(sa.text("INSERT INTO client_logins (role, client_id) VALUES (:r, :c)"),
                     {"r": role, "c": client_id})


def upgrade() -> None:
    op.create_table(
        "client_logins",
        sa.Column("role", sa.String(63), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], ondelete="CASCADE",
                                name="fk_client_logins_client_id_clients"),
        sa.PrimaryKeyConstraint("role", name="pk_client_logins"),
        sa.UniqueConstraint("client_id", name="uq_client_logins_client_id"),
    )
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar()
    op.execute(f"ALTER TABLE client_logins OWNER TO {OWNER}")
    op.execute(f"REVOKE ALL ON client_logins FROM PUBLIC, {STAFF}, {CLIENT}")
    for sql in _functions(schema):
        op.execute(sql)
    _rename_client_roles(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for email, role in bind.exec_driver_sql(
                "SELECT c.email, l.role FROM client_logins l JOIN clients c ON c.id = l.client_id"
        ).all():
            op.execute(f"ALTER ROLE {_quoted(role)} RENAME TO {_quoted(email)}")
        from importlib import import_module

        previous = import_module("store.migrations.versions.0003_row_security")
        schema = bind.exec_driver_sql("SELECT current_schema()").scalar()
        for sql in previous._functions(schema):
            op.execute(sql)
    op.drop_table("client_logins")
