"""the database refuses in SQL what the app refuses: write rules for login roles (PostgreSQL)

Migration 0003 made what a personal login role reads exact; this makes what it writes exact:
every write a member of ticket_tui_staff or ticket_tui_client can make in SQL is one the app
could make for that person at that moment, and nothing written widens what they see.
- Privileges: no DELETE but of one's own drafts, favorites and seen marks; UPDATE only of the
  columns the app changes. A client reads no summary, lock or responsible staff member, no
  holder, event (but the ids of its own, for INSERT ... RETURNING), edit or abuse case, and
  writes no holder.
- Policies: a row written for a ticket needs the ticket visible to the writer as the statement
  found it (a new holder row never makes its own ticket visible); author and actor columns
  name the writer.
- Triggers (BEFORE INSERT OR UPDATE, per row, run as the writer; those of tickets and holders,
  the lock and the statuses, are migration 0005's): what needs the lock (replies, close, split,
  edits, charges) needs the writer to hold it; moments (created_at, edited_at...) are the
  server's clock whatever was sent; an attachment's size and hash come from its bytes.
- SECURITY DEFINER functions for what a writer changes but not freely: a charge with the
  client's balance (ticket_tui_charge), the client's incidents left (ticket_tui_use_incidents),
  the holders a client message reopens (ticket_tui_client_wrote). As 0003's, they are handed
  current_user and refuse a name the session can't act as; then they check the rule.
- Client logins get opaque names, and no group role counts as a person (0006).
- "Written in this transaction" is `created_at = now()`: the server stamps every moment a login
  writes with now(), which is constant within a transaction.

The operator (members of ticket_tui_owner, superusers) and the definer functions are trusted:
the triggers let them through, so seeding and imports keep the times they were given.

A service role (the mail service of a later issue) is added the same way: a NOLOGIN group role
holding only the privileges its job needs, policies TO it, and its own branch in these triggers
or SECURITY DEFINER functions that admit exactly the writes that service makes.

NOTIFY can't be restricted (any role may notify any channel): listeners take notifications as
hints, and the TUI coalesces them (tui/runtime/live.py).

SQLite: nothing (one local user; the store's own checks are the whole story).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 10:00:00
"""
from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OWNER, STAFF, CLIENT = "ticket_tui_owner", "ticket_tui_staff", "ticket_tui_client"
TICKET_TABLES = (
    "tickets", "holders", "messages", "message_edits", "attachments", "ticket_events", "drafts",
    "charges", "favorites", "seen_marks", "abuse_cases",
)
SHARED_TABLES = ("clients", "services", "staff_settings", "departments", "staff", "memberships",
                 "reply_templates", "settings", "alembic_version")
# What a client's login may not read of its tickets: the staff's side of them.
CLIENT_HIDDEN_TICKET_COLUMNS = ("summary", "locked_by_id", "lock_token", "locked_at",
                                "responsible_staff_id")
# (0005 guards tickets and holders: the lock and the take rule.)
GUARDED = ("messages", "message_edits", "attachments", "abuse_cases", "seen_marks")
STAMPED = {"ticket_events": "created_at", "favorites": "created_at", "drafts": "updated_at"}
TRIGGER_FUNCTIONS = tuple(f"ticket_tui_guard_{t}()" for t in GUARDED) + ("ticket_tui_stamp()",)
STAFF_FUNCTIONS = ("ticket_tui_charge(name, integer, integer, bigint, timestamptz)",
                   "ticket_tui_use_incidents(name, integer, integer, integer)")
CLIENT_FUNCTIONS = ("ticket_tui_client_wrote(name, integer, integer, timestamptz)",)
WRITE_FUNCTIONS = ("ticket_tui_actor(name, integer)",) + STAFF_FUNCTIONS + CLIENT_FUNCTIONS

TRUSTED = f"pg_has_role(current_user, '{OWNER}', 'MEMBER')"
GUARD = "(viewer = session_user OR pg_has_role(session_user, viewer, 'MEMBER'))"
WHO = """me := ticket_tui_staff_id(current_user);
    IF me IS NULL THEN
        client := ticket_tui_client_id(current_user);
    END IF;"""


def refuse(sentence: str) -> str:
    text = sentence.replace("'", "''")
    return f"RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = '{text}'"


def _plpgsql(name: str, declare: str, body: str, schema: str, *, definer: str = "") -> str:
    return (f"CREATE OR REPLACE FUNCTION {name} LANGUAGE plpgsql {definer} "
            f"SET search_path = {schema}, pg_temp AS $$\nDECLARE\n{declare}\nBEGIN\n{body}\nEND $$")


