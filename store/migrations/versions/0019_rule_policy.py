"""response rules apply a policy: tickets.sla_policy_id, its snapshot in ticket_sla

- tickets.sla_policy_id (nullable, FK sla_policies ON DELETE SET NULL): the response-target
  policy a rule applied (`rule add ... --then-policy`). It wins over the (department, priority)
  lookup while it exists; `sla remove` of it sets it NULL and the ticket's next event falls back
  to the lookup. No login role gets a grant to write it (0004's column grants on tickets stay as
  they are): on PostgreSQL the rules that set it run as the operator. The logins that may
  INSERT a ticket (a client, the mail service, a staff member's split) are refused one that
  names a policy: the trigger ticket_tui_no_applied_policy.
- ticket_sla.policy_id (no FK: a removed policy must still read as a change): the applied policy
  the step last saw, so a new or ended applied policy is a change of policy (SLA_SPEC.md 2b:
  each clock keeps the business time it used).
- ticket_tui_sla_refresh (store/sla/pg_refresh.py, revision "0019"), replacing 0018's text: the
  applied policy is an input. Downgrade puts 0018's text back, drops the trigger and both
  columns (which policy a rule applied is forgotten; the targets in effect stay until the
  ticket's department or priority changes).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 20:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from store.sla import pg_refresh

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

OWNER = "ticket_tui_owner"
FK = "fk_tickets_sla_policy_id_sla_policies"
GUARD = "ticket_tui_no_applied_policy"


def upgrade() -> None:
    reference = "REFERENCES sla_policies (id) ON DELETE SET NULL"
    if op.get_bind().dialect.name == "sqlite":
        # In place (a batch copy of tickets would lose 0002's triggers). SQLite enforces the
        # column's REFERENCES clause, but SQLAlchemy reads a reference's name and ON DELETE only
        # from a table constraint, which ADD COLUMN can't write: the comment says it in that
        # form, so the schema compares equal to the models.
        op.execute(f"ALTER TABLE tickets ADD COLUMN sla_policy_id INTEGER {reference} "
                   f"/* CONSTRAINT {FK} FOREIGN KEY(sla_policy_id) {reference} */")
    else:
        op.execute(f"ALTER TABLE tickets ADD COLUMN sla_policy_id INTEGER CONSTRAINT {FK} "
                   f"{reference}")
    op.add_column("ticket_sla", sa.Column("policy_id", sa.Integer(), nullable=True))
    pg_refresh.install(op, OWNER, "0019")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""CREATE OR REPLACE FUNCTION {GUARD}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NOT pg_has_role(session_user, '{OWNER}', 'MEMBER') THEN
                    RAISE EXCEPTION 'only the response rules apply a policy'
                        USING ERRCODE = 'insufficient_privilege';
                END IF;
                RETURN NEW;
            END $$""")
        op.execute(f"ALTER FUNCTION {GUARD}() OWNER TO {OWNER}")
        op.execute(f"CREATE TRIGGER {GUARD} BEFORE INSERT ON tickets FOR EACH ROW "
                   f"WHEN (NEW.sla_policy_id IS NOT NULL) EXECUTE FUNCTION {GUARD}()")


def downgrade() -> None:
    pg_refresh.install(op, OWNER, "0018")
    op.execute("ALTER TABLE ticket_sla DROP COLUMN policy_id")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {GUARD} ON tickets")
        op.execute(f"DROP FUNCTION IF EXISTS {GUARD}()")
        op.execute(f"ALTER TABLE tickets DROP CONSTRAINT {FK}")
    op.execute("ALTER TABLE tickets DROP COLUMN sla_policy_id")
