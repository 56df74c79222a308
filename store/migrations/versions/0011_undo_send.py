"""undo send: a staff reply held for send_delay_seconds, and what undoing it restores

Tables (both databases):
- messages.held_until: a staff reply (and the internal comment sent with it) stays invisible to
  the client (and the mail channel, which honours it) until this moment; NULL once released.
  Releasing is one conditional UPDATE (`SET held_until = NULL WHERE held_until <= now`): the
  one transaction that clears it adds the client's unread count and the event, exactly once
  whoever races (a second UPDATE waits for the row, then finds it NULL and skips it).
- held_sends: per held reply, what its author's undo needs: the ticket's columns before the
  send, the holders an Ok closed, the incidents it used, the internal comment sent with it.

PostgreSQL, under 0004's rule (a login writes only what the app writes for it):
- A client's login (and the mail service acting as a client) reads no held message: the
  messages_client policy adds `held_until IS NULL`; attachments follow their message.
- held_until on a new message is the server's: a staff login's reply or internal comment gets
  now() + the setting (none when it is 0), anyone else's none (ticket_tui_hold, a trigger).
  No login may UPDATE it (no column privilege): only release and undo change it.
- ticket_tui_release_held(viewer, at): a definer any login may call (staff, client, mail
  service); it releases what is due by the server's clock (the operator's `at` is honoured, as
  0004's stamps are). The client's unread count, the event and the held_sends row go with it.
- Undo by a staff login: its held reply, the internal comment sent with it, its held_sends row
  and the incidents it used go through ticket_tui_unsend (a definer: a staff login deletes no
  message and writes no client row itself), only for its author, while held, under its lock.
  The lock and holders come back first, through 0005's rules (a free lock is taken as "Assign
  ticket to me").

SQLite: the column, the table and the index only.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 15:30:00
"""
from __future__ import annotations

from importlib import import_module

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

base4 = import_module("store.migrations.versions.0004_write_rules")
refuse, plpgsql, TRUSTED, GUARD = base4.refuse, base4._plpgsql, base4.TRUSTED, base4.GUARD
OWNER, STAFF, CLIENT, MAIL = ("ticket_tui_owner", "ticket_tui_staff", "ticket_tui_client",
                              "ticket_tui_mail")
FUNCTIONS = ("ticket_tui_release_held(name, timestamptz)",
             "ticket_tui_unsend(name, integer, timestamptz)", "ticket_tui_hold()")
ME_STAFF = "(SELECT ticket_tui_staff_id(current_user))"
TICKET_SEEN = "EXISTS (SELECT 1 FROM tickets t WHERE t.id = messages.ticket_id)"
# 0003's read rule of a client's messages, and the same without held ones.
CLIENT_READS = f"kind IN ('client', 'staff') AND {TICKET_SEEN}"

DELAY = ("coalesce((SELECT value::integer FROM settings WHERE key = 'send_delay_seconds'), "
         "10)")

HOLD = f"""
    IF {TRUSTED} THEN
        RETURN NEW;
    END IF;
    IF NEW.held_until IS NOT NULL THEN
        IF NEW.kind IN ('staff', 'internal') AND NEW.author_staff_id IS NOT NULL
           AND NEW.author_staff_id = ticket_tui_staff_id(current_user) AND {DELAY} > 0 THEN
            NEW.held_until := now() + make_interval(secs => {DELAY});
        ELSE
            NEW.held_until := NULL;
        END IF;
    END IF;
    RETURN NEW;"""

STAMP = (f"stamp timestamptz := CASE WHEN pg_has_role(viewer, '{OWNER}', 'MEMBER') "
         "THEN coalesce(at, now()) ELSE now() END;")

RELEASE = f"""
    IF NOT {GUARD} THEN
        {refuse("You can only act as yourself.")};
    END IF;
    FOR r IN UPDATE messages SET held_until = NULL
             WHERE held_until IS NOT NULL AND held_until <= stamp
             RETURNING id, ticket_id, kind, author_staff_id LOOP
        IF r.kind = 'staff' THEN
            UPDATE tickets SET client_unread = client_unread + 1 WHERE id = r.ticket_id;
            INSERT INTO ticket_events (ticket_id, staff_id, action, detail, created_at)
              VALUES (r.ticket_id, r.author_staff_id, 'reply_released', 'message #' || r.id, stamp);
        END IF;
        DELETE FROM held_sends WHERE message_id = r.id;
        released := released + 1;
    END LOOP;
    RETURN released;"""

