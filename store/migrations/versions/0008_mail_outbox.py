"""the mail channel's sending half: the outbox and the desk's own secret

Tables (both databases):
- outbox: one row per mail the desk will send (a staff reply, or an acknowledgement of a
  mailed ticket), written in the same transaction as its message; its state (queued, sending,
  sent, failed), attempts, when it may be tried next (not_before: the back-off, or a held
  reply), the lease of the sender that claimed it, the server's last answer, and the signed
  Message-ID fixed at its first claim (every resend reuses it).
- mail_secret: the desk's secret for signed Message-IDs, generated here once.

PostgreSQL: both belong to ticket_tui_owner with row security.
- Staff read the outbox rows of the tickets they see, and insert only the row of a staff reply
  they wrote in this very transaction, queued and untouched, to the ticket's client. They
  never update one: a failed mail is queued again through ticket_tui_outbox_retry, which checks
  that they see its ticket.
- The mail service (ticket_tui_mail) reads the outbox, claims and marks rows (only the sending
  columns), queues an acknowledgement only for a client message written in its transaction,
  records the sent mail's Message-ID (direction 'out') only for an outbox row that carries it,
  and reads the secret. Clients read none of it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 15:30:00
"""
from __future__ import annotations

import secrets
from importlib import import_module

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

base4 = import_module("store.migrations.versions.0004_write_rules")
refuse, plpgsql = base4.refuse, base4._plpgsql
OWNER, STAFF, CLIENT, MAIL = "ticket_tui_owner", "ticket_tui_staff", "ticket_tui_client", "ticket_tui_mail"
TABLES = ("outbox", "mail_secret")
FUNCTIONS = ("ticket_tui_outbox_retry(name, integer)",)
SENDING_COLUMNS = "state, attempts, not_before, lease_until, last_answer, mail_message_id, sent_at"


def _dt(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, store.types.UTCDateTime(timezone=True), nullable=nullable)


def _tables() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _dt("not_before"),
        _dt("lease_until", True),
        sa.Column("last_answer", sa.Text(), nullable=True),
        sa.Column("mail_message_id", sa.String(250), nullable=True),
        _dt("created_at"),
        _dt("sent_at", True),
        sa.CheckConstraint("kind IN ('reply', 'acknowledgement')", name="ck_outbox_kind"),
        sa.CheckConstraint("state IN ('queued', 'sending', 'sent', 'failed')",
                           name="ck_outbox_state"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE",
                                name="fk_outbox_ticket_id_tickets"),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="CASCADE",
                                name="fk_outbox_message_id_messages"),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("message_id", name="uq_outbox_message_id"),
    )
    op.create_index("ix_outbox_ticket_id", "outbox", ["ticket_id"])
    op.create_index("ix_outbox_recipient", "outbox", ["recipient"])
    op.create_index("ix_outbox_due", "outbox", ["state", "not_before"])
    op.create_table(
        "mail_secret",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_mail_secret"),
    )
    op.get_bind().execute(sa.text("INSERT INTO mail_secret (id, secret) VALUES (1, :s)"),
                          {"s": secrets.token_hex(32)})


# --- PostgreSQL ----------------------------------------------------------------------------
ME = "(SELECT ticket_tui_staff_id(current_user))"
# A staff member queues the mail of the reply they wrote in this transaction, to the ticket's
# client, as the sender will find it: queued, never tried.
STAFF_QUEUES = f"""kind = 'reply' AND state = 'queued' AND attempts = 0 AND lease_until IS NULL
    AND last_answer IS NULL AND mail_message_id IS NULL AND sent_at IS NULL
    AND EXISTS (SELECT 1 FROM messages m WHERE m.id = outbox.message_id
                AND m.ticket_id = outbox.ticket_id AND m.kind = 'staff'
                AND m.author_staff_id = {ME} AND m.created_at = now())
    AND recipient = (SELECT c.email FROM tickets t JOIN clients c ON c.id = t.client_id
                     WHERE t.id = outbox.ticket_id)"""
# The mail service acknowledges the client message it wrote in this transaction.
MAIL_ACKNOWLEDGES = """kind = 'acknowledgement' AND state = 'queued' AND attempts = 0
    AND lease_until IS NULL AND mail_message_id IS NULL AND sent_at IS NULL
    AND ticket_tui_mail_wrote(current_user, ticket_id, message_id)
    AND recipient = (SELECT c.email FROM clients c
                     WHERE c.id = ticket_tui_mail_ticket_client(current_user, ticket_id))"""
