"""merging tickets: where a ticket, a message and a charge came from; the merge as one function

Columns (both databases):
- tickets.merged_into_id: a merged source is a closed stub that points at the ticket it went
  into. Stubs never chain: a later merge of the target repoints its stubs.
- messages.merged_from_ticket_id, charges.merged_from_ticket_id: the ticket a moved row first
  came from (edits and attachments belong to their message and move with it).

PostgreSQL: a staff login can't move messages, charges or holders between tickets, nor set
merged_into_id (0004's grants and triggers, unchanged). The merge is the SECURITY DEFINER
function ticket_tui_merge, which checks store.service.merging's rules itself: the caller acts
as themselves, sees both tickets, holds both locks or is an administrator; both tickets are of
one client unless an administrator confirms; not into itself, nor from or into a stub, nor into
an archived ticket. Then it moves everything in one statement per table.
The mail service follows a stub to its target through ticket_tui_mail_live_ticket.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 15:30:00
"""
from __future__ import annotations

from importlib import import_module

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

base4 = import_module("store.migrations.versions.0004_write_rules")
base7 = import_module("store.migrations.versions.0007_mail_intake")
refuse, plpgsql = base4.refuse, base4._plpgsql
OWNER, STAFF, CLIENT, MAIL = "ticket_tui_owner", "ticket_tui_staff", "ticket_tui_client", "ticket_tui_mail"
MERGE = "ticket_tui_merge(name, integer, integer, integer, boolean)"
LIVE = "ticket_tui_mail_live_ticket(name, integer)"
COLUMNS = (("tickets", "merged_into_id"), ("messages", "merged_from_ticket_id"),
           ("charges", "merged_from_ticket_id"))


def _columns() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, column in COLUMNS:
        if sqlite and column in {c[1] for c in op.get_bind().exec_driver_sql(
                f"PRAGMA table_info({table})")}:
            continue  # kept by a downgrade (below)
        if sqlite:
            # In place, with its REFERENCES clause: a batch rebuild of the table would drop
            # 0002's search triggers.
            op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES tickets (id)")
        else:
            op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
            op.create_foreign_key(f"fk_{table}_{column}_tickets", table, "tickets", [column], ["id"])
    op.create_index("ix_tickets_merged_into_id", "tickets", ["merged_into_id"])


MERGE_BODY = f"""
    IF source IS NULL OR target IS NULL OR source = target THEN
        {refuse("A ticket can't be merged into itself.")};
    END IF;
    PERFORM 1 FROM tickets t WHERE t.id IN (source, target) ORDER BY t.id FOR UPDATE;
    SELECT * INTO s FROM tickets t WHERE t.id = source;
    SELECT * INTO d FROM tickets t WHERE t.id = target;
    IF s.id IS NULL OR d.id IS NULL OR NOT admin AND NOT (
            ticket_tui_staff_sees(viewer, source, NULL) AND ticket_tui_staff_sees(viewer, target, NULL)) THEN
        {refuse("Both tickets must exist and be visible to you.")};
    END IF;
    IF s.merged_into_id IS NOT NULL OR d.merged_into_id IS NOT NULL THEN
        {refuse("A merged ticket is a stub: merge into the ticket it went into.")};
    END IF;
    IF d.archived_at IS NOT NULL THEN
        {refuse("A ticket in the archive takes no merge.")};
    END IF;
    IF NOT admin AND (s.locked_by_id IS DISTINCT FROM actor OR d.locked_by_id IS DISTINCT FROM actor) THEN
        {refuse("Merging needs the lock of both tickets, or an administrator.")};
    END IF;
    IF s.client_id <> d.client_id AND NOT (admin AND confirmed) THEN
        {refuse("Tickets of two clients are merged only by an administrator who confirms it.")};
    END IF;
    SELECT name INTO who FROM staff WHERE id = actor;
    UPDATE messages SET ticket_id = target,
           merged_from_ticket_id = coalesce(merged_from_ticket_id, source) WHERE ticket_id = source;
    UPDATE charges SET ticket_id = target,
           merged_from_ticket_id = coalesce(merged_from_ticket_id, source) WHERE ticket_id = source;
    INSERT INTO holders (ticket_id, department_id, staff_id, is_open, opened_at, closed_at)
      SELECT target, h.department_id, h.staff_id, h.is_open, h.opened_at, h.closed_at
        FROM holders h WHERE h.ticket_id = source AND NOT EXISTS (
          SELECT 1 FROM holders x WHERE x.ticket_id = target
          AND x.department_id IS NOT DISTINCT FROM h.department_id
          AND x.staff_id IS NOT DISTINCT FROM h.staff_id);
    UPDATE holders x SET is_open = true, opened_at = h.opened_at, closed_at = NULL
      FROM holders h WHERE x.ticket_id = target AND NOT x.is_open AND h.ticket_id = source
      AND h.is_open AND x.department_id IS NOT DISTINCT FROM h.department_id
      AND x.staff_id IS NOT DISTINCT FROM h.staff_id;
    UPDATE holders SET is_open = false, closed_at = now() WHERE ticket_id = source AND is_open;
    INSERT INTO favorites (staff_id, ticket_id, created_at)
      SELECT staff_id, target, created_at FROM favorites WHERE ticket_id = source
      ON CONFLICT DO NOTHING;
    DELETE FROM favorites WHERE ticket_id = source;
    INSERT INTO seen_marks (staff_id, ticket_id, seen_at)
      SELECT staff_id, target, seen_at FROM seen_marks WHERE ticket_id = source
      ON CONFLICT DO NOTHING;
    UPDATE drafts f SET ticket_id = target WHERE f.ticket_id = source AND NOT EXISTS (
      SELECT 1 FROM drafts g WHERE g.ticket_id = target
      AND g.staff_id IS NOT DISTINCT FROM f.staff_id AND g.client_id IS NOT DISTINCT FROM f.client_id);
    UPDATE mail_ids SET ticket_id = target WHERE ticket_id = source;
    UPDATE tickets SET merged_into_id = target WHERE merged_into_id = source;
    UPDATE tickets SET merged_into_id = target, is_open = false, awaiting_staff = false,
           placed_first = false, delayed_until = NULL, locked_by_id = NULL, lock_token = NULL,
           locked_at = NULL, client_unread = 0, updated_at = now()
      WHERE id = source;
    last_staff := (SELECT max(m.id) FROM messages m WHERE m.ticket_id = target AND m.kind = 'staff');
    UPDATE tickets t SET client_unread = t.client_unread + s.client_unread, updated_at = now(),
           is_open = EXISTS (SELECT 1 FROM holders h WHERE h.ticket_id = target AND h.is_open),
           waiting_since = coalesce(
             (SELECT min(m.created_at) FROM messages m WHERE m.ticket_id = target
              AND m.kind = 'client' AND m.id > coalesce(last_staff, 0)),
             (SELECT m.created_at FROM messages m WHERE m.ticket_id = target
              AND m.kind IN ('client', 'staff') ORDER BY m.id DESC LIMIT 1), t.waiting_since)
      WHERE t.id = target;
    UPDATE tickets t SET awaiting_staff = t.is_open AND EXISTS (
             SELECT 1 FROM messages m WHERE m.ticket_id = target AND m.kind = 'client'
             AND m.id > coalesce(last_staff, 0))
      WHERE t.id = target;
    INSERT INTO messages (ticket_id, kind, body, created_at) VALUES
      (source, 'system', 'Merged into #' || target || ' by ' || who || '.', now()),
      (target, 'system', 'Ticket #' || source || ' was merged into this ticket by ' || who || '.', now());
    INSERT INTO ticket_events (ticket_id, staff_id, action, detail, created_at) VALUES
      (source, actor, 'merge', 'into #' || target, now()),
      (target, actor, 'merged_from', '#' || source, now());
    INSERT INTO seen_marks (staff_id, ticket_id, seen_at) VALUES (actor, source, now()), (actor, target, now())
      ON CONFLICT (staff_id, ticket_id) DO UPDATE SET seen_at = excluded.seen_at;"""