# Undo's deletion: a staff login deletes no message itself (0004), so its own held reply goes
# (with the internal comment sent with it, and the incidents it used back to the client)
# through this, while held, under its lock.
UNSEND = f"""
    IF NOT {GUARD} THEN
        {refuse("You can only act as yourself.")};
    END IF;
    SELECT h.incidents_used, h.internal_id, t.client_id INTO held
      FROM held_sends h JOIN messages m ON m.id = h.message_id JOIN tickets t ON t.id = h.ticket_id
     WHERE h.message_id = message AND m.ticket_id = h.ticket_id AND m.held_until > stamp
       AND (pg_has_role(viewer, '{OWNER}', 'MEMBER')
            OR h.staff_id = ticket_tui_staff_id(viewer) AND t.locked_by_id = h.staff_id);
    IF NOT FOUND THEN
        {refuse("A reply is taken back only by its author, while it is held, under the "
                "ticket's lock.")};
    END IF;
    UPDATE clients SET incidents_left = incidents_left + held.incidents_used
     WHERE id = held.client_id;
    DELETE FROM held_sends WHERE message_id = message;
    DELETE FROM messages WHERE id = message OR id = held.internal_id;"""


def _functions(schema: str) -> list[str]:
    return [
        plpgsql("ticket_tui_hold() RETURNS trigger", "", HOLD, schema),
        plpgsql("ticket_tui_release_held(viewer name, at timestamptz) RETURNS integer",
                f"    r record;\n    released integer := 0;\n    {STAMP}", RELEASE, schema,
                definer="SECURITY DEFINER"),
        plpgsql("ticket_tui_unsend(viewer name, message integer, at timestamptz) RETURNS void",
                f"    held record;\n    {STAMP}", UNSEND, schema, definer="SECURITY DEFINER"),
    ]


def _security(schema: str) -> list[str]:
    seen = "EXISTS (SELECT 1 FROM messages m WHERE m.id = held_sends.message_id)"
    return [
        "CREATE TRIGGER ticket_tui_hold BEFORE INSERT ON messages "
        "FOR EACH ROW EXECUTE FUNCTION ticket_tui_hold()",
        f"ALTER POLICY messages_client ON messages USING ({CLIENT_READS} AND held_until IS NULL)",
        f"CREATE POLICY held_sends_owner ON held_sends FOR ALL TO {OWNER} USING (true) "
        "WITH CHECK (true)",
        # Staff who see the reply see that it is held, and by whom (only its author undoes it).
        f"CREATE POLICY held_sends_staff_select ON held_sends FOR SELECT TO {STAFF} USING ({seen})",
        f"CREATE POLICY held_sends_staff_insert ON held_sends FOR INSERT TO {STAFF} WITH CHECK ("
        f"staff_id = {ME_STAFF} AND EXISTS (SELECT 1 FROM messages m WHERE m.id = "
        "held_sends.message_id AND m.author_staff_id = held_sends.staff_id "
        "AND m.held_until IS NOT NULL AND m.created_at = now()))",
        "REVOKE ALL ON held_sends FROM PUBLIC",
        f"GRANT SELECT, INSERT ON held_sends TO {STAFF}",
        f"REVOKE ALL ON FUNCTION {', '.join(FUNCTIONS)} FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION ticket_tui_release_held(name, timestamptz) "
        f"TO {STAFF}, {CLIENT}, {MAIL}",
        f"GRANT EXECUTE ON FUNCTION ticket_tui_unsend(name, integer, timestamptz) TO {STAFF}",
    ]


def upgrade() -> None:
    op.add_column("messages", sa.Column("held_until", store.types.UTCDateTime(timezone=True),
                                        nullable=True))
    op.create_index("ix_messages_held_until", "messages", ["held_until"],
                    sqlite_where=sa.text("held_until IS NOT NULL"),
                    postgresql_where=sa.text("held_until IS NOT NULL"))
    op.create_table(
        "held_sends",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("internal_id", sa.Integer(), nullable=True),
        sa.Column("incidents_used", sa.Integer(), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="CASCADE",
                                name="fk_held_sends_message_id_messages"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE",
                                name="fk_held_sends_ticket_id_tickets"),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name="fk_held_sends_staff_id_staff"),
        sa.ForeignKeyConstraint(["internal_id"], ["messages.id"], ondelete="SET NULL",
                                name="fk_held_sends_internal_id_messages"),
        sa.PrimaryKeyConstraint("message_id", name="pk_held_sends"),
    )
    op.create_index("ix_held_sends_ticket_id", "held_sends", ["ticket_id"])
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar()
    op.execute("ALTER TABLE held_sends OWNER TO ticket_tui_owner")
    op.execute("ALTER TABLE held_sends ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE held_sends FORCE ROW LEVEL SECURITY")
    base4.create_functions(_functions(schema) + _security(schema), FUNCTIONS)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ticket_tui_hold ON messages")
        op.execute(f"ALTER POLICY messages_client ON messages USING ({CLIENT_READS})")
    op.drop_table("held_sends")
    op.drop_index("ix_messages_held_until", "messages")
    # (SQLite drops a column in place: a batch copy of messages would lose 0002's triggers)
    op.execute("ALTER TABLE messages DROP COLUMN held_until")
    if bind.dialect.name == "postgresql":
        for fn in FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {fn}")