# The Message-ID of a mail sent: only the one its outbox row carries.
MAIL_SENT_ID = """direction = 'out' AND NOT made_up AND automatic_reason IS NULL AND EXISTS (
    SELECT 1 FROM outbox o WHERE o.mail_message_id = mail_ids.message_id_header
    AND o.ticket_id = mail_ids.ticket_id AND o.message_id = mail_ids.message_id)"""

RETRY = f"""
    IF NOT {base4.GUARD} THEN
        {refuse("You can only act as yourself.")};
    END IF;
    SELECT o.ticket_id INTO ticket FROM outbox o WHERE o.id = row_id AND o.state = 'failed';
    IF ticket IS NULL OR NOT (pg_has_role(viewer, '{OWNER}', 'MEMBER')
            OR ticket_tui_is_admin(viewer) OR ticket_tui_staff_id(viewer) IS NOT NULL
            AND coalesce(ticket_tui_staff_sees(viewer, ticket, NULL), false)) THEN
        {refuse("Only a failed mail of a ticket you see is sent again.")};
    END IF;
    UPDATE outbox SET state = 'queued', attempts = 0, not_before = now(), lease_until = NULL
      WHERE id = row_id;
    RETURN true;"""


def _policies() -> list[str]:
    out = [f"CREATE POLICY {t}_owner ON {t} FOR ALL TO {OWNER} USING (true) WITH CHECK (true)"
           for t in TABLES]
    out += [
        f"CREATE POLICY outbox_staff_select ON outbox FOR SELECT TO {STAFF} "
        "USING (EXISTS (SELECT 1 FROM tickets t WHERE t.id = outbox.ticket_id))",
        f"CREATE POLICY outbox_staff_insert ON outbox FOR INSERT TO {STAFF} "
        f"WITH CHECK ({STAFF_QUEUES})",
        f"CREATE POLICY outbox_mail_select ON outbox FOR SELECT TO {MAIL} USING (true)",
        f"CREATE POLICY outbox_mail_update ON outbox FOR UPDATE TO {MAIL} USING (true) "
        "WITH CHECK (true)",
        f"CREATE POLICY outbox_mail_insert ON outbox FOR INSERT TO {MAIL} "
        f"WITH CHECK ({MAIL_ACKNOWLEDGES})",
        f"CREATE POLICY mail_secret_mail_select ON mail_secret FOR SELECT TO {MAIL} USING (true)",
        f"CREATE POLICY mail_ids_mail_insert_out ON mail_ids FOR INSERT TO {MAIL} "
        f"WITH CHECK ({MAIL_SENT_ID})",
        # Whenever a staff member or the mail service writes a row, the server says when.
        "CREATE TRIGGER ticket_tui_stamp BEFORE INSERT ON outbox "
        "FOR EACH ROW EXECUTE FUNCTION ticket_tui_stamp('created_at')",
        # A mail sent or failed: an open thread hears it (its delivery mark), as 0003's changes.
        "CREATE TRIGGER ticket_tui_notify_outbox_update AFTER UPDATE ON outbox "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION ticket_tui_notify_by_ticket()",
    ]
    return out


def _grants(schema: str) -> list[str]:
    return [
        f"REVOKE ALL ON {', '.join(TABLES)} FROM PUBLIC",
        f"GRANT SELECT, INSERT ON outbox TO {STAFF}",
        f"GRANT SELECT, INSERT ON outbox TO {MAIL}",
        f"GRANT UPDATE ({SENDING_COLUMNS}) ON outbox TO {MAIL}",
        f"GRANT SELECT ON mail_secret TO {MAIL}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {STAFF}, {MAIL}",
        f"REVOKE ALL ON FUNCTION {', '.join(FUNCTIONS)} FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION {', '.join(FUNCTIONS)} TO {STAFF}",
    ]


def upgrade() -> None:
    _tables()
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar()
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} OWNER TO {OWNER}")
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    base4.create_functions([plpgsql(
        "ticket_tui_outbox_retry(viewer name, row_id integer) RETURNS boolean",
        "    ticket integer;", RETRY, schema, definer="SECURITY DEFINER")], FUNCTIONS)
    for sql in _policies():
        op.execute(sql)
    for sql in _grants(schema):
        op.execute(sql)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP POLICY IF EXISTS mail_ids_mail_insert_out ON mail_ids")
    for table in reversed(TABLES):
        op.drop_table(table)
    if bind.dialect.name == "postgresql":
        for fn in FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {fn}")
