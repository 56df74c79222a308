"""the lock and the statuses, checked by the database: tickets and holders (PostgreSQL only)

The rest of 0004's model (store/migrations/versions/0004_write_rules.py), for the two tables
that carry the take rule and the statuses. A staff login:
- takes a lock for itself only: when the ticket is free, or over another's lock when that lock
  has timed out or the taker is an administrator or in a department holding the ticket; it
  releases its own lock, and an administrator any; the server's clock says when;
- changes what the reply pane and Save parameters change (and the unread count, the waiting
  state) only under its own lock, or on the ticket its Split is making;
- assigns and opens holders only on a ticket not archived and not locked by someone else, and
  closes holders (its own and its departments', an administrator's all) only under its lock;
- never leaves a ticket "Awaiting response" while a holder has it open.
A client's login sets only what reading, writing and archiving set: the unread count to zero;
out of the archive, waiting for staff, only with a message of theirs written in the same
transaction; into the archive only a ticket no holder has open; it makes a ticket of its own,
unlocked and without staff fields, with its own service and a priority only where clients may
choose one.

SQLite: nothing.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 10:30:00
"""
from __future__ import annotations

from importlib import import_module

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# 0004's helpers: the trusted check, the refusal, the function frame.
base = import_module("store.migrations.versions.0004_write_rules")
refuse, WHO = base.refuse, base.WHO
GUARDED = ("tickets", "holders")
TRIGGER_FUNCTIONS = tuple(f"ticket_tui_guard_{t}()" for t in GUARDED)

WROTE_NOW = ("EXISTS (SELECT 1 FROM messages m WHERE m.ticket_id = OLD.id AND m.kind = 'client' "
             "AND m.author_client_id = client AND m.created_at = now())")

TICKETS_INSERT = f"""
    IF TG_OP = 'INSERT' THEN
        NEW.created_at := now();
        NEW.updated_at := now();
        NEW.waiting_since := now();
        IF NEW.locked_by_id IS NOT NULL OR NEW.lock_token IS NOT NULL OR NEW.locked_at IS NOT NULL
           OR NEW.archived_at IS NOT NULL OR NEW.responsible_staff_id IS NOT NULL
           OR NEW.summary <> '' OR NEW.client_unread <> 0 OR NEW.incidents <> 0 OR NEW.placed_first
           OR NEW.delayed_until IS NOT NULL OR NOT NEW.is_open OR NOT NEW.awaiting_staff THEN
            {refuse("A new ticket starts open, waiting for staff, unlocked and without staff fields.")};
        END IF;
        IF client IS NOT NULL THEN
            IF NEW.client_id <> client OR NEW.split_from_id IS NOT NULL THEN
                {refuse("A client opens tickets of their own.")};
            END IF;
            IF NEW.service_id IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM services s WHERE s.id = NEW.service_id AND s.client_id = client) THEN
                {refuse("That service is not one of yours.")};
            END IF;
            IF NEW.priority <> 2 AND NOT (
                    coalesce((SELECT value = 'true' FROM settings WHERE key = 'use_priority'), false)
                    AND NOT coalesce((SELECT value = 'true' FROM settings
                                      WHERE key = 'staff_sets_priority'), false)) THEN
                {refuse("The provider's staff set the priority here.")};
            END IF;
            RETURN NEW;
        END IF;
        SELECT t.client_id, t.department_id, t.service_id, t.subject, t.priority, t.locked_by_id
          INTO parent FROM tickets t WHERE t.id = NEW.split_from_id;
        IF NOT FOUND OR parent.locked_by_id IS DISTINCT FROM me OR NEW.client_id <> parent.client_id
           OR NEW.department_id <> parent.department_id OR NEW.subject <> parent.subject
           OR NEW.service_id IS DISTINCT FROM parent.service_id OR NEW.priority <> parent.priority THEN
            {refuse("Staff make a ticket only by splitting one whose lock they hold.")};
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.updated_at IS DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := now();
    END IF;"""

