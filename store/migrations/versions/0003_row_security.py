"""row-level security, group roles and change notifications (PostgreSQL only)

PostgreSQL: every table is handed to the NOLOGIN role `ticket_tui_owner`; the tables that hold
ticket data get ENABLE + FORCE ROW LEVEL SECURITY and policies that give a staff login role
exactly the visibility of domain.md (the same rule as store/service/_common.staff_visible) and a
client login role only its own tickets, without internal comments, system messages, holders'
history, abuse cases or edits. store/logins.py documents the roles and how an operator runs it.

Why the policies look as they do:
- The tickets policy is an indexed EXISTS on holders(ticket_id) against the viewer's staff id
  and department ids (initplans: computed once per query). Its test is made of integer
  comparisons, which PostgreSQL knows to be leakproof and so evaluates before the holders
  policy; the viewer's own holder rows pass that policy by the same cheap test. No function
  runs per row on the common path: measured on 100,000 tickets, see the README.
- The holders policy can't look at tickets or other holder rows (PostgreSQL refuses policies
  that recurse), so the rare rows the cheap test can't decide (another department's holder of a
  visible ticket) go to a SECURITY DEFINER function owned by ticket_tui_owner, for which a
  permissive policy exists.
- The functions are handed `current_user` (so SET ROLE works) and refuse a name the session
  can't act as, so nobody learns another role's visibility by calling them directly.
- Per-query facts (is the viewer an admin, their departments, which client is it) are
  (SELECT f(...)) initplans, evaluated once per query.
- Tables below tickets (messages, attachments, ...) test EXISTS on tickets (or messages), which
  applies the tickets policy: one rule, written once.
- A new ticket made by Split has no holder yet when it is inserted (INSERT ... RETURNING must
  pass the read policy): a ticket without any holder is visible to whoever sees the ticket it
  was split from. Every ticket gets its holders in the transaction that makes it.

Change notifications: statement-level triggers on tickets, messages and holders send the ids of
the changed tickets (comma-separated; '*' when there are too many) on channel
`ticket_tui_changes`. Notifications bypass row security, so they carry ids only.

SQLite: nothing (one local user; the store's own checks are the whole story).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 01:40:00
"""
from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OWNER = "ticket_tui_owner"
STAFF = "ticket_tui_staff"
CLIENT = "ticket_tui_client"
CHANNEL = "ticket_tui_changes"
MAX_IDS = 200  # more changed tickets than this in one statement: the payload is '*'

TICKET_TABLES = (
    "tickets", "holders", "messages", "message_edits", "attachments", "ticket_events", "drafts",
    "charges", "favorites", "seen_marks", "abuse_cases",
)
# Not ticket data, but private to one client or one staff member.
PRIVATE_TABLES = ("clients", "services", "staff_settings")
SHARED_TABLES = ("departments", "staff", "memberships", "reply_templates", "settings",
                 "alembic_version")
ALL_TABLES = TICKET_TABLES + PRIVATE_TABLES + SHARED_TABLES

# What the policies call; granted to the group roles.
POLICY_FUNCTIONS = (
    "ticket_tui_staff_id(name)", "ticket_tui_is_admin(name)", "ticket_tui_client_id(name)",
    "ticket_tui_department_ids(name)", "ticket_tui_staff_sees(name, integer, integer)",
)
TRIGGER_FUNCTIONS = ("ticket_tui_notify_tickets()", "ticket_tui_notify_by_ticket()")

# The session may act as `viewer`: it is the session's own login role, or one it may SET ROLE to.
_GUARD = "(viewer = session_user OR pg_has_role(session_user, viewer, 'MEMBER'))"