LIVE_BODY = f"""
    IF NOT {base7.MAIL_OR_OPERATOR} THEN
        {refuse("Only the mail service asks where a merged ticket went.")};
    END IF;
    RETURN (SELECT coalesce(t.merged_into_id, t.id) FROM tickets t WHERE t.id = ticket);"""


def _functions(schema: str) -> list[str]:
    declare = ("    actor integer := ticket_tui_actor(viewer, staff);\n"
               "    admin boolean := ticket_tui_is_admin(viewer) OR pg_has_role(viewer, "
               f"'{OWNER}', 'MEMBER');\n    s record;\n    d record;\n    who text;\n"
               "    last_staff integer;")
    return [
        plpgsql("ticket_tui_merge(viewer name, source integer, target integer, staff integer, "
                "confirmed boolean) RETURNS void", declare, MERGE_BODY, schema,
                definer="SECURITY DEFINER"),
        plpgsql("ticket_tui_mail_live_ticket(viewer name, ticket integer) RETURNS integer", "",
                LIVE_BODY, schema, definer="STABLE SECURITY DEFINER"),
    ]


def upgrade() -> None:
    _columns()
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar()
    base4.create_functions(_functions(schema), (MERGE, LIVE))
    op.execute(f"REVOKE ALL ON FUNCTION {MERGE}, {LIVE} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {MERGE} TO {STAFF}")
    op.execute(f"GRANT EXECUTE ON FUNCTION {LIVE} TO {MAIL}")
    # Clients and the mail service read their tickets column by column (0004, 0007): the stub's
    # pointer too, so a client's list can leave its stubs out.
    op.execute(f"GRANT SELECT (merged_into_id) ON tickets TO {CLIENT}, {MAIL}")


def downgrade() -> None:
    bind = op.get_bind()
    op.drop_index("ix_tickets_merged_into_id", table_name="tickets")
    if bind.dialect.name != "postgresql":
        # SQLite drops no column with a REFERENCES clause without rebuilding its table, which
        # would drop 0002's search triggers: the columns stay, unread, at 0007.
        return
    for fn in (MERGE, LIVE):
        op.execute(f"DROP FUNCTION IF EXISTS {fn}")
    for table, column in reversed(COLUMNS):
        op.drop_constraint(f"fk_{table}_{column}_tickets", table, type_="foreignkey")
        op.drop_column(table, column)