def _trigger(table: str, declare: str, body: str, schema: str) -> str:
    body = f"    IF {TRUSTED} THEN\n        RETURN NEW;\n    END IF;\n{body}\n    RETURN NEW;"
    return _plpgsql(f"ticket_tui_guard_{table}() RETURNS trigger", declare, body, schema)


MESSAGES = f"""
    {WHO}
    IF TG_OP = 'INSERT' THEN
        NEW.created_at := now();
        NEW.edited_at := NULL;
        IF client IS NOT NULL THEN
            IF NEW.kind <> 'client' OR NEW.author_client_id IS DISTINCT FROM client
               OR NEW.author_staff_id IS NOT NULL THEN
                {refuse("A client writes client messages, in their own name.")};
            END IF;
            RETURN NEW;
        END IF;
        SELECT t.locked_by_id INTO holder FROM tickets t WHERE t.id = NEW.ticket_id;
        IF me IS NULL OR NEW.kind = 'client' OR NEW.author_client_id IS NOT NULL THEN
            {refuse("Staff don't write in a client's name.")};
        ELSIF NEW.kind = 'system' THEN
            IF NEW.author_staff_id IS NOT NULL OR coalesce(holder <> me, false) THEN
                {refuse("System messages come with Take, Assign and Split, on a ticket not locked "
                        "by someone else.")};
            END IF;
        ELSIF NEW.author_staff_id IS DISTINCT FROM me OR holder IS DISTINCT FROM me THEN
            {refuse("A reply or internal comment is written in your own name, under the "
                    "ticket's lock.")};
        END IF;
        RETURN NEW;
    END IF;
    SELECT t.locked_by_id INTO holder FROM tickets t WHERE t.id = OLD.ticket_id;
    IF me IS NULL OR holder IS DISTINCT FROM me THEN
        {refuse("Messages are edited or split under the ticket's lock.")};
    END IF;
    IF NEW.ticket_id <> OLD.ticket_id AND NOT EXISTS (
            SELECT 1 FROM tickets t WHERE t.id = NEW.ticket_id AND t.split_from_id = OLD.ticket_id
            AND t.created_at = now()) THEN
        {refuse("Messages move only into the ticket a Split is making.")};
    END IF;
    IF NEW.body <> OLD.body THEN
        IF OLD.kind = 'system' OR NOT EXISTS (
                SELECT 1 FROM message_edits e WHERE e.message_id = OLD.id AND e.edited_by_id = me
                AND e.edited_at = now() AND e.previous_body = OLD.body) THEN
            {refuse("An edit keeps the earlier text in the message's history; system messages are "
                    "not edited.")};
        END IF;
        NEW.edited_at := now();
    ELSE
        NEW.edited_at := OLD.edited_at;
    END IF;"""

MESSAGE_EDITS = f"""
    IF NEW.edited_by_id IS DISTINCT FROM ticket_tui_staff_id(current_user) OR NOT EXISTS (
            SELECT 1 FROM messages m JOIN tickets t ON t.id = m.ticket_id
            WHERE m.id = NEW.message_id AND m.kind <> 'system' AND m.body = NEW.previous_body
            AND t.locked_by_id = NEW.edited_by_id) THEN
        {refuse("A message's history is its earlier text, kept by its editor under the lock.")};
    END IF;
    NEW.edited_at := now();"""

ATTACHMENTS = f"""
    NEW.size := length(NEW.data);
    NEW.sha256 := encode(sha256(NEW.data), 'hex');
    IF NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = NEW.message_id AND m.created_at = now()
                   AND (m.author_staff_id = ticket_tui_staff_id(current_user)
                        OR m.author_client_id = ticket_tui_client_id(current_user))) THEN
        {refuse("Files are attached to the message you are writing.")};
    END IF;"""

ABUSE_CASES = f"""
    IF NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = NEW.ticket_id AND t.client_id = NEW.client_id
                   AND t.service_id IS NOT DISTINCT FROM NEW.service_id) THEN
        {refuse("An abuse case names the ticket's own client and service.")};
    END IF;
    NEW.created_at := now();"""

# Opening a ticket marks all of it seen, even a change whose time came from another's clock.
SEEN_MARKS = """
    NEW.seen_at := greatest(now(), (SELECT t.updated_at FROM tickets t WHERE t.id = NEW.ticket_id));"""


