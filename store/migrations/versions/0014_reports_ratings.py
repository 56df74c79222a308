"""reports and client ratings: the ratings table, and the indexes a period's report reads

Tables (both databases):
- message_ratings: a client's rating (good or bad, an optional comment up to 1,000 characters)
  of a staff reply on one of their own tickets; one per reply (unique message_id), a second
  rating replaces the first.
Indexes for reports (store/reports/): tickets(created_at, department_id), the open tickets by
department, staff replies by time (messages(created_at, ticket_id, author_staff_id) WHERE
kind = 'staff') and by ticket (is this the ticket's first reply?), ticket events by action and
time, charges and ratings by time.

PostgreSQL, row security on message_ratings:
- a client login reads its own ratings, and inserts or updates only its own rating of a staff
  reply on one of its own tickets (not an internal comment, not another client's ticket); it
  changes no column but good, comment and rated_at, and rated_at is the server's clock (0004's
  ticket_tui_stamp trigger);
- a staff login only reads, and only as an administrator or as a head of the ticket's
  department, never the ratings of their own replies (unless an administrator): the author of
  a reply does not see how each of their replies was rated;
- the mail service nothing; the owner everything.

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-03 16:15:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0014"
down_revision = "0011"
branch_labels = None
depends_on = None

OWNER, STAFF, CLIENT = "ticket_tui_owner", "ticket_tui_staff", "ticket_tui_client"
ME_STAFF = "(SELECT ticket_tui_staff_id(current_user))"
ME_ADMIN = "(SELECT ticket_tui_is_admin(current_user))"
ME_CLIENT = "(SELECT ticket_tui_client_id(current_user))"
INDEXES = (
    ("ix_tickets_created", "tickets", ["created_at", "department_id"], None),
    ("ix_tickets_open_department", "tickets", ["department_id"], "is_open"),
    ("ix_messages_staff_ticket", "messages", ["ticket_id", "id"], "kind = 'staff'"),
    ("ix_messages_staff_created", "messages", ["created_at", "ticket_id", "author_staff_id"],
     "kind = 'staff'"),
    ("ix_ticket_events_action", "ticket_events", ["action", "created_at"], None),
    ("ix_charges_created_at", "charges", ["created_at"], None),
)


def _policies() -> list[str]:
    own_staff_reply = (
        "EXISTS (SELECT 1 FROM messages m JOIN tickets t ON t.id = m.ticket_id "
        "WHERE m.id = message_ratings.message_id AND m.kind = 'staff' "
        f"AND t.client_id = {ME_CLIENT})")
    head_not_author = (
        "EXISTS (SELECT 1 FROM messages m JOIN tickets t ON t.id = m.ticket_id "
        "JOIN memberships ms ON ms.department_id = t.department_id "
        f"WHERE m.id = message_ratings.message_id AND ms.staff_id = {ME_STAFF} AND ms.is_head "
        f"AND m.author_staff_id IS DISTINCT FROM {ME_STAFF})")
    return [
        f"CREATE POLICY message_ratings_owner ON message_ratings FOR ALL TO {OWNER} "
        "USING (true) WITH CHECK (true)",
        f"CREATE POLICY message_ratings_client ON message_ratings FOR ALL TO {CLIENT} "
        f"USING (client_id = {ME_CLIENT}) "
        f"WITH CHECK (client_id = {ME_CLIENT} AND {own_staff_reply})",
        f"CREATE POLICY message_ratings_staff_select ON message_ratings FOR SELECT TO {STAFF} "
        f"USING ({ME_ADMIN} OR {head_not_author})",
        "CREATE TRIGGER ticket_tui_stamp BEFORE INSERT OR UPDATE ON message_ratings "
        "FOR EACH ROW EXECUTE FUNCTION ticket_tui_stamp('rated_at')",
    ]


def upgrade() -> None:
    op.create_table(
        "message_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("good", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("rated_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(comment) <= 1000", name="ck_message_ratings_comment_length"),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="CASCADE",
                                name="fk_message_ratings_message_id_messages"),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], ondelete="CASCADE",
                                name="fk_message_ratings_client_id_clients"),
        sa.PrimaryKeyConstraint("id", name="pk_message_ratings"),
        sa.UniqueConstraint("message_id", name="uq_message_ratings_message_id"),
    )
    op.create_index("ix_message_ratings_rated_at", "message_ratings", ["rated_at"])
    for name, table, columns, where in INDEXES:
        kw = {"sqlite_where": sa.text(where), "postgresql_where": sa.text(where)} if where else {}
        op.create_index(name, table, columns, **kw)
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE message_ratings OWNER TO {OWNER}")
    op.execute("ALTER TABLE message_ratings ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE message_ratings FORCE ROW LEVEL SECURITY")
    for sql in _policies():
        op.execute(sql)
    op.execute("REVOKE ALL ON message_ratings FROM PUBLIC")
    op.execute(f"GRANT SELECT ON message_ratings TO {STAFF}")
    op.execute(f"GRANT SELECT, INSERT ON message_ratings TO {CLIENT}")
    op.execute(f"GRANT UPDATE (good, comment, rated_at) ON message_ratings TO {CLIENT}")
    op.execute(f"GRANT USAGE, SELECT ON SEQUENCE message_ratings_id_seq TO {CLIENT}")


def downgrade() -> None:
    for name, table, _columns, _where in INDEXES:
        op.drop_index(name, table_name=table)
    op.drop_index("ix_message_ratings_rated_at", table_name="message_ratings")
    op.drop_table("message_ratings")
