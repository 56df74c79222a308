"""the mail channel's intake: mailboxes, Message-IDs, originals, failed mail; the mail role

Tables (both databases):
- mailboxes: a department's support address (lowercased, unique) and its IMAP mailbox; no
  password ever (a password file or the environment).
- mail_ids: every Message-ID the desk received (and, with the sending half, sent), with its
  ticket and message. Threading looks ids up here; its unique index, written in the same
  transaction as the message, makes a second delivery of the same mail a no-op.
- mail_originals: a received mail whole, beside its message, for staff to open.
- failed_mail: a mail the intake could not handle, kept whole (sha256 unique: the same bytes
  failing twice are one row) until retried or resolved.

PostgreSQL: the tables belong to ticket_tui_owner with row security, as 0003's. Staff read a
mailbox list, and a mail's ids and original only where they see its ticket; failed mail is the
administrators'; clients read none of it. The group role `ticket_tui_mail` is the mail
service's (its login roles are its members), under 0004's rule: each write it can make is one
the intake makes.
- It writes as the client a mail comes from, through the client's own policies and write rules:
  it names that client in the transaction (set_config('ticket_tui.mail_client', id, true)) and
  ticket_tui_client_id then answers that client for it. So it opens tickets and writes client
  messages (and their files) exactly as the client could, and the reopening of holders goes
  through 0004's ticket_tui_client_wrote. It never archives (a trigger).
- It reads clients' ids, emails and names (to find a sender) and adds a client with no balance,
  incidents or comment (an unknown sender, when the setting says so).
- It learns whose ticket a mail answers (ticket_tui_mail_ticket_client), then acts as them.
- It records the ids and the original of a message written in the same transaction
  (ticket_tui_mail_wrote, a definer: the mail role can't read a system message), adds failed
  mail, and moves a mailbox's IMAP position. A bounce becomes a system message through
  ticket_tui_mail_bounced, only on a ticket the desk sent mail for.
- No UPDATE of anything else, no DELETE, no staff writes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 14:00:00
"""
from __future__ import annotations

from importlib import import_module

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

base4 = import_module("store.migrations.versions.0004_write_rules")
base6 = import_module("store.migrations.versions.0006_client_logins")
refuse, plpgsql, TRUSTED = base4.refuse, base4._plpgsql, base4.TRUSTED
OWNER, STAFF, CLIENT = "ticket_tui_owner", "ticket_tui_staff", "ticket_tui_client"
MAIL = "ticket_tui_mail"
TABLES = ("mailboxes", "mail_ids", "mail_originals", "failed_mail")
# The client's policies the mail role writes through, acting as the mail's client.
CLIENT_POLICIES = ("tickets_client", "messages_client", "attachments_client",
                   "ticket_events_client")
FUNCTIONS = ("ticket_tui_mail_wrote(name, integer, integer)",
             "ticket_tui_mail_ticket_client(name, integer)",
             "ticket_tui_mail_bounced(name, integer, text)", "ticket_tui_guard_mail()")
MAIL_CALLS = ("ticket_tui_staff_id(name)", "ticket_tui_is_admin(name)",
              "ticket_tui_client_id(name)", "ticket_tui_department_ids(name)",
              "ticket_tui_staff_sees(name, integer, integer)",
              "ticket_tui_client_wrote(name, integer, integer, timestamptz)",
              "ticket_tui_mail_wrote(name, integer, integer)",
              "ticket_tui_mail_ticket_client(name, integer)",
              "ticket_tui_mail_bounced(name, integer, text)")
CLIENT_SETTING = "ticket_tui.mail_client"


def _dt(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, store.types.UTCDateTime(timezone=True), nullable=nullable)