def _functions(schema: str) -> list[str]:
    opts = f"STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp"
    return [
        f"""CREATE OR REPLACE FUNCTION ticket_tui_staff_id(viewer name) RETURNS integer
            LANGUAGE sql {opts} AS $$
            SELECT id FROM staff WHERE login = viewer::text AND {_GUARD} $$""",
        f"""CREATE OR REPLACE FUNCTION ticket_tui_is_admin(viewer name) RETURNS boolean
            LANGUAGE sql {opts} AS $$
            SELECT coalesce((SELECT is_admin FROM staff
                             WHERE login = viewer::text AND {_GUARD}), false) $$""",
        f"""CREATE OR REPLACE FUNCTION ticket_tui_client_id(viewer name) RETURNS integer
            LANGUAGE sql {opts} AS $$
            SELECT id FROM clients WHERE email = viewer::text AND {_GUARD} $$""",
        f"""CREATE OR REPLACE FUNCTION ticket_tui_department_ids(viewer name) RETURNS integer[]
            LANGUAGE sql {opts} AS $$
            SELECT coalesce(array_agg(m.department_id), '{{}}') FROM memberships m
            JOIN staff s ON s.id = m.staff_id WHERE s.login = viewer::text AND {_GUARD} $$""",
        # The whole rule in one place, for the rare rows the policies' indexed test can't
        # decide: a holder row of another department, or a ticket just made by Split (no holder
        # yet: visible to whoever sees the ticket it was split from; `split_from` comes from the
        # row, since a row being inserted is not yet visible here).
        f"""CREATE OR REPLACE FUNCTION ticket_tui_staff_sees(viewer name, ticket integer, split_from integer)
            RETURNS boolean LANGUAGE sql {opts} AS $$
            WITH me AS (SELECT id FROM staff
                        WHERE login = viewer::text AND {_GUARD})
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


def _notify_function(name: str, key: str, schema: str) -> str:
    """A statement trigger function sending the ids (column `key`) of the changed tickets."""
    rows = "SELECT {key} AS t FROM {table}"
    return f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
        LANGUAGE plpgsql SET search_path = {schema}, pg_temp AS $$
        DECLARE
            ids text;
            n integer;
        BEGIN
            IF TG_OP = 'DELETE' THEN
                SELECT count(DISTINCT t), string_agg(DISTINCT t::text, ',')
                  INTO n, ids FROM ({rows.format(key=key, table='old_rows')}) AS c;
            ELSE
                SELECT count(DISTINCT t), string_agg(DISTINCT t::text, ',')
                  INTO n, ids FROM ({rows.format(key=key, table='new_rows')}) AS c;
            END IF;
            IF n > {MAX_IDS} THEN
                ids := '*';
            END IF;
            IF n > 0 THEN
                PERFORM pg_notify('{CHANNEL}', ids);
            END IF;
            RETURN NULL;
        END $$"""


NOTIFIERS = {"tickets": ("ticket_tui_notify_tickets", "id"),
             "messages": ("ticket_tui_notify_by_ticket", "ticket_id"),
             "holders": ("ticket_tui_notify_by_ticket", "ticket_id")}


def _notify_triggers() -> list[str]:
    out = []
    for table, (fn, _) in NOTIFIERS.items():
        for event, ref in (("INSERT", "NEW TABLE AS new_rows"), ("UPDATE", "NEW TABLE AS new_rows"),
                           ("DELETE", "OLD TABLE AS old_rows")):
            out.append(f"CREATE TRIGGER ticket_tui_notify_{table}_{event.lower()} AFTER {event} "
                       f"ON {table} REFERENCING {ref} FOR EACH STATEMENT EXECUTE FUNCTION {fn}()")
    return out


def _policies() -> list[str]:
    me_staff = "(SELECT ticket_tui_staff_id(current_user))"
    me_admin = "(SELECT ticket_tui_is_admin(current_user))"
    me_client = "(SELECT ticket_tui_client_id(current_user))"
    # (cast: ANY over a scalar subquery would mean "any row of it", not "any element")
    my_departments = "(SELECT ticket_tui_department_ids(current_user))::integer[]"
    # Indexed and leakproof (integer comparisons), so PostgreSQL tests it before anything else.
    mine = f"(h.staff_id = {me_staff} OR h.department_id = ANY ({my_departments}))"
    ticket_seen = "EXISTS (SELECT 1 FROM tickets t WHERE t.id = {table}.ticket_id)"
    message_seen = "EXISTS (SELECT 1 FROM messages m WHERE m.id = {table}.message_id)"
    out = []

    def policy(table: str, role: str, using: str, check: str | None = None,
               command: str = "ALL") -> None:
        sql = f"CREATE POLICY {table}_{role.removeprefix('ticket_tui_')}"
        if command != "ALL":
            sql += f"_{command.lower()}"
        sql += f" ON {table} FOR {command} TO {role} USING ({using})"
        if command not in ("SELECT", "DELETE"):
            sql += f" WITH CHECK ({check or using})"
        out.append(sql)

    # The owner (and the operator roles that are its members) sees and writes everything.
    for table in TICKET_TABLES + PRIVATE_TABLES:
        policy(table, OWNER, "true")

    # --- staff -------------------------------------------------------------------------
    policy("tickets", STAFF,
           # OFFSET 0: a probe of holders(ticket_id) per ticket read, never a hash of every
           # ticket the viewer's departments ever held (which grows with the database).
           f"{me_admin} OR EXISTS (SELECT 1 FROM holders h WHERE h.ticket_id = tickets.id "
           f"AND {mine} OFFSET 0) OR (split_from_id IS NOT NULL "
           f"AND ticket_tui_staff_sees(current_user, id, split_from_id))")
    # A holder row is visible with its ticket. The viewer's own rows (all the tickets policy
    # looks at) are decided by the cheap test; the function is for the others' rows.
    policy("holders", STAFF,
           f"{me_admin} OR staff_id = {me_staff} OR department_id = ANY ({my_departments}) "
           f"OR ticket_tui_staff_sees(current_user, ticket_id, NULL)")
    for table in ("messages", "ticket_events", "charges", "abuse_cases"):
        policy(table, STAFF, ticket_seen.format(table=table))
    for table in ("attachments", "message_edits"):
        policy(table, STAFF, message_seen.format(table=table))
    # Per staff member: their own rows, written only for tickets they see.
    for table in ("favorites", "seen_marks"):
        policy(table, STAFF, f"staff_id = {me_staff}",
               f"staff_id = {me_staff} AND {ticket_seen.format(table=table)}")
    policy("drafts", STAFF, f"staff_id = {me_staff}",
           f"staff_id = {me_staff} AND {ticket_seen.format(table='drafts')}")
    policy("staff_settings", STAFF, f"staff_id = {me_staff}")
    policy("clients", STAFF, "true")
    policy("services", STAFF, "true")

    # --- clients -----------------------------------------------------------------------
    policy("tickets", CLIENT, f"client_id = {me_client}")
    policy("messages", CLIENT,
           f"kind IN ('client', 'staff') AND {ticket_seen.format(table='messages')}",
           f"kind = 'client' AND author_client_id = {me_client} "
           f"AND {ticket_seen.format(table='messages')}")
    policy("attachments", CLIENT, message_seen.format(table="attachments"))
    # A client message reopens the responsible holders, so the client reaches its tickets'
    # holders; the client area never shows them.
    policy("holders", CLIENT, ticket_seen.format(table="holders"))
    policy("charges", CLIENT, f"client_id = {me_client}")
    # The history is staff's; a client reaches only the events of their own actions.
    policy("ticket_events", CLIENT, f"client_id = {me_client}",
           f"client_id = {me_client} AND {ticket_seen.format(table='ticket_events')}")
    policy("drafts", CLIENT, f"client_id = {me_client}",
           f"client_id = {me_client} AND {ticket_seen.format(table='drafts')}")
    policy("clients", CLIENT, f"id = {me_client}")
    policy("services", CLIENT, f"client_id = {me_client}")
    return out


def _grants() -> list[str]:
    ticket_rw = ", ".join(TICKET_TABLES)
    return [
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {ticket_rw}, staff_settings TO {STAFF}",
        f"GRANT SELECT, UPDATE ON clients TO {STAFF}",
        f"GRANT SELECT ON services, departments, staff, memberships, reply_templates, settings, "
        f"alembic_version TO {STAFF}",
        f"GRANT SELECT, INSERT ON tickets, holders, messages, attachments, ticket_events TO {CLIENT}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON drafts TO {CLIENT}",
        # What a client's own actions change (reading, writing, archiving), and nothing else:
        # not the lock, the subject or the holders' other columns.
        f"GRANT UPDATE (client_unread, archived_at, delayed_until, awaiting_staff, waiting_since, "
        f"updated_at, is_open) ON tickets TO {CLIENT}",
        f"GRANT UPDATE (is_open, opened_at, closed_at) ON holders TO {CLIENT}",
        f"GRANT SELECT ON charges, services, departments, staff, settings, alembic_version "
        f"TO {CLIENT}",
        # Everything of the client's own row but the staff's internal comment about them.
        f"GRANT SELECT (id, email, name, registered_at, balance_cents, incidents_left) "
        f"ON clients TO {CLIENT}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {{schema}} TO {STAFF}, {CLIENT}",
        f"GRANT USAGE ON SCHEMA {{schema}} TO {STAFF}, {CLIENT}",
        f"REVOKE ALL ON FUNCTION {', '.join(POLICY_FUNCTIONS + TRIGGER_FUNCTIONS)} FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION {', '.join(POLICY_FUNCTIONS)} TO {STAFF}, {CLIENT}",
    ]


def _create_roles() -> str:
    # Roles belong to the whole server; another database of the same server may have made them.
    parts = []
    for role in (OWNER, STAFF, CLIENT):
        parts.append(f"IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN "
                     f"CREATE ROLE {role} NOLOGIN; END IF;")
    return "DO $$ BEGIN " + " ".join(parts) + " END $$"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar()
    op.execute(_create_roles())
    # The one who migrates becomes a member of the owner (if not already), so the tables can be
    # handed over and later migrations can still alter them.
    user = bind.exec_driver_sql("SELECT current_user").scalar()
    member = bind.exec_driver_sql(
        f"SELECT pg_has_role(current_user, '{OWNER}', 'MEMBER')").scalar()
    if not member:
        op.execute(f'GRANT {OWNER} TO "{user}"')
    # ticket_tui_staff_sees calls itself (a split ticket's parent): no body check before it exists.
    op.execute("SET LOCAL check_function_bodies = off")
    for sql in _functions(schema):
        op.execute(sql)
    op.execute("SET LOCAL check_function_bodies = on")
    for name, key in dict(NOTIFIERS.values()).items():
        op.execute(_notify_function(name, key, schema))
    # The owner of tables must be able to create in their schema (later migrations run as it).
    op.execute(f"GRANT USAGE, CREATE ON SCHEMA {schema} TO {OWNER}")
    for table in ALL_TABLES:
        op.execute(f"ALTER TABLE {table} OWNER TO {OWNER}")
    for fn in POLICY_FUNCTIONS + TRIGGER_FUNCTIONS:
        op.execute(f"ALTER FUNCTION {fn} OWNER TO {OWNER}")
    for table in TICKET_TABLES + PRIVATE_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    for sql in _policies():
        op.execute(sql)
    for sql in _grants():
        op.execute(sql.format(schema=schema))
    for sql in _notify_triggers():
        op.execute(sql)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in ("tickets", "messages", "holders"):
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS ticket_tui_notify_{table}_{event} ON {table}")
    rows = bind.exec_driver_sql(
        "SELECT tablename, policyname FROM pg_policies WHERE schemaname = current_schema()").all()
    for table, name in rows:
        op.execute(f'DROP POLICY "{name}" ON "{table}"')
    for table in TICKET_TABLES + PRIVATE_TABLES:
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for fn in TRIGGER_FUNCTIONS + POLICY_FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {fn}")
