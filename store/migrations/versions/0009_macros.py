"""macros: a named predefined reply plus actions (issue 20)

Table (both databases): macros, one row per macro: the predefined reply it sends, its actions
(close, delay N days, assign to a department or a staff member, priority, internal comment) and
its scope (everyone, one department or one staff member), as store/macro_models.py says.

PostgreSQL: the table belongs to ticket_tui_owner with FORCE ROW LEVEL SECURITY.
- Staff logins read the macros in their scope: everyone's, their departments', their own (an
  administrator all of them). The store offers a department's macros on that department's
  tickets; a macro of another department's or another person's scope is not even readable.
- Nobody but the operator (members of ticket_tui_owner) writes one: as for predefined replies
  (reply_templates, 0003), `ticket-tui macro add/remove` is the operator's command, and staff,
  client and mail logins hold no INSERT, UPDATE or DELETE on the table. Applying a macro writes
  only what its actions write, through the tables' own rules (0004, 0005): a login gains
  nothing by a macro it could not do by hand.
- Clients and the mail service read nothing of it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 15:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

OWNER, STAFF = "ticket_tui_owner", "ticket_tui_staff"
ME_STAFF = "(SELECT ticket_tui_staff_id(current_user))"
ME_ADMIN = "(SELECT ticket_tui_is_admin(current_user))"
MY_DEPARTMENTS = "(SELECT ticket_tui_department_ids(current_user))::integer[]"


def _table() -> None:
    op.create_table(
        "macros",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("close", sa.Boolean(), nullable=False),
        sa.Column("delay_days", sa.Integer(), nullable=True),
        sa.Column("assign_department_id", sa.Integer(), nullable=True),
        sa.Column("assign_staff_id", sa.Integer(), nullable=True),
        sa.Column("priority", sa.SmallInteger(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("department_id IS NULL OR staff_id IS NULL", name="ck_macros_one_scope"),
        sa.CheckConstraint("assign_department_id IS NULL OR assign_staff_id IS NULL",
                           name="ck_macros_one_assignee"),
        sa.CheckConstraint("delay_days IS NULL OR delay_days BETWEEN 1 AND 3650",
                           name="ck_macros_delay_days"),
        sa.CheckConstraint("priority IS NULL OR priority BETWEEN 1 AND 4", name="ck_macros_priority"),
        sa.ForeignKeyConstraint(["template_id"], ["reply_templates.id"], ondelete="CASCADE",
                                name="fk_macros_template_id_reply_templates"),
        sa.ForeignKeyConstraint(["assign_department_id"], ["departments.id"], ondelete="CASCADE",
                                name="fk_macros_assign_department_id_departments"),
        sa.ForeignKeyConstraint(["assign_staff_id"], ["staff.id"], ondelete="CASCADE",
                                name="fk_macros_assign_staff_id_staff"),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"], ondelete="CASCADE",
                                name="fk_macros_department_id_departments"),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], ondelete="CASCADE",
                                name="fk_macros_staff_id_staff"),
        sa.PrimaryKeyConstraint("id", name="pk_macros"),
        sa.UniqueConstraint("name", name="uq_macros_name"),
    )
    op.create_index("ix_macros_template_id", "macros", ["template_id"])
    op.create_index("ix_macros_department_id", "macros", ["department_id"])
    op.create_index("ix_macros_staff_id", "macros", ["staff_id"])


def upgrade() -> None:
    _table()
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE macros OWNER TO {OWNER}")
    op.execute("ALTER TABLE macros ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE macros FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY macros_owner ON macros FOR ALL TO {OWNER} USING (true) WITH CHECK (true)")
    op.execute(
        f"CREATE POLICY macros_staff_select ON macros FOR SELECT TO {STAFF} USING ({ME_ADMIN} "
        f"OR (department_id IS NULL AND staff_id IS NULL) OR staff_id = {ME_STAFF} "
        f"OR department_id = ANY ({MY_DEPARTMENTS}))")
    op.execute("REVOKE ALL ON macros FROM PUBLIC")
    op.execute(f"GRANT SELECT ON macros TO {STAFF}")


def downgrade() -> None:
    op.drop_table("macros")
