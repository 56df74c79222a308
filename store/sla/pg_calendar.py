"""Business time in PL/pgSQL: store/sla/calendar.py's `add` and `between`, for the database's
own refresh of due times (migration 0016), so that on PostgreSQL a person's login can't forge
them. Each function here must give what Calendar gives, to the microsecond
(tests/test_sla_pg_calendar.py compares them on random calendars around DST changes).

A calendar is passed as arguments, so the arithmetic is testable alone:
- `zone`: an IANA time zone name;
- `spans`: NULL for "always open" (a department without hours), else an int[][] of
  [weekday (0 = Monday), opens, closes] (minutes after local midnight, closes up to 1440), in
  order of weekday then opens (the order Calendar.week holds them in); no span at all is a
  calendar never open, refused as Calendar refuses it;
- `holidays`: the closed local dates (NULL = none).

All arithmetic runs on `timestamp` values holding UTC wall time: adding an interval to a
`timestamptz` would count its days in the session's TimeZone (23 or 25 hours across a DST
change), and a login chooses its session's TimeZone. Nothing here reads a table but the
department wrappers, which read with the caller's rights.
"""

from __future__ import annotations

MAX_DAYS = 3 * 366  # calendar.MAX_DAYS: a calendar open on no day within three years is refused
NEVER_OPEN = "These business hours are never open: every day is closed."  # calendar's BadInput

# Signatures, for ALTER FUNCTION ... OWNER and DROP FUNCTION.
FUNCTIONS = (
    "ticket_tui_zone_offset(text, timestamp)",
    "ticket_tui_wall_moment(text, timestamp)",
    "ticket_tui_business_add(text, integer[], date[], timestamptz, integer)",
    "ticket_tui_business_between(text, integer[], date[], timestamptz, timestamptz)",
    "ticket_tui_department_calendar(integer)",
    "ticket_tui_department_add(integer, timestamptz, integer)",
    "ticket_tui_department_between(integer, timestamptz, timestamptz)",
)

_PURE = "IMMUTABLE PARALLEL SAFE"


def _refuse_never_open() -> str:
    return f"RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = '{NEVER_OPEN}'"


# The day's offset when no change of the zone's clocks is near it (the usual case: one lookup
# for the day instead of three per moment), else NULL and each moment is resolved alone.
_DAY_OFFSET = """day_offset := {schema}.ticket_tui_zone_offset(zone, day - interval '48 hours');
        IF day_offset <> {schema}.ticket_tui_zone_offset(zone, day + interval '72 hours') THEN
            day_offset := NULL;
        END IF;"""


def _local(schema: str, after_midnight: str) -> str:
    """calendar._moment for the local `day`: the UTC wall time `after_midnight` past its start."""
    return (f"coalesce(day + {after_midnight} - day_offset, "
            f"{schema}.ticket_tui_wall_moment(zone, day + {after_midnight}))")


def _day_spans(schema: str, on_span: str) -> str:
    """The body of calendar._open_spans for one local `day`: each span of its weekday (unless a
    holiday) as UTC wall `opens`/`closes`, handed to `on_span` when it ends after `s` and is
    not empty (a span across a spring gap may be). Sets `found`."""
    return f"""
        found := false;
        {_DAY_OFFSET.format(schema=schema)}
        IF NOT (day = ANY (coalesce(holidays, '{{}}'))) THEN
            weekday := extract(isodow FROM day)::integer - 1;
            FOR i IN 1 .. coalesce(array_length(spans, 1), 0) LOOP
                CONTINUE WHEN spans[i][1] <> weekday;
                opens := {_local(schema, "spans[i][2] * interval '1 minute'")};
                closes := {_local(schema, "spans[i][3] * interval '1 minute'")};
                IF closes > s AND closes > opens THEN
                    found := true;
{on_span}
                END IF;
            END LOOP;
        END IF;"""


_NEXT_DAY = f"""
        closed_days := CASE WHEN found THEN 0 ELSE closed_days + 1 END;
        IF closed_days > {MAX_DAYS} THEN
            {_refuse_never_open()};
        END IF;
        day := day + 1;"""

_WALK_DECLARE = """
    s timestamp := start AT TIME ZONE 'UTC';
    day date := (start AT TIME ZONE zone)::date - 1;  -- a span may start the day before
    weekday integer;
    day_offset interval;
    opens timestamp;
    closes timestamp;
    found boolean;
    closed_days integer := 0;"""


def statements(schema: str) -> list[str]:
    """CREATE OR REPLACE FUNCTION statements: the arithmetic, then the department wrappers
    (which need migration 0015's tables)."""
    return arithmetic(schema) + department_wrappers(schema)


