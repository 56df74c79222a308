"""due times the database computes: the response targets' step as a SECURITY DEFINER trigger

On PostgreSQL a person's own login must not be able to forge due times (README, "Team store on
PostgreSQL"). 0015 let the Python step (store/sla/step.py) write ticket_sla as the acting login,
so any login could write any due time of a ticket it sees. From here:
- ticket_tui_business_add / _between (store/sla/pg_calendar.py): calendar.py's business time,
  with the calendar as arguments, and ticket_tui_department_calendar(department) reading it;
- ticket_tui_sla_refresh(ticket, at) (store/sla/pg_refresh.py): SLA_SPEC.md's step, as
  store/sla/clocks.py does it, owned by ticket_tui_owner, SECURITY DEFINER, fixed search_path;
  nobody but the owner may call it (a login would pass any `at` it likes);
- the constraint trigger ticket_tui_sla, AFTER INSERT ON ticket_events, DEFERRABLE INITIALLY
  DEFERRED, FOR EACH ROW: refresh(NEW.ticket_id, the latest created_at of the ticket's events in
  the transaction) at the commit, seeing the transaction's final state; created_at is the
  server's clock for a login (0004's stamp); and for a login's change of the step's inputs (a
  ticket's department, priority, open, awaiting, delay; a staff reply made, gone or moved) the
  same at the server's clock, so the row follows the ticket even without an event;
- ticket_sla is written by the definer only: 0015's interim policy ticket_sla_step is dropped,
  INSERT/UPDATE/DELETE revoked from the staff, client and mail roles; staff keep reading the
  rows of tickets they see (0015's policy); clients and the mail service keep SELECT, on no row
  (no policy of theirs is left);
- ticket_tui_sla_note_breaches(batch): what `sla check` writes (breached, breach_noted := due,
  and the sla_breach event, for due times passed by the server's clock), for the staff and mail
  logins that run it (store/sla/check.py's own UPDATE needs the owner's rights from here).
store/sla/__init__.py's python_step_runs answers False for PostgreSQL: one path per database.

Rows 0015's Python step wrote stay: the trigger's step continues from them.

SQLite: nothing (the Python step is the store's own).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 19:00:00
"""
from __future__ import annotations

from alembic import op

from store.sla import pg_calendar, pg_refresh

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

OWNER, STAFF, CLIENT, MAIL = "ticket_tui_owner", "ticket_tui_staff", "ticket_tui_client", "ticket_tui_mail"
NOTE_BREACHES = "ticket_tui_sla_note_breaches(integer)"
DEFINERS = (pg_refresh.SIGNATURE, pg_refresh.TRIGGER_FUNCTION, pg_refresh.INPUT_FUNCTION,
            NOTE_BREACHES)


def _note_breaches(schema: str) -> str:
    # store/sla/check.py's UPDATE and events, at the server's clock: a login running `sla check`
    # (mail watch as the mail service's) notes real breaches and nothing else; it can't clear
    # one, note one early, or move a due time. The detail is check.py's Breach.detail.
    target = ("CASE n.due WHEN n.first_due THEN 'first response' WHEN n.next_due THEN "
              "'next response' ELSE 'resolution' END")
    return f"""CREATE OR REPLACE FUNCTION {schema}.ticket_tui_sla_note_breaches(batch integer)
        RETURNS TABLE (ticket_id integer, due timestamptz, first_due timestamptz,
                       next_due timestamptz, resolution_due timestamptz)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
        DECLARE
            picked integer[];
        BEGIN
            SELECT array_agg(o.ticket_id) INTO picked FROM (
                SELECT o.ticket_id FROM ticket_sla o
                 WHERE o.due < now() AND o.breach_noted IS DISTINCT FROM o.due
                 ORDER BY o.due LIMIT batch) o;
            -- The tickets first, in id order, as every write (and check.py) takes them.
            PERFORM 1 FROM tickets t WHERE t.id = ANY (picked) ORDER BY t.id FOR UPDATE;
            RETURN QUERY
            WITH noted AS (
                UPDATE ticket_sla s SET breached = true, breach_noted = s.due
                 WHERE s.ticket_id = ANY (picked)
                   AND s.due < now() AND s.breach_noted IS DISTINCT FROM s.due
                RETURNING s.ticket_id, s.due, s.first_due, s.next_due, s.resolution_due),
            recorded AS (
                INSERT INTO ticket_events (ticket_id, action, detail, created_at)
                SELECT n.ticket_id, 'sla_breach', {target} || ' due '
                       || to_char(n.due AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC missed', now()
                  FROM noted n)
            SELECT * FROM noted;
        END $$"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar()
    # 0016's own text of the step (0018 replaced it): pg_refresh keeps it under its revision.
    released = pg_refresh.statements(schema, OWNER, revision="0016")
    for sql in pg_calendar.statements(schema) + released + [_note_breaches(schema)]:
        op.execute(sql)
    for fn in pg_calendar.FUNCTIONS + DEFINERS:
        op.execute(f"ALTER FUNCTION {schema}.{fn} OWNER TO {OWNER}")
    for fn in DEFINERS:
        op.execute(f"REVOKE ALL ON FUNCTION {schema}.{fn} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {schema}.{NOTE_BREACHES} TO {STAFF}, {MAIL}")
    op.execute("DROP TRIGGER IF EXISTS ticket_tui_sla ON ticket_events")
    op.execute("CREATE CONSTRAINT TRIGGER ticket_tui_sla AFTER INSERT ON ticket_events "
               "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
               f"EXECUTE FUNCTION {schema}.{pg_refresh.TRIGGER_FUNCTION}")
    for name, table, create in pg_refresh.input_triggers(schema):
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute(create)
    op.execute("DROP POLICY IF EXISTS ticket_sla_step ON ticket_sla")
    op.execute(f"REVOKE INSERT, UPDATE, DELETE ON ticket_sla FROM {STAFF}, {CLIENT}, {MAIL}")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS ticket_tui_sla ON ticket_events")
    for name, table, _create in pg_refresh.input_triggers("public"):
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for fn in reversed(DEFINERS + pg_calendar.FUNCTIONS):
        op.execute(f"DROP FUNCTION IF EXISTS {fn}")
    previous = __import__("importlib").import_module("store.migrations.versions.0015_sla")
    op.execute(f"CREATE POLICY ticket_sla_step ON ticket_sla FOR ALL TO {STAFF}, {CLIENT}, {MAIL} "
               f"USING ({previous.TICKET_SEEN}) WITH CHECK ({previous.TICKET_SEEN})")
    op.execute(f"GRANT {previous.INTERIM_STAFF_GRANTS}")
    op.execute(f"GRANT {previous.INTERIM_GRANTS}")
