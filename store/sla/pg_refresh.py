"""The response targets' step in PL/pgSQL: SLA_SPEC.md's refresh(ticket, at) as the database's own
SECURITY DEFINER function, run by deferred triggers on every ticket event and on a login's change
of the step's inputs (migration 0016), so that on PostgreSQL nobody's login writes due times: it
can only make events and changes, whose moment is the server's clock.

It is store/sla/clocks.py line for line (`start`, `advance`, their helpers; the same names
below), including what clocks.py adds to SLA_SPEC.md (a delay over by `at` resumes its clocks
at its date; `due` counts a delayed clock's projected due). tests/test_sla_pg_agreement.py holds
it to the Python step, tests/test_sla_property.py both to one replay. The calendars are
store/sla/pg_calendar.py's.
"""

from __future__ import annotations

from .clocks import APPLIED, CLOCKS, COLUMNS, INPUTS

# The texts as released: 0016's, 0018's; from 0019 the applied policy (tickets.sla_policy_id,
# ticket_sla.policy_id) is an input, the policy of a rule that wins over the lookup.
BEFORE_APPLIED = ("0016", "0018")
SIGNATURE = "ticket_tui_sla_refresh(integer, timestamptz)"


def applied(revision: str) -> bool:
    return revision not in BEFORE_APPLIED


def columns(revision: str) -> tuple[str, ...]:
    """ticket_sla's columns the step writes in that revision."""
    return COLUMNS if applied(revision) else tuple(c for c in COLUMNS if c != APPLIED)


def lookup(revision: str) -> str:
    """The ticket's policy into p: the applied one while it exists, else the (department,
    priority) lookup; FOUND says whether there is one."""
    by_priority = """SELECT s.first_response, s.next_response, s.resolution INTO p FROM sla_policies s
             WHERE s.department_id = i.department_id AND s.priority IN (i.priority, 0)
             ORDER BY s.priority DESC LIMIT 1;"""
    if not applied(revision):
        return by_priority
    return f"""SELECT s.first_response, s.next_response, s.resolution INTO p FROM sla_policies s
             WHERE s.id = i.policy_id;
            IF NOT FOUND THEN
            {by_priority}
            END IF;"""
TRIGGER_FUNCTION = "ticket_tui_sla_event()"
INPUT_FUNCTION = "ticket_tui_sla_input()"


def input_triggers(schema: str) -> list[tuple[str, str, str]]:
    """(name, table, CREATE statement) of the triggers that run the step when a login changes
    its inputs: the ticket's columns, its staff replies (made, gone, moved by a split)."""
    old = ", ".join(f"OLD.{c}" for c in INPUTS)
    new = ", ".join(f"NEW.{c}" for c in INPUTS)
    run = ("DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({when}) "
           f"EXECUTE FUNCTION {schema}.{INPUT_FUNCTION}")
    made = [("ticket_tui_sla_ticket", "tickets", f"AFTER UPDATE OF {', '.join(INPUTS)}",
             f"({old}) IS DISTINCT FROM ({new})"),
            ("ticket_tui_sla_reply_made", "messages", "AFTER INSERT", "NEW.kind = 'staff'"),
            ("ticket_tui_sla_reply_gone", "messages", "AFTER DELETE", "OLD.kind = 'staff'"),
            ("ticket_tui_sla_reply_moved", "messages", "AFTER UPDATE OF ticket_id",
             "OLD.kind = 'staff' AND OLD.ticket_id IS DISTINCT FROM NEW.ticket_id")]
    return [(name, table, f"CREATE CONSTRAINT TRIGGER {name} {event} ON {table} "
             + run.format(when=when)) for name, table, event, when in made]


def running(c: str) -> str:
    extra = {"first": " AND r.first_at IS NULL", "resolution": " AND r.resolution_met IS NULL"}
    return f"(r.{c}_due IS NOT NULL AND r.{c}_left IS NULL{extra.get(c, '')})"


def paused(c: str) -> str:
    return f"(r.{c}_left IS NOT NULL)"


def active(c: str) -> str:
    return f"({running(c)} OR {paused(c)})"


def add(cal: str, start: str, minutes: str) -> str:
    return f"ticket_tui_business_add({cal}_zone, {cal}_spans, {cal}_holidays, {start}, {minutes})"


def between(cal: str, a: str, b: str) -> str:
    return f"ticket_tui_business_between({cal}_zone, {cal}_spans, {cal}_holidays, {a}, {b})"


def met(c: str, moment: str) -> str:
    """Was the clock's target met by `moment`? A paused clock: if it had time left."""
    return f"(CASE WHEN {paused(c)} THEN r.{c}_left > 0 ELSE {moment} <= r.{c}_due END)"


DELAYED = "(i.delayed_until IS NOT NULL AND i.delayed_until > at)"