def _triggers(schema: str) -> list[str]:
    me_client = "me integer;\n    client integer;"
    out = [
        _trigger("messages", f"{me_client}\n    holder integer;", MESSAGES, schema),
        _trigger("message_edits", "", MESSAGE_EDITS, schema),
        _trigger("attachments", "", ATTACHMENTS, schema),
        _trigger("abuse_cases", "", ABUSE_CASES, schema),
        _trigger("seen_marks", "", SEEN_MARKS, schema),
        _plpgsql("ticket_tui_stamp() RETURNS trigger", "",
                 f"    IF NOT {TRUSTED} THEN\n        NEW := jsonb_populate_record(NEW, "
                 "jsonb_build_object(TG_ARGV[0], now()));\n    END IF;\n    RETURN NEW;", schema),
    ]
    for table in GUARDED:
        out.append(f"CREATE TRIGGER ticket_tui_guard BEFORE INSERT OR UPDATE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION ticket_tui_guard_{table}()")
    for table, column in STAMPED.items():
        out.append(f"CREATE TRIGGER ticket_tui_stamp BEFORE INSERT OR UPDATE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION ticket_tui_stamp('{column}')")
    return out


# When the write happened: the operator's time (an import keeps its history), else the server's.
STAMP = (f"stamp timestamptz := CASE WHEN pg_has_role(viewer, '{OWNER}', 'MEMBER') "
         "THEN coalesce(at, now()) ELSE now() END;")

ACTOR = f"""
    IF NOT {GUARD} THEN
        {refuse("You can only act as yourself.")};
    END IF;
    IF pg_has_role(viewer, '{OWNER}', 'MEMBER') THEN
        RETURN given;
    END IF;
    own := ticket_tui_staff_id(viewer);
    IF own IS NULL OR own IS DISTINCT FROM given THEN
        {refuse("You can only act as yourself.")};
    END IF;
    RETURN own;"""

LOCKED = f"""
    SELECT t.client_id, t.locked_by_id, d.per_incident INTO ticket
      FROM tickets t JOIN departments d ON d.id = t.department_id WHERE t.id = for_ticket;
    IF NOT FOUND OR ticket.locked_by_id IS DISTINCT FROM actor THEN
        {refuse("Charges and support incidents are billed under the ticket's lock.")};
    END IF;"""

CHARGE = LOCKED + f"""
    IF cents IS NULL OR cents <= 0 THEN
        {refuse("A charge is a positive amount.")};
    END IF;
    INSERT INTO charges (ticket_id, client_id, staff_id, amount_cents, created_at)
      VALUES (for_ticket, ticket.client_id, actor, cents, stamp) RETURNING id INTO made;
    UPDATE clients SET balance_cents = balance_cents - cents WHERE id = ticket.client_id;
    RETURN made;"""

INCIDENTS = LOCKED + f"""
    IF NOT ticket.per_incident OR used IS NULL OR used NOT BETWEEN 0 AND 1000 THEN
        {refuse("Support incidents are 0 to 1000 per reply, in a per-incident department.")};
    END IF;
    UPDATE clients SET incidents_left = incidents_left - used WHERE id = ticket.client_id;"""

# A client message reopens the department's holder and the responsible staff member's, which
# a client may neither read nor write.
CLIENT_WROTE = f"""
    IF NOT {GUARD} THEN
        {refuse("You can only act as yourself.")};
    END IF;
    SELECT t.client_id, t.department_id, t.responsible_staff_id INTO ticket
      FROM tickets t WHERE t.id = for_ticket;
    IF NOT FOUND OR ticket.client_id IS DISTINCT FROM client OR NOT (
            pg_has_role(viewer, '{OWNER}', 'MEMBER')
            OR coalesce(ticket_tui_client_id(viewer) = client, false) AND EXISTS (
                SELECT 1 FROM messages m WHERE m.ticket_id = for_ticket AND m.kind = 'client'
                AND m.author_client_id = client AND m.created_at = now())) THEN
        {refuse("A ticket is reopened by its client's own message.")};
    END IF;
    INSERT INTO holders AS h (ticket_id, department_id, is_open, opened_at)
      VALUES (for_ticket, ticket.department_id, true, stamp)
      ON CONFLICT (ticket_id, department_id) WHERE department_id IS NOT NULL
      DO UPDATE SET is_open = true, opened_at = stamp, closed_at = NULL WHERE NOT h.is_open;
    IF ticket.responsible_staff_id IS NOT NULL THEN
        INSERT INTO holders AS h (ticket_id, staff_id, is_open, opened_at)
          VALUES (for_ticket, ticket.responsible_staff_id, true, stamp)
          ON CONFLICT (ticket_id, staff_id) WHERE staff_id IS NOT NULL
          DO UPDATE SET is_open = true, opened_at = stamp, closed_at = NULL WHERE NOT h.is_open;
    END IF;
    UPDATE tickets t SET is_open = true WHERE t.id = for_ticket AND NOT t.is_open;"""


