"""response targets (SLA): business hours, policies, and each ticket's due times

Tables (both databases), as store/sla/models.py and /work/wt/SLA_SPEC.md say:
- department_hours (a department's zone; no row = always open), department_spans (its weekly
  open spans, minutes after local midnight) and department_holidays;
- sla_policies: targets in business minutes per department, optionally per priority (0 = any);
- ticket_sla: a ticket's clocks, once a policy applied to it; an index on `due` (the soonest
  due of the clocks running now) for the Overdue view and `sla check`.

PostgreSQL: the tables belong to ticket_tui_owner with row security.
- Hours and policies: staff, clients and the mail service read them (the step reads them in the
  transaction of whoever acts); only the owner and administrators write them.
- ticket_sla: staff read the rows of tickets they see; clients never read it.
- INTERIM (until the trigger of the next migration computes the rows as a definer): the Python
  step (store/sla/step.py) runs as the acting login, so staff, client and mail logins may read,
  insert and update the rows of tickets they see, through the one policy `ticket_sla_step` and
  the grants of INTERIM_GRANTS; the next migration drops that policy and revokes those grants.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 18:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

OWNER, STAFF, CLIENT = "ticket_tui_owner", "ticket_tui_staff", "ticket_tui_client"
MAIL = "ticket_tui_mail"
ME_ADMIN = "(SELECT ticket_tui_is_admin(current_user))"
SETUP_TABLES = ("department_hours", "department_spans", "department_holidays", "sla_policies")
TABLES = SETUP_TABLES + ("ticket_sla",)
TICKET_SEEN = "EXISTS (SELECT 1 FROM tickets t WHERE t.id = ticket_sla.ticket_id)"
# What the interim Python step needs as the acting login; the trigger's migration revokes it.
INTERIM_GRANTS = f"SELECT, INSERT, UPDATE ON ticket_sla TO {CLIENT}, {MAIL}"
INTERIM_STAFF_GRANTS = f"INSERT, UPDATE ON ticket_sla TO {STAFF}"


def _department_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["department_id"], ["departments.id"], ondelete="CASCADE",
                                   name=f"fk_{table}_department_id_departments")


def _create_tables() -> None:
    op.create_table(
        "department_hours",
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        _department_fk("department_hours"),
        sa.PrimaryKeyConstraint("department_id", name="pk_department_hours"),
    )
    op.create_table(
        "department_spans",
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("opens", sa.SmallInteger(), nullable=False),
        sa.Column("closes", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="ck_department_spans_weekday"),
        sa.CheckConstraint("opens BETWEEN 0 AND 1439", name="ck_department_spans_opens"),
        sa.CheckConstraint("closes BETWEEN 1 AND 1440", name="ck_department_spans_closes"),
        sa.CheckConstraint("opens < closes", name="ck_department_spans_span"),
        _department_fk("department_spans"),
        sa.PrimaryKeyConstraint("department_id", "weekday", "opens", name="pk_department_spans"),
    )
    op.create_table(
        "department_holidays",
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        _department_fk("department_holidays"),
        sa.PrimaryKeyConstraint("department_id", "day", name="pk_department_holidays"),
    )
    op.create_table(
        "sla_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("priority", sa.SmallInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("first_response", sa.Integer(), nullable=False),
        sa.Column("next_response", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.Integer(), nullable=True),
        sa.CheckConstraint("priority BETWEEN 0 AND 4", name="ck_sla_policies_priority"),
        sa.CheckConstraint("first_response > 0", name="ck_sla_policies_first_response"),
        sa.CheckConstraint("next_response IS NULL OR next_response > 0",
                           name="ck_sla_policies_next_response"),
        sa.CheckConstraint("resolution IS NULL OR resolution > 0", name="ck_sla_policies_resolution"),
        _department_fk("sla_policies"),
        sa.PrimaryKeyConstraint("id", name="pk_sla_policies"),
        sa.UniqueConstraint("department_id", "priority", name="uq_sla_policies_department_priority"),
    )
    ts = store.types.UTCDateTime(timezone=True)
    op.create_table(
        "ticket_sla",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("priority", sa.SmallInteger(), nullable=True),
        sa.Column("is_open", sa.Boolean(), nullable=True),
        sa.Column("awaiting_staff", sa.Boolean(), nullable=True),
        sa.Column("delayed_until", ts, nullable=True),
        sa.Column("first_target", sa.Integer(), nullable=True),
        sa.Column("next_target", sa.Integer(), nullable=True),
        sa.Column("resolution_target", sa.Integer(), nullable=True),
        sa.Column("first_due", ts, nullable=True),
        sa.Column("first_left", sa.Integer(), nullable=True),
        sa.Column("first_at", ts, nullable=True),
        sa.Column("first_met", sa.Boolean(), nullable=True),
        sa.Column("next_due", ts, nullable=True),
        sa.Column("next_left", sa.Integer(), nullable=True),
        sa.Column("resolution_due", ts, nullable=True),
        sa.Column("resolution_left", sa.Integer(), nullable=True),
        sa.Column("resolution_met", sa.Boolean(), nullable=True),
        sa.Column("due", ts, nullable=True),
        sa.Column("breached", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("breach_noted", ts, nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE",
                                name="fk_ticket_sla_ticket_id_tickets"),
        sa.PrimaryKeyConstraint("ticket_id", name="pk_ticket_sla"),
    )
    where = "due IS NOT NULL"
    op.create_index("ix_ticket_sla_due", "ticket_sla", ["due"],
                    sqlite_where=sa.text(where), postgresql_where=sa.text(where))


def _policies() -> list[str]:
    out = []
    for table in TABLES:
        out.append(f"CREATE POLICY {table}_owner ON {table} FOR ALL TO {OWNER} "
                   "USING (true) WITH CHECK (true)")
    for table in SETUP_TABLES:
        out.append(f"CREATE POLICY {table}_read ON {table} FOR SELECT TO {STAFF}, {CLIENT}, {MAIL} "
                   "USING (true)")
        out.append(f"CREATE POLICY {table}_admin ON {table} FOR ALL TO {STAFF} "
                   f"USING ({ME_ADMIN}) WITH CHECK ({ME_ADMIN})")
    out.append(f"CREATE POLICY ticket_sla_staff_select ON ticket_sla FOR SELECT TO {STAFF} "
               f"USING ({TICKET_SEEN})")
    # INTERIM: the Python step writes as the acting login (dropped by the trigger's migration).
    out.append(f"CREATE POLICY ticket_sla_step ON ticket_sla FOR ALL TO {STAFF}, {CLIENT}, {MAIL} "
               f"USING ({TICKET_SEEN}) WITH CHECK ({TICKET_SEEN})")
    return out


def upgrade() -> None:
    _create_tables()
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} OWNER TO {OWNER}")
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    for sql in _policies():
        op.execute(sql)
    setup = ", ".join(SETUP_TABLES)
    op.execute(f"REVOKE ALL ON {', '.join(TABLES)} FROM PUBLIC")
    op.execute(f"GRANT SELECT ON {setup} TO {STAFF}, {CLIENT}, {MAIL}")
    op.execute(f"GRANT INSERT, UPDATE, DELETE ON {setup} TO {STAFF}")
    op.execute(f"GRANT USAGE, SELECT ON SEQUENCE sla_policies_id_seq TO {STAFF}")
    op.execute(f"GRANT SELECT ON ticket_sla TO {STAFF}")
    op.execute(f"GRANT {INTERIM_STAFF_GRANTS}")
    op.execute(f"GRANT {INTERIM_GRANTS}")


def downgrade() -> None:
    op.drop_index("ix_ticket_sla_due", table_name="ticket_sla")
    for table in reversed(TABLES):
        op.drop_table(table)