def each(block) -> str:
    return "\n".join(block(c) for c in CLOCKS)


def pause_running(cal: str, until: str) -> str:
    return each(lambda c: f"""
        IF {running(c)} THEN
            r.{c}_left := {between(cal, "at", f"r.{c}_due")};
            r.{c}_due := {add(cal, until, f"r.{c}_left")};
        END IF;""")


def close(cal: str) -> str:
    """Every running clock pauses without a known end; a closed ticket is not overdue."""
    return each(lambda c: f"""
        IF {running(c)} THEN
            r.{c}_left := {between(cal, "at", f"r.{c}_due")};
        END IF;
        IF {paused(c)} THEN
            r.{c}_due := NULL;
        END IF;""")


def finish(revision: str) -> str:
    """3. The soonest due of the clocks counting now or when the delay ends; inputs := I."""
    kept = "\n        r.policy_id := i.policy_id;" if applied(revision) else ""
    dues = ", ".join(f"CASE WHEN {active(c)} THEN r.{c}_due END" for c in CLOCKS)
    return f"""
        r.due := CASE WHEN i.is_open THEN least({dues}) END;
        r.department_id := i.department_id;
        r.priority := i.priority;
        r.is_open := i.is_open;
        r.awaiting_staff := i.awaiting_staff;
        r.delayed_until := i.delayed_until;{kept}"""


def start(revision: str) -> str:
    return f"""
        -- 1. A policy applies to the ticket for the first time.
        r.ticket_id := ticket;
        r.breached := false;
        r.first_target := p.first_response;
        r.next_target := p.next_response;
        r.resolution_target := p.resolution;
        IF i.first_reply IS NULL THEN
            r.first_due := {add("new", "at", "p.first_response")};
        END IF;
        IF i.is_open AND p.resolution IS NOT NULL THEN
            r.resolution_due := {add("new", "at", "p.resolution")};
        END IF;
        IF i.first_reply IS NOT NULL AND i.awaiting_staff AND p.next_response IS NOT NULL THEN
            r.next_due := {add("new", "at", "p.next_response")};
        END IF;
        IF {DELAYED} THEN{pause_running("new", "i.delayed_until")}
        END IF;
        IF NOT i.is_open THEN{close("new")}
        END IF;{finish(revision)}"""


def _change_policy(c: str, revision: str) -> str:
    """2b for one clock: it keeps the business time it used, against the new target (from 0018
    a running clock past its due counts the whole minutes past the due as used too)."""
    late = "" if revision == "0016" else (
        f" + CASE WHEN was_running THEN {between('old', f'r.{c}_due', 'at')} ELSE 0 END")
    return f"""
        IF {active(c)} THEN
            was_running := {running(c)};
            left_old := CASE WHEN was_running THEN {between("old", "at", f"r.{c}_due")}
                        ELSE r.{c}_left END;
            used := greatest(0, r.{c}_target - left_old){late};
            target := p.{dict(first="first_response", next="next_response")
                         .get(c, "resolution")};
            IF target IS NULL THEN
                r.{c}_due := NULL;
                r.{c}_left := NULL;
            ELSIF was_running THEN
                r.{c}_due := {add("new", "at", "greatest(0, target - used)")};
            ELSE
                r.{c}_left := greatest(0, target - used);
                r.{c}_due := CASE WHEN s_open AND {DELAYED}
                             THEN {add("new", "i.delayed_until", f"r.{c}_left")} END;
            END IF;
        END IF;"""


def _resume(c: str) -> str:
    """A clock paused by the close runs again (paused on, with its projection, if delayed)."""
    return f"""
        IF {paused(c)} THEN
            IF {DELAYED} THEN
                r.{c}_due := {add("new", "i.delayed_until", f"r.{c}_left")};
            ELSE
                r.{c}_due := {add("new", "at", f"r.{c}_left")};
                r.{c}_left := NULL;
            END IF;
        END IF;"""