def _functions(schema: str) -> list[str]:
    definer = "SECURITY DEFINER"
    return [
        _plpgsql("ticket_tui_actor(viewer name, given integer) RETURNS integer", "    own integer;",
                 ACTOR, schema, definer="STABLE SECURITY DEFINER"),
        _plpgsql("ticket_tui_charge(viewer name, for_ticket integer, staff integer, cents bigint, "
                 "at timestamptz) RETURNS integer",
                 "    actor integer := ticket_tui_actor(viewer, staff);\n    ticket record;\n"
                 f"    made integer;\n    {STAMP}", CHARGE, schema, definer=definer),
        _plpgsql("ticket_tui_use_incidents(viewer name, for_ticket integer, staff integer, "
                 "used integer) RETURNS void",
                 "    actor integer := ticket_tui_actor(viewer, staff);\n    ticket record;",
                 INCIDENTS, schema, definer=definer),
        _plpgsql("ticket_tui_client_wrote(viewer name, for_ticket integer, client integer, "
                 "at timestamptz) RETURNS void", f"    ticket record;\n    {STAMP}", CLIENT_WROTE,
                 schema, definer=definer),
    ]


def _policies() -> list[str]:
    me_staff = "(SELECT ticket_tui_staff_id(current_user))"
    me_admin = "(SELECT ticket_tui_is_admin(current_user))"
    me_client = "(SELECT ticket_tui_client_id(current_user))"
    ticket_seen = "EXISTS (SELECT 1 FROM tickets t WHERE t.id = {}.ticket_id)"
    message_seen = "EXISTS (SELECT 1 FROM messages m WHERE m.id = {}.message_id)"
    return [
        f"ALTER POLICY holders_staff ON holders WITH CHECK ({me_admin} "
        f"OR ticket_tui_staff_sees(current_user, ticket_id, NULL))",
        "DROP POLICY holders_client ON holders",
        f"ALTER POLICY ticket_events_staff ON ticket_events WITH CHECK (staff_id = {me_staff} "
        f"AND client_id IS NULL AND {ticket_seen.format('ticket_events')})",
        f"ALTER POLICY ticket_events_client ON ticket_events WITH CHECK (client_id = {me_client} "
        f"AND staff_id IS NULL AND {ticket_seen.format('ticket_events')})",
        f"ALTER POLICY abuse_cases_staff ON abuse_cases WITH CHECK (staff_id = {me_staff} "
        f"AND {ticket_seen.format('abuse_cases')})",
        f"ALTER POLICY message_edits_staff ON message_edits WITH CHECK ("
        f"edited_by_id = {me_staff} AND {message_seen.format('message_edits')})",
        f"ALTER POLICY drafts_client ON drafts WITH CHECK (client_id = {me_client} "
        f"AND internal_comment = '' AND {ticket_seen.format('drafts')})",
        # Staff read every client (Information, Filter by client) but write only the internal
        # comment of a client whose ticket they see.
        "DROP POLICY clients_staff ON clients",
        f"CREATE POLICY clients_staff_select ON clients FOR SELECT TO {STAFF} USING (true)",
        f"CREATE POLICY clients_staff_update ON clients FOR UPDATE TO {STAFF} "
        "USING (EXISTS (SELECT 1 FROM tickets t WHERE t.client_id = clients.id))",
    ]


