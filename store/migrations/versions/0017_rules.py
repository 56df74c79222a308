"""response rules (issue 19): the rules, the record of their runs, the queue of pending runs, and
who is away

Tables (both databases), as store/rules/models.py says:
- rules: name (unique), on_event (new | client-message), position, conditions and actions as
  JSON, stop, and the round-robin's last assignee;
- rule_runs: one row per rule that ran for an event of a ticket (fired or not), unique on
  (rule, ticket, event, message): a second run of the same event writes nothing;
- rule_queue: events whose rules are still to run (PostgreSQL), unique per (message, event);
- staff_away: staff members who are away (the round-robin passes them by).

PostgreSQL (docs/rules.md, "Response rules"):
- Every table belongs to ticket_tui_owner, with FORCE ROW LEVEL SECURITY.
- rules and rule_runs: administrators' staff logins read and write rules (read runs); other
  staff, clients and the mail service nothing at all.
- rule_queue: no login writes or reads it. A trigger on messages (AFTER INSERT, a SECURITY
  DEFINER function owned by the owner) queues the event of each client message when a rule
  watches that event: the first client message of a ticket is `new`, a later one
  `client-message`. The operator's `ticket-tui rule run` works the queue off (or the operator's
  own session, inline). A session of the operator or of the mail service may say
  `ticket_tui.no_rules = on` for its transaction (the import of a mail history): nothing is
  queued then.
- staff_away: staff read it; a staff login marks itself away or back (an administrator anyone).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 18:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

OWNER, STAFF, MAIL = "ticket_tui_owner", "ticket_tui_staff", "ticket_tui_mail"
ME_STAFF = "(SELECT ticket_tui_staff_id(current_user))"
ME_ADMIN = "(SELECT ticket_tui_is_admin(current_user))"
TABLES = ("rules", "rule_runs", "rule_queue", "staff_away")
ENQUEUE = "ticket_tui_rules_enqueue()"


def _tables() -> None:
    op.create_table(
        "rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("on_event", sa.String(20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("stop", sa.Boolean(), nullable=False),
        sa.Column("last_assigned_id", sa.Integer(), nullable=True),
        sa.Column("created_at", store.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("on_event IN ('new', 'client-message')", name="ck_rules_on_event"),
        sa.ForeignKeyConstraint(["last_assigned_id"], ["staff.id"], ondelete="SET NULL",
                                name="fk_rules_last_assigned_id_staff"),
        sa.PrimaryKeyConstraint("id", name="pk_rules"),
        sa.UniqueConstraint("name", name="uq_rules_name"),
    )
    op.create_index("ix_rules_order", "rules", ["on_event", "position", "id"])
    op.create_table(
        "rule_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(20), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("fired", sa.Boolean(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("ran_at", store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["rule_id"], ["rules.id"], ondelete="CASCADE",
                                name="fk_rule_runs_rule_id_rules"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE",
                                name="fk_rule_runs_ticket_id_tickets"),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="CASCADE",
                                name="fk_rule_runs_message_id_messages"),
        sa.PrimaryKeyConstraint("id", name="pk_rule_runs"),
        sa.UniqueConstraint("rule_id", "ticket_id", "event", "message_id", name="uq_rule_runs_once"),
    )
    op.create_index("ix_rule_runs_ticket_id", "rule_runs", ["ticket_id"])
    op.create_table(
        "rule_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(20), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("queued_at", store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE",
                                name="fk_rule_queue_ticket_id_tickets"),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="CASCADE",
                                name="fk_rule_queue_message_id_messages"),
        sa.PrimaryKeyConstraint("id", name="pk_rule_queue"),
        sa.UniqueConstraint("message_id", "event", name="uq_rule_queue_once"),
    )
    op.create_table(
        "staff_away",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("since", store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], ondelete="CASCADE",
                                name="fk_staff_away_staff_id_staff"),
        sa.PrimaryKeyConstraint("staff_id", name="pk_staff_away"),
    )


def _enqueue_function(schema: str) -> str:
    skip = (f"current_setting('ticket_tui.no_rules', true) = 'on' AND "
            f"(pg_has_role(session_user, '{OWNER}', 'MEMBER') "
            f"OR pg_has_role(session_user, '{MAIL}', 'MEMBER'))")
    return f"""CREATE OR REPLACE FUNCTION {ENQUEUE} RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
    happened text;
BEGIN
    IF NEW.kind <> 'client' OR {skip} THEN
        RETURN NULL;
    END IF;
    happened := CASE WHEN EXISTS (SELECT 1 FROM messages m WHERE m.ticket_id = NEW.ticket_id
                                  AND m.id < NEW.id) THEN 'client-message' ELSE 'new' END;
    IF EXISTS (SELECT 1 FROM rules r WHERE r.on_event = happened) THEN
        INSERT INTO rule_queue (ticket_id, event, message_id, queued_at)
        VALUES (NEW.ticket_id, happened, NEW.id, now())
        ON CONFLICT (message_id, event) DO NOTHING;
    END IF;
    RETURN NULL;
END $$"""


def _policies() -> list[str]:
    out = [f"CREATE POLICY {t}_owner ON {t} FOR ALL TO {OWNER} USING (true) WITH CHECK (true)"
           for t in TABLES]
    return out + [
        f"CREATE POLICY rules_admin ON rules FOR ALL TO {STAFF} USING ({ME_ADMIN}) "
        f"WITH CHECK ({ME_ADMIN})",
        f"CREATE POLICY rule_runs_admin ON rule_runs FOR SELECT TO {STAFF} USING ({ME_ADMIN})",
        f"CREATE POLICY staff_away_read ON staff_away FOR SELECT TO {STAFF} USING (true)",
        f"CREATE POLICY staff_away_own ON staff_away FOR INSERT TO {STAFF} "
        f"WITH CHECK (staff_id = {ME_STAFF} OR {ME_ADMIN})",
        f"CREATE POLICY staff_away_back ON staff_away FOR DELETE TO {STAFF} "
        f"USING (staff_id = {ME_STAFF} OR {ME_ADMIN})",
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
        op.execute(f"REVOKE ALL ON {table} FROM PUBLIC")
    for sql in _policies():
        op.execute(sql)
    op.execute(_enqueue_function(schema))
    op.execute(f"ALTER FUNCTION {ENQUEUE} OWNER TO {OWNER}")
    op.execute(f"REVOKE ALL ON FUNCTION {ENQUEUE} FROM PUBLIC")
    op.execute("CREATE TRIGGER ticket_tui_rules AFTER INSERT ON messages FOR EACH ROW "
               f"EXECUTE FUNCTION {ENQUEUE}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON rules TO {STAFF}")
    op.execute(f"GRANT USAGE, SELECT ON SEQUENCE rules_id_seq TO {STAFF}")
    op.execute(f"GRANT SELECT ON rule_runs TO {STAFF}")
    op.execute(f"GRANT SELECT, INSERT, DELETE ON staff_away TO {STAFF}")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ticket_tui_rules ON messages")
        op.execute(f"DROP FUNCTION IF EXISTS {ENQUEUE}")
    for table in ("staff_away", "rule_queue", "rule_runs", "rules"):
        op.drop_table(table)