def advance(revision: str) -> str:
    return f"""
        -- 0. A delay over by now ended at its date: its paused clocks run since then.
        IF s_open AND s_delayed IS NOT NULL AND s_delayed <= at THEN{each(lambda c: f'''
            IF {paused(c)} AND r.{c}_due IS NOT NULL THEN
                r.{c}_left := NULL;
            END IF;''')}
        END IF;
        -- a. The delay changed (clocks.py: on the calendar of the row's department).
        IF s_delayed IS DISTINCT FROM i.delayed_until THEN
            IF s_delayed IS NOT NULL AND s_delayed > at AND s_open THEN{each(lambda c: f'''
                IF {paused(c)} THEN
                    r.{c}_due := {add("old", "at", f"r.{c}_left")};
                    r.{c}_left := NULL;
                END IF;''')}
            END IF;
            IF {DELAYED} THEN{pause_running("old", "i.delayed_until")}
            END IF;
        END IF;
        -- b. The policy changed (another department or priority; from 0019 an applied one).
        IF {key("r", revision)} IS DISTINCT FROM {key("i", revision)} THEN
            {lookup(revision)}  -- none: every clock stops
            {each(lambda c: _change_policy(c, revision))}
            r.first_target := p.first_response;
            r.next_target := p.next_response;
            r.resolution_target := p.resolution;
        END IF;
        -- c. The first response.
        IF r.first_at IS NULL AND i.first_reply IS NOT NULL AND {active("first")} THEN
            ok := {met("first", "i.first_reply")};
            r.first_at := i.first_reply;
            r.first_met := ok;
            r.first_left := NULL;
            r.breached := r.breached OR NOT ok;
        END IF;
        -- d. The next response: stops when answered, starts when the client writes again.
        IF {active("next")} AND NOT i.awaiting_staff THEN
            r.breached := r.breached OR NOT {met("next", "at")};
            r.next_due := NULL;
            r.next_left := NULL;
        ELSIF NOT {active("next")} AND i.awaiting_staff AND NOT coalesce(r.awaiting_staff, false)
              AND r.first_at IS NOT NULL AND coalesce(r.next_target, 0) <> 0 THEN
            IF NOT s_open THEN
                r.next_due := NULL;
                r.next_left := r.next_target;
            ELSIF {DELAYED} THEN
                r.next_due := {add("new", "i.delayed_until", "r.next_target")};
                r.next_left := r.next_target;
            ELSE
                r.next_due := {add("new", "at", "r.next_target")};
                r.next_left := NULL;
            END IF;
        END IF;
        -- e. Closed or reopened.
        IF s_open AND NOT i.is_open THEN
            ok := CASE WHEN {active("resolution")} THEN {met("resolution", "at")} END;{close("new")}
            IF ok IS NOT NULL THEN
                r.resolution_met := ok;
                r.breached := r.breached OR NOT ok;
            END IF;
        ELSIF NOT s_open AND i.is_open THEN
            r.resolution_met := NULL;{each(_resume)}
        END IF;{finish(revision)}"""


def key(record: str, revision: str) -> str:
    """clocks.policy_key: what chooses the policy."""
    extra = f", {record}.policy_id" if applied(revision) else ""
    return f"({record}.department_id, {record}.priority{extra})"


# The staff replies that count as a response: from 0018 neither a response rule's automatic
# answer nor a reply still held (undo send) until it is released.
FIRST_REPLY = {"0016": "m.kind = 'staff'",
               "0018": "m.kind = 'staff' AND NOT m.automatic AND m.held_until IS NULL"}
FIRST_REPLY["0019"] = FIRST_REPLY["0018"]


# From 0018 the operator's seeding session may say `ticket_tui.no_sla = on` (store/seed): its
# events make no due times (SQLite's seeder runs no step either); a login's setting is ignored.
NO_SLA = """
                IF current_setting('ticket_tui.no_sla', true) = 'on'
                   AND pg_has_role(session_user, '{owner}', 'MEMBER') THEN
                    RETURN NULL;
                END IF;"""


def install(op, owner: str, revision: str) -> None:
    """Puts migration `revision`'s step in place (Alembic's `op`), the owner's, nobody's else."""
    if (bind := op.get_bind()).dialect.name != "postgresql":
        return
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar()
    for sql in statements(schema, owner, revision=revision):
        op.execute(sql)
    for fn in (SIGNATURE, TRIGGER_FUNCTION, INPUT_FUNCTION):
        op.execute(f"ALTER FUNCTION {schema}.{fn} OWNER TO {owner}")
        op.execute(f"REVOKE ALL ON FUNCTION {schema}.{fn} FROM PUBLIC")