def arithmetic(schema: str) -> list[str]:
    """The calendar functions taking the calendar as arguments, in `schema`."""
    add_span = """
                    opens := greatest(opens, s);  -- the span's part after the start
                    IF opens + left_time <= closes THEN
                        RETURN (opens + left_time) AT TIME ZONE 'UTC';
                    END IF;
                    left_time := left_time - (closes - opens);"""
    between_span = """
                    IF opens >= e THEN
                        RETURN floor(extract(epoch FROM total) / 60)::integer;
                    END IF;
                    total := total + (least(closes, e) - greatest(opens, s));"""
    return [
        # The zone's UTC offset at a UTC moment.
        f"""CREATE OR REPLACE FUNCTION {schema}.ticket_tui_zone_offset(zone text, moment timestamp)
            RETURNS interval LANGUAGE sql {_PURE} STRICT AS $$
            SELECT ((moment AT TIME ZONE 'UTC') AT TIME ZONE zone) - moment $$""",
        # calendar._moment: local wall time -> UTC wall time, as zoneinfo reads it with fold=0:
        # a wall time the clocks skip, or show twice, takes the offset in effect before the
        # change. (PostgreSQL's own `AT TIME ZONE` reads a repeated time as the later one.)
        # Assumes at most one change within two days of it, true of every zone today.
        f"""CREATE OR REPLACE FUNCTION {schema}.ticket_tui_wall_moment(zone text, wall timestamp)
            RETURNS timestamp LANGUAGE plpgsql {_PURE} STRICT AS $$
            DECLARE
                before interval := {schema}.ticket_tui_zone_offset(zone, wall - interval '48 hours');
                after interval := {schema}.ticket_tui_zone_offset(zone, wall + interval '48 hours');
            BEGIN
                -- zoneinfo places a change at its UTC moment plus the larger of the two
                -- offsets, in wall time: before that wall time, the earlier offset holds.
                IF before = after OR {schema}.ticket_tui_zone_offset(
                        zone, wall - greatest(before, after)) = before THEN
                    RETURN wall - before;
                END IF;
                RETURN wall - after;
            END $$""",
        f"""CREATE OR REPLACE FUNCTION {schema}.ticket_tui_business_add(
                zone text, spans integer[], holidays date[], start timestamptz, minutes integer)
            RETURNS timestamptz LANGUAGE plpgsql {_PURE} AS $$
            DECLARE{_WALK_DECLARE}
                left_time interval := make_interval(mins => minutes);
            BEGIN
                IF start IS NULL OR minutes IS NULL THEN
                    RETURN NULL;
                END IF;
                IF minutes < 0 THEN
                    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
                        MESSAGE = 'business minutes must not be negative';
                END IF;
                IF spans IS NULL OR minutes = 0 THEN
                    RETURN start + left_time;  -- minutes only: no day counted in a session zone
                END IF;
                LOOP{_day_spans(schema, add_span)}{_NEXT_DAY}
                END LOOP;
            END $$""",
        f"""CREATE OR REPLACE FUNCTION {schema}.ticket_tui_business_between(
                zone text, spans integer[], holidays date[], start timestamptz, finish timestamptz)
            RETURNS integer LANGUAGE plpgsql {_PURE} AS $$
            DECLARE{_WALK_DECLARE}
                e timestamp := finish AT TIME ZONE 'UTC';
                total interval := interval '0';
            BEGIN
                IF start IS NULL OR finish IS NULL THEN
                    RETURN NULL;
                END IF;
                IF e <= s THEN
                    RETURN 0;
                END IF;
                IF spans IS NULL THEN
                    RETURN floor(extract(epoch FROM e - s) / 60)::integer;
                END IF;
                LOOP{_day_spans(schema, between_span)}
                    IF {_local(schema, "interval '0'")} > e THEN
                        RETURN floor(extract(epoch FROM total) / 60)::integer;
                    END IF;{_NEXT_DAY}
                END LOOP;
            END $$""",
    ]


def department_wrappers(schema: str) -> list[str]:
    return [
        # A department's calendar: no hours row = always open (NULL spans). PL/pgSQL, not SQL:
        # the step reads it once or twice per event, and PL/pgSQL keeps its plans per session.
        f"""CREATE OR REPLACE FUNCTION {schema}.ticket_tui_department_calendar(
                department integer, OUT zone text, OUT spans integer[], OUT holidays date[])
            LANGUAGE plpgsql STABLE AS $$
            BEGIN
                SELECT h.zone INTO zone FROM {schema}.department_hours h
                 WHERE h.department_id = department;
                IF zone IS NULL THEN
                    RETURN;
                END IF;
                SELECT coalesce(array_agg(ARRAY[p.weekday, p.opens, p.closes]::integer[]
                                          ORDER BY p.weekday, p.opens, p.closes), '{{}}')
                  INTO spans FROM {schema}.department_spans p WHERE p.department_id = department;
                SELECT coalesce(array_agg(d.day ORDER BY d.day), '{{}}')
                  INTO holidays FROM {schema}.department_holidays d WHERE d.department_id = department;
            END $$""",
        f"""CREATE OR REPLACE FUNCTION {schema}.ticket_tui_department_add(
                department integer, start timestamptz, minutes integer)
            RETURNS timestamptz LANGUAGE sql STABLE AS $$
            SELECT {schema}.ticket_tui_business_add(c.zone, c.spans, c.holidays, start, minutes)
              FROM {schema}.ticket_tui_department_calendar(department) c $$""",
        f"""CREATE OR REPLACE FUNCTION {schema}.ticket_tui_department_between(
                department integer, start timestamptz, finish timestamptz)
            RETURNS integer LANGUAGE sql STABLE AS $$
            SELECT {schema}.ticket_tui_business_between(c.zone, c.spans, c.holidays, start, finish)
              FROM {schema}.ticket_tui_department_calendar(department) c $$""",
    ]