TICKETS_CLIENT = f"""
    IF client IS NOT NULL THEN
        IF NEW.client_unread <> OLD.client_unread AND NEW.client_unread <> 0 THEN
            {refuse("Reading or writing to a ticket sets its unread count to zero; nothing else.")};
        END IF;
        IF NEW.delayed_until IS NOT NULL AND NEW.delayed_until IS DISTINCT FROM OLD.delayed_until THEN
            {refuse("Only staff delay a ticket.")};
        END IF;
        IF NEW.archived_at IS DISTINCT FROM OLD.archived_at THEN
            IF OLD.archived_at IS NULL THEN
                IF OLD.is_open THEN
                    {refuse("A ticket In progress can't be archived until support closes it.")};
                END IF;
                NEW.archived_at := now();
            ELSIF NEW.archived_at IS NOT NULL OR NOT {WROTE_NOW} THEN
                {refuse("A ticket leaves the archive when its client writes to it.")};
            END IF;
        END IF;
        IF NEW.awaiting_staff <> OLD.awaiting_staff OR NEW.waiting_since IS DISTINCT FROM OLD.waiting_since THEN
            IF NOT NEW.awaiting_staff OR NOT {WROTE_NOW} THEN
                {refuse("A ticket waits for staff when its client writes to it.")};
            END IF;
            NEW.waiting_since := now();
        END IF;
        RETURN NEW;
    END IF;"""

TICKETS_STAFF = f"""
    IF (NEW.locked_by_id, NEW.lock_token, NEW.locked_at)
       IS DISTINCT FROM (OLD.locked_by_id, OLD.lock_token, OLD.locked_at) THEN
        IF NEW.locked_by_id IS NULL THEN
            IF OLD.locked_by_id IS DISTINCT FROM me AND NOT ticket_tui_is_admin(current_user) THEN
                {refuse("Only its holder or an administrator releases a lock.")};
            END IF;
        ELSIF NEW.locked_by_id <> me OR OLD.locked_by_id IS NOT DISTINCT FROM me THEN
            {refuse("A lock is taken by the one taking it, and only once.")};
        ELSIF OLD.archived_at IS NOT NULL THEN
            {refuse("An archived ticket can't be taken.")};
        ELSIF OLD.locked_by_id IS NOT NULL AND NOT (
                ticket_tui_is_admin(current_user)
                OR OLD.locked_at < now() - make_interval(mins => coalesce(
                       (SELECT value::integer FROM settings WHERE key = 'lock_timeout_minutes'), 0))
                   AND coalesce((SELECT value::integer FROM settings
                                 WHERE key = 'lock_timeout_minutes'), 0) > 0
                OR EXISTS (SELECT 1 FROM holders h JOIN memberships m ON m.department_id = h.department_id
                           WHERE h.ticket_id = OLD.id AND m.staff_id = me)) THEN
            {refuse("Only an administrator or a member of a department holding the ticket takes "
                    "over a lock that has not timed out.")};
        ELSE
            NEW.locked_at := now();
        END IF;
    END IF;
    IF (NEW.subject, NEW.service_id, NEW.priority, NEW.placed_first, NEW.incidents, NEW.client_unread,
        NEW.awaiting_staff, NEW.waiting_since) IS DISTINCT FROM (OLD.subject, OLD.service_id,
        OLD.priority, OLD.placed_first, OLD.incidents, OLD.client_unread, OLD.awaiting_staff,
        OLD.waiting_since)
       AND OLD.locked_by_id IS DISTINCT FROM me
       -- a ticket just made by Split is set up under the lock of the ticket it came from
       AND NOT (OLD.created_at = now() AND EXISTS (
           SELECT 1 FROM tickets p WHERE p.id = OLD.split_from_id AND p.locked_by_id = me)) THEN
        {refuse("Replies, Ok, Close, Split and Save parameters need the ticket's lock.")};
    END IF;
    IF NEW.service_id IS DISTINCT FROM OLD.service_id AND NEW.service_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM services s WHERE s.id = NEW.service_id AND s.client_id = OLD.client_id) THEN
        {refuse("That service is not one of the ticket's client's.")};
    END IF;
    IF NEW.waiting_since IS DISTINCT FROM OLD.waiting_since AND NOT EXISTS (
            SELECT 1 FROM messages m WHERE m.ticket_id = OLD.id AND m.created_at = NEW.waiting_since) THEN
        NEW.waiting_since := now();
    END IF;
    IF (NEW.department_id, NEW.responsible_staff_id)
       IS DISTINCT FROM (OLD.department_id, OLD.responsible_staff_id)
       AND (OLD.archived_at IS NOT NULL OR NOT (
            OLD.locked_by_id IS NULL OR OLD.locked_by_id = me
            OR (NEW.locked_by_id IS NOT DISTINCT FROM me
                AND NEW.responsible_staff_id IS NOT DISTINCT FROM me
                AND NEW.department_id = OLD.department_id))) THEN
        {refuse("A ticket that is archived or locked by someone else can't be assigned.")};
    END IF;
    IF NEW.is_open AND NOT OLD.is_open THEN
        IF OLD.archived_at IS NOT NULL OR coalesce(NEW.locked_by_id <> me, false) THEN
            {refuse("A ticket that is archived or locked by someone else can't be opened.")};
        END IF;
    ELSIF OLD.is_open AND NOT NEW.is_open
          AND EXISTS (SELECT 1 FROM holders h WHERE h.ticket_id = OLD.id AND h.is_open) THEN
        {refuse("A ticket stays In progress while a holder has it open.")};
    END IF;"""