def _tables() -> None:
    op.create_table(
        "mailboxes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(254), nullable=False),
        sa.Column("imap_url", sa.String(1000), nullable=True),
        sa.Column("password_file", sa.String(1000), nullable=True),
        sa.Column("imap_uidvalidity", sa.BigInteger(), nullable=True),
        sa.Column("imap_last_uid", sa.BigInteger(), nullable=False),
        _dt("created_at"),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"],
                                name="fk_mailboxes_department_id_departments"),
        sa.PrimaryKeyConstraint("id", name="pk_mailboxes"),
        sa.UniqueConstraint("address", name="uq_mailboxes_address"),
    )
    op.create_index("ix_mailboxes_department_id", "mailboxes", ["department_id"])
    op.create_table(
        "mail_ids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id_header", sa.String(250), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("mailbox_id", sa.Integer(), nullable=True),
        sa.Column("made_up", sa.Boolean(), nullable=False),
        sa.Column("automatic_reason", sa.String(200), nullable=True),
        _dt("created_at"),
        sa.CheckConstraint("direction IN ('in', 'out')", name="ck_mail_ids_direction"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE",
                                name="fk_mail_ids_ticket_id_tickets"),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="CASCADE",
                                name="fk_mail_ids_message_id_messages"),
        sa.ForeignKeyConstraint(["mailbox_id"], ["mailboxes.id"], ondelete="SET NULL",
                                name="fk_mail_ids_mailbox_id_mailboxes"),
        sa.PrimaryKeyConstraint("id", name="pk_mail_ids"),
        sa.UniqueConstraint("message_id_header", name="uq_mail_ids_message_id_header"),
    )
    op.create_index("ix_mail_ids_ticket_id", "mail_ids", ["ticket_id"])
    op.create_index("ix_mail_ids_message_id", "mail_ids", ["message_id"])
    op.create_table(
        "mail_originals",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sender", sa.Text(), nullable=False),
        sa.Column("to_addresses", sa.Text(), nullable=False),
        sa.Column("cc_addresses", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="CASCADE",
                                name="fk_mail_originals_message_id_messages"),
        sa.PrimaryKeyConstraint("message_id", name="pk_mail_originals"),
    )
    op.create_table(
        "failed_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        _dt("received_at"),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("mailbox_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        _dt("retried_at", True),
        _dt("resolved_at", True),
        sa.CheckConstraint("source IN ('pipe', 'imap', 'import')", name="ck_failed_mail_source"),
        sa.ForeignKeyConstraint(["mailbox_id"], ["mailboxes.id"], ondelete="SET NULL",
                                name="fk_failed_mail_mailbox_id_mailboxes"),
        sa.PrimaryKeyConstraint("id", name="pk_failed_mail"),
        sa.UniqueConstraint("sha256", name="uq_failed_mail_sha256"),
    )


# --- PostgreSQL ----------------------------------------------------------------------------
def _client_id(schema: str) -> str:
    """0006's identity function, and for a mail service login the client it names in the
    transaction: the mail service writes as the client a mail comes from."""
    opts = f"STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp"
    return (f"CREATE OR REPLACE FUNCTION ticket_tui_client_id(viewer name) RETURNS integer "
            f"LANGUAGE plpgsql {opts} AS $$\nBEGIN\n    RETURN coalesce((SELECT client_id FROM "
            f"client_logins WHERE role = viewer::text AND {base6._person(CLIENT)}), CASE WHEN "
            f"{base6._person(MAIL)} THEN nullif(current_setting('{CLIENT_SETTING}', true), "
            "'')::integer END);\nEND $$")


MAIL_GUARD = f"({base6._person(MAIL)})"
# The operator takes mail in too (a retry, an import): trusted, as in 0004.
MAIL_OR_OPERATOR = f"({MAIL_GUARD} OR {base4.GUARD} AND pg_has_role(viewer, '{OWNER}', 'MEMBER'))"

WROTE = f"""
    RETURN {MAIL_GUARD} AND EXISTS (
        SELECT 1 FROM messages m WHERE m.id = message AND m.created_at = now()
        AND m.author_staff_id IS NULL AND m.kind IN ('client', 'system')
        AND (ticket IS NULL OR m.ticket_id = ticket));"""

# Whose ticket a mail answers: the mail service writes as that client, whose tickets it can
# read only once it acts as them.
TICKET_CLIENT = f"""
    IF NOT {MAIL_OR_OPERATOR} THEN
        {refuse("Only the mail service asks whose ticket a mail answers.")};
    END IF;
    RETURN (SELECT t.client_id FROM tickets t WHERE t.id = ticket);"""