def statements(schema: str, owner: str, revision: str = "0019") -> list[str]:
    """The refresh function and the trigger function (both the owner's, definers), as the
    migration `revision` installs them (0016's text stays as it was released)."""
    definer = f"SECURITY DEFINER SET search_path = {schema}, pg_temp"
    return [
        f"""CREATE OR REPLACE FUNCTION {schema}.ticket_tui_sla_refresh(ticket integer, at timestamptz)
            RETURNS void LANGUAGE plpgsql {definer} AS $$
            DECLARE
                i record;
                p record;
                r ticket_sla%ROWTYPE;
                stored ticket_sla%ROWTYPE;
                s_open boolean;
                s_delayed timestamptz;
                new_zone text; new_spans integer[]; new_holidays date[];
                old_zone text; old_spans integer[]; old_holidays date[];
                ok boolean; was_running boolean; left_old integer; used integer; target integer;
            BEGIN
                LOOP
                    -- The row first, locked: a concurrent refresh of the ticket waits, and then
                    -- reads the ticket as that one committed it.
                    SELECT * INTO stored FROM ticket_sla WHERE ticket_id = ticket FOR UPDATE;
                    IF NOT FOUND AND NOT EXISTS (SELECT 1 FROM sla_policies) THEN
                        RETURN;  -- a desk without policies pays two probes
                    END IF;
                    SELECT t.department_id, t.priority, t.is_open, t.awaiting_staff, t.delayed_until,
                           (SELECT min(m.created_at) FROM messages m
                             WHERE m.ticket_id = t.id AND {FIRST_REPLY[revision]}) AS first_reply{
                           ", t.sla_policy_id AS policy_id" if applied(revision) else ""}
                      INTO i FROM tickets t WHERE t.id = ticket;
                    IF NOT FOUND THEN
                        RETURN;
                    END IF;
                    IF stored.ticket_id IS NULL THEN
                        {lookup(revision)}
                        IF NOT FOUND THEN
                            RETURN;
                        END IF;
                    END IF;
                    SELECT c.zone, c.spans, c.holidays INTO new_zone, new_spans, new_holidays
                      FROM ticket_tui_department_calendar(i.department_id) c;
                    IF stored.ticket_id IS NULL THEN
                        {start(revision)}
                        INSERT INTO ticket_sla SELECT (r).* ON CONFLICT (ticket_id) DO NOTHING;
                        IF FOUND THEN
                            RETURN;
                        END IF;
                        CONTINUE;  -- a concurrent refresh made the row: advance that one
                    END IF;
                    r := stored;
                    s_open := coalesce(stored.is_open, false);
                    s_delayed := stored.delayed_until;
                    IF stored.department_id IS NOT DISTINCT FROM i.department_id THEN
                        old_zone := new_zone; old_spans := new_spans; old_holidays := new_holidays;
                    ELSE
                        SELECT c.zone, c.spans, c.holidays INTO old_zone, old_spans, old_holidays
                          FROM ticket_tui_department_calendar(stored.department_id) c;
                    END IF;
                    {advance(revision)}
                    IF r IS DISTINCT FROM stored THEN
                        UPDATE ticket_sla t SET ({", ".join(columns(revision))}) =
                            ({", ".join(f"r.{n}" for n in columns(revision))})
                         WHERE t.ticket_id = ticket;
                    END IF;
                    RETURN;
                END LOOP;
            END $$""",
        f"""CREATE OR REPLACE FUNCTION {schema}.ticket_tui_sla_event() RETURNS trigger
            LANGUAGE plpgsql {definer} AS $$
            DECLARE
                top bigint := pg_current_xact_id()::text::bigint;
                latest timestamptz;
            BEGIN{NO_SLA.format(owner=owner) if revision != "0016" else ""}
                -- The events' moment: the server's clock for a login (0004's stamp), the
                -- operator's own for imports. As step.py does, the latest of the ticket's
                -- events this transaction wrote (its savepoints' too: visible and in progress
                -- is ours), so each of them runs the step at one moment; at a wraparound of
                -- the 32-bit ids, this event's own.
                SELECT max(e.created_at) INTO latest FROM ticket_events e
                 WHERE e.ticket_id = NEW.ticket_id AND e.xmin::text::bigint >= (top & 4294967295)
                   AND pg_xact_status((((top >> 32) << 32) | e.xmin::text::bigint)::text::xid8)
                       = 'in progress';
                PERFORM ticket_tui_sla_refresh(NEW.ticket_id, greatest(NEW.created_at, latest));
                RETURN NULL;
            END $$""",
        # A login's change of an input runs the step too, at the server's clock (its events'
        # moment): the row follows the ticket even when a login changes it without an event,
        # or makes the event's step run early (SET CONSTRAINTS ... IMMEDIATE) and changes it
        # after. The operator's writes come with their events, at their own moments.
        f"""CREATE OR REPLACE FUNCTION {schema}.ticket_tui_sla_input() RETURNS trigger
            LANGUAGE plpgsql {definer} AS $$
            BEGIN
                IF pg_has_role(session_user, '{owner}', 'MEMBER') THEN
                    RETURN NULL;
                END IF;
                IF TG_TABLE_NAME = 'tickets' THEN
                    PERFORM ticket_tui_sla_refresh(NEW.id, now());
                ELSE
                    IF TG_OP <> 'INSERT' THEN
                        PERFORM ticket_tui_sla_refresh(OLD.ticket_id, now());
                    END IF;
                    IF TG_OP <> 'DELETE' THEN
                        PERFORM ticket_tui_sla_refresh(NEW.ticket_id, now());
                    END IF;
                END IF;
                RETURN NULL;
            END $$""",
    ]