def _grants(client_ticket_columns: str) -> list[str]:
    return [
        f"REVOKE ALL ON {', '.join(TICKET_TABLES + SHARED_TABLES)} FROM {STAFF}, {CLIENT}",
        # --- staff ---
        f"GRANT SELECT ON {', '.join(TICKET_TABLES + SHARED_TABLES)} TO {STAFF}",
        f"GRANT INSERT ON tickets, holders, messages, message_edits, attachments, ticket_events, "
        f"abuse_cases TO {STAFF}",
        "GRANT UPDATE (subject, summary, service_id, department_id, responsible_staff_id, priority, "
        "placed_first, delayed_until, locked_by_id, lock_token, locked_at, client_unread, "
        f"incidents, is_open, awaiting_staff, waiting_since, updated_at) ON tickets TO {STAFF}",
        f"GRANT UPDATE (is_open, opened_at, closed_at) ON holders TO {STAFF}",
        f"GRANT UPDATE (body, edited_at, ticket_id) ON messages TO {STAFF}",
        f"GRANT INSERT, UPDATE, DELETE ON drafts, favorites, seen_marks TO {STAFF}",
        f"GRANT INSERT, UPDATE ON staff_settings TO {STAFF}",
        f"GRANT UPDATE (internal_comment) ON clients TO {STAFF}",
        # --- clients ---
        f"GRANT SELECT ({client_ticket_columns}) ON tickets TO {CLIENT}",
        f"GRANT INSERT ON tickets, messages, attachments, ticket_events TO {CLIENT}",
        "GRANT UPDATE (client_unread, archived_at, delayed_until, awaiting_staff, waiting_since, "
        f"updated_at) ON tickets TO {CLIENT}",
        f"GRANT SELECT ON messages, attachments, services, departments, staff, settings, "
        f"alembic_version TO {CLIENT}",
        f"GRANT SELECT (id) ON ticket_events TO {CLIENT}",
        f"GRANT SELECT (id, ticket_id, amount_cents, created_at) ON charges TO {CLIENT}",
        f"GRANT SELECT (id, email, name, registered_at, balance_cents, incidents_left) "
        f"ON clients TO {CLIENT}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON drafts TO {CLIENT}",
        f"REVOKE ALL ON FUNCTION {', '.join(WRITE_FUNCTIONS + TRIGGER_FUNCTIONS)} FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION {', '.join(STAFF_FUNCTIONS)} TO {STAFF}",
        f"GRANT EXECUTE ON FUNCTION {', '.join(CLIENT_FUNCTIONS)} TO {CLIENT}",
    ]


def create_functions(statements: list[str], functions: tuple[str, ...]) -> None:
    """Functions first, handed to the owner, then the triggers that call them."""
    for sql in statements:
        if sql.startswith("CREATE OR REPLACE FUNCTION"):
            op.execute(sql)
    for fn in functions:
        op.execute(f"ALTER FUNCTION {fn} OWNER TO {OWNER}")
    for sql in statements:
        if not sql.startswith("CREATE OR REPLACE FUNCTION"):
            op.execute(sql)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar()
    # A function or table of the same name in a schema anyone may create in could stand in for
    # ours in a login's queries; only the owner creates here.
    op.execute(f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC")
    create_functions(_functions(schema) + _triggers(schema), WRITE_FUNCTIONS + TRIGGER_FUNCTIONS)
    for sql in _policies():
        op.execute(sql)
    columns = bind.exec_driver_sql(
        "SELECT attname FROM pg_attribute WHERE attrelid = 'tickets'::regclass AND attnum > 0 "
        "AND NOT attisdropped ORDER BY attnum").scalars().all()
    for sql in _grants(", ".join(c for c in columns if c not in CLIENT_HIDDEN_TICKET_COLUMNS)):
        op.execute(sql)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in GUARDED:
        op.execute(f"DROP TRIGGER IF EXISTS ticket_tui_guard ON {table}")
    for table in STAMPED:
        op.execute(f"DROP TRIGGER IF EXISTS ticket_tui_stamp ON {table}")
    for fn in WRITE_FUNCTIONS + TRIGGER_FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {fn}")
    for name in ("clients_staff_select", "clients_staff_update"):
        op.execute(f"DROP POLICY IF EXISTS {name} ON clients")
    # 0003's policies and grants, as they were: drop its policies here and make them again.
    from importlib import import_module

    previous = import_module("store.migrations.versions.0003_row_security")
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar()
    rows = bind.exec_driver_sql(
        "SELECT tablename, policyname FROM pg_policies WHERE schemaname = current_schema() "
        "AND policyname NOT LIKE '%%\\_owner'").all()
    for table, name in rows:
        op.execute(f'DROP POLICY "{name}" ON "{table}"')
    for sql in previous._policies():
        if f"TO {OWNER} " not in sql:
            op.execute(sql)
    op.execute(f"REVOKE ALL ON {', '.join(TICKET_TABLES + SHARED_TABLES)} FROM {STAFF}, {CLIENT}")
    for sql in previous._grants():
        op.execute(sql.format(schema=schema))