BOUNCED = f"""
    IF NOT {MAIL_OR_OPERATOR} OR NOT EXISTS (
            SELECT 1 FROM mail_ids i WHERE i.ticket_id = for_ticket AND i.direction = 'out') THEN
        {refuse("A bounce is noted on a ticket the desk sent mail for, by the mail service.")};
    END IF;
    INSERT INTO messages (ticket_id, kind, body, created_at)
      VALUES (for_ticket, 'system', left(body, 10000), now()) RETURNING id INTO made;
    UPDATE tickets SET updated_at = now() WHERE id = for_ticket;
    RETURN made;"""

# The mail service writes as a client, whose rules would let it archive: the intake never does.
GUARD_MAIL = f"""
    IF NOT {TRUSTED} AND pg_has_role(current_user, '{MAIL}', 'MEMBER')
       AND NEW.archived_at IS NOT NULL AND OLD.archived_at IS DISTINCT FROM NEW.archived_at THEN
        {refuse("The mail service never archives a ticket.")};
    END IF;
    RETURN NEW;"""


def _functions(schema: str) -> list[str]:
    definer = "SECURITY DEFINER"
    return [
        _client_id(schema),
        plpgsql("ticket_tui_mail_wrote(viewer name, ticket integer, message integer) "
                "RETURNS boolean", "", WROTE, schema, definer="STABLE " + definer),
        plpgsql("ticket_tui_mail_ticket_client(viewer name, ticket integer) RETURNS integer",
                "", TICKET_CLIENT, schema, definer="STABLE " + definer),
        plpgsql("ticket_tui_mail_bounced(viewer name, for_ticket integer, body text) "
                "RETURNS integer", "    made integer;", BOUNCED, schema, definer=definer),
        plpgsql("ticket_tui_guard_mail() RETURNS trigger", "", GUARD_MAIL, schema),
    ]


def _policies() -> list[str]:
    admin = "(SELECT ticket_tui_is_admin(current_user))"
    out = [f"CREATE POLICY {t}_owner ON {t} FOR ALL TO {OWNER} USING (true) WITH CHECK (true)"
           for t in TABLES]
    out += [
        f"CREATE POLICY mailboxes_staff_select ON mailboxes FOR SELECT TO {STAFF} USING (true)",
        f"CREATE POLICY mailboxes_mail_select ON mailboxes FOR SELECT TO {MAIL} USING (true)",
        f"CREATE POLICY mailboxes_mail_update ON mailboxes FOR UPDATE TO {MAIL} USING (true)",
        f"CREATE POLICY mail_ids_staff_select ON mail_ids FOR SELECT TO {STAFF} "
        "USING (EXISTS (SELECT 1 FROM tickets t WHERE t.id = mail_ids.ticket_id))",
        f"CREATE POLICY mail_ids_mail_select ON mail_ids FOR SELECT TO {MAIL} USING (true)",
        f"CREATE POLICY mail_ids_mail_insert ON mail_ids FOR INSERT TO {MAIL} WITH CHECK ("
        "direction = 'in' AND ticket_tui_mail_wrote(current_user, ticket_id, message_id))",
        f"CREATE POLICY mail_originals_staff_select ON mail_originals FOR SELECT TO {STAFF} "
        "USING (EXISTS (SELECT 1 FROM messages m WHERE m.id = mail_originals.message_id))",
        f"CREATE POLICY mail_originals_mail_insert ON mail_originals FOR INSERT TO {MAIL} "
        "WITH CHECK (ticket_tui_mail_wrote(current_user, NULL, message_id))",
        f"CREATE POLICY failed_mail_staff_select ON failed_mail FOR SELECT TO {STAFF} USING ({admin})",
        f"CREATE POLICY failed_mail_mail_insert ON failed_mail FOR INSERT TO {MAIL} "
        "WITH CHECK (retried_at IS NULL AND resolved_at IS NULL)",
        f"CREATE POLICY clients_mail_select ON clients FOR SELECT TO {MAIL} USING (true)",
        f"CREATE POLICY clients_mail_insert ON clients FOR INSERT TO {MAIL} WITH CHECK ("
        "balance_cents = 0 AND incidents_left = 0 AND internal_comment = '')",
    ]
    out += [f"ALTER POLICY {name} ON {name.removesuffix('_client')} TO {CLIENT}, {MAIL}"
            for name in CLIENT_POLICIES]
    out.append("CREATE TRIGGER ticket_tui_guard_mail BEFORE UPDATE ON tickets "
               "FOR EACH ROW EXECUTE FUNCTION ticket_tui_guard_mail()")
    return out