HOLDERS = f"""
    me := ticket_tui_staff_id(current_user);
    SELECT t.locked_by_id, t.archived_at INTO ticket FROM tickets t WHERE t.id = NEW.ticket_id;
    IF me IS NULL OR NOT FOUND THEN
        {refuse("Holders are written by staff who see the ticket.")};
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.is_open = OLD.is_open THEN
        NEW.opened_at := OLD.opened_at;
        NEW.closed_at := OLD.closed_at;
    ELSIF NEW.is_open THEN
        IF ticket.archived_at IS NOT NULL OR coalesce(ticket.locked_by_id <> me, false) THEN
            {refuse("A ticket that is archived or locked by someone else gets no open holder.")};
        END IF;
        NEW.opened_at := now();
        NEW.closed_at := NULL;
    ELSIF TG_OP = 'INSERT' THEN
        {refuse("A holder starts open.")};
    ELSIF ticket.locked_by_id IS DISTINCT FROM me THEN
        {refuse("Closing a ticket needs its lock.")};
    ELSIF NOT (ticket_tui_is_admin(current_user) OR OLD.staff_id IS NOT DISTINCT FROM me
               OR coalesce(OLD.department_id = ANY (ticket_tui_department_ids(current_user)),
                           false)) THEN
        {refuse("Close closes your own holder and your departments'; only an administrator's "
                "closes the others.")};
    ELSE
        NEW.closed_at := now();
    END IF;"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar()
    who = (f"    {WHO}\n    IF me IS NULL AND client IS NULL THEN\n        "
           f"{refuse('Only a staff member or a client writes tickets.')};\n    END IF;")
    statements = [
        base._trigger("tickets", "me integer;\n    client integer;\n    parent record;",
                      who + TICKETS_INSERT + TICKETS_CLIENT + TICKETS_STAFF, schema),
        base._trigger("holders", "me integer;\n    ticket record;", HOLDERS, schema),
    ]
    statements += [f"CREATE TRIGGER ticket_tui_guard BEFORE INSERT OR UPDATE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION ticket_tui_guard_{table}()" for table in GUARDED]
    base.create_functions(statements, TRIGGER_FUNCTIONS)
    op.execute(f"REVOKE ALL ON FUNCTION {', '.join(TRIGGER_FUNCTIONS)} FROM PUBLIC")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in GUARDED:
        op.execute(f"DROP TRIGGER IF EXISTS ticket_tui_guard ON {table}")
    for fn in TRIGGER_FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {fn}")