def _grants(schema: str, client_ticket_columns: str) -> list[str]:
    return [
        f"REVOKE ALL ON {', '.join(TABLES)} FROM PUBLIC",
        f"GRANT SELECT ON {', '.join(TABLES)} TO {STAFF}",
        f"GRANT USAGE ON SCHEMA {schema} TO {MAIL}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {MAIL}",
        f"GRANT SELECT ON mailboxes, departments, settings, alembic_version TO {MAIL}",
        f"GRANT UPDATE (imap_uidvalidity, imap_last_uid) ON mailboxes TO {MAIL}",
        f"GRANT SELECT, INSERT ON mail_ids TO {MAIL}",
        f"GRANT INSERT ON mail_originals, failed_mail TO {MAIL}",
        f"GRANT SELECT ({client_ticket_columns}) ON tickets TO {MAIL}",
        f"GRANT INSERT ON tickets, messages, attachments, ticket_events TO {MAIL}",
        "GRANT UPDATE (client_unread, archived_at, delayed_until, awaiting_staff, waiting_since, "
        f"updated_at) ON tickets TO {MAIL}",
        f"GRANT SELECT ON messages, attachments TO {MAIL}",
        f"GRANT SELECT (id) ON ticket_events TO {MAIL}",
        f"GRANT SELECT (id, email, name) ON clients TO {MAIL}",
        "GRANT INSERT (email, name, registered_at, internal_comment, balance_cents, "
        f"incidents_left) ON clients TO {MAIL}",
        f"REVOKE ALL ON FUNCTION {', '.join(FUNCTIONS)} FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION {', '.join(MAIL_CALLS)} TO {MAIL}",
    ]


def upgrade() -> None:
    _tables()
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar()
    op.execute(f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{MAIL}') "
               f"THEN CREATE ROLE {MAIL} NOLOGIN; END IF; END $$")
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} OWNER TO {OWNER}")
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    base4.create_functions(_functions(schema), FUNCTIONS)
    for sql in _policies():
        op.execute(sql)
    columns = bind.exec_driver_sql(
        "SELECT attname FROM pg_attribute WHERE attrelid = 'tickets'::regclass AND attnum > 0 "
        "AND NOT attisdropped ORDER BY attnum").scalars().all()
    hidden = base4.CLIENT_HIDDEN_TICKET_COLUMNS
    for sql in _grants(schema, ", ".join(c for c in columns if c not in hidden)):
        op.execute(sql)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        schema = bind.exec_driver_sql("SELECT current_schema()").scalar()
        op.execute("DROP TRIGGER IF EXISTS ticket_tui_guard_mail ON tickets")
        for name in CLIENT_POLICIES:
            op.execute(f"ALTER POLICY {name} ON {name.removesuffix('_client')} TO {CLIENT}")
        for name in ("clients_mail_select", "clients_mail_insert"):
            op.execute(f"DROP POLICY IF EXISTS {name} ON clients")
        op.execute(f"REVOKE ALL ON tickets, messages, attachments, ticket_events, clients, "
                   f"departments, settings, alembic_version FROM {MAIL}")
        op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {MAIL}")
        op.execute(f"REVOKE ALL ON FUNCTION {', '.join(MAIL_CALLS[:6])} FROM {MAIL}")
        op.execute(f"REVOKE USAGE ON SCHEMA {schema} FROM {MAIL}")
        for sql in base6._functions(schema):
            if "ticket_tui_client_id" in sql:
                op.execute(sql)
    for table in reversed(TABLES):
        op.drop_table(table)
    if bind.dialect.name == "postgresql":
        for fn in FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {fn}")
