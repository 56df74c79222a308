"""Response targets at psql (migration 0016): due times are the database's own work.

ticket_sla is written by the owner's SECURITY DEFINER step alone, run by a deferred trigger on
ticket events with the event's moment (the server's clock for a login). A staff member or a
client with psql and their own login tries to write the due times, to run the step at a moment
of their choosing, to change the hours or the targets, and to make a ticket look answered.

The desk is tests/pg_attacks.py's, and Tech promises here (set by the operator) a first response
in 60 minutes, a next one in 30, a resolution in 480: john opens "Printer" in Tech, which alice
takes; t_hidden is Billing's (no policy, no row).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from store import service as sv
from store.clock import as_of
from store.mail.service_login import grant_mail_login
from store.sla import models as _sla_models  # noqa: F401 - the snapshot covers its tables
from store.sla.policy import set_policy
from tests.pg_attacks import desk  # noqa: F401 - the fixture
from tests.pg_attacks import AttackDesk, new_ticket, recent, refused, refused_or_nothing

pytestmark = pytest.mark.pg

JOHN = "john@example.com"
DUE_TIMES = ("SELECT ticket_id, first_due, first_at, first_met, next_due, resolution_due, "
             "resolution_left, due, breached FROM ticket_sla ORDER BY ticket_id")
EVENT = ("INSERT INTO ticket_events (ticket_id, action, detail, staff_id, created_at) "
         "VALUES (%s, 'note', '', %s, %s)")


@pytest.fixture
def printer(desk: AttackDesk) -> int:
    set_policy(desk.store, "Tech", None, 60, 30, 480)
    ticket = sv.open_ticket(desk.store, desk.john, "Tech", "Printer", "on fire")
    sv.take(desk.store, desk.staff["alice"], ticket)
    return ticket


def sla_row(desk: AttackDesk, ticket: int) -> dict:
    names = ("first_due", "first_at", "first_met", "next_due", "resolution_due", "due", "breached")
    found = desk.rows(f"SELECT {', '.join(names)} FROM ticket_sla WHERE ticket_id = :t", t=ticket)
    return dict(zip(names, found[0])) if found else {}


def test_the_trigger_writes_the_due_times(desk: AttackDesk, printer: int) -> None:
    row = sla_row(desk, printer)
    opened = desk.id_of("SELECT created_at FROM tickets WHERE id = :t", t=printer)
    assert (row["first_due"] - opened, row["resolution_due"] - opened) == (timedelta(hours=1), timedelta(hours=8))
    assert row["due"] == row["first_due"] and row["first_at"] is None
    assert desk.rows("SELECT count(*) FROM ticket_sla WHERE ticket_id = :t", t=desk.t_hidden) == [(0,)]


@pytest.mark.parametrize("person", ["alice", "root", JOHN])
def test_nobody_writes_ticket_sla(desk: AttackDesk, printer: int, person: str) -> None:
    later = "first_due = first_due + interval '1 day', due = due + interval '1 day'"
    refused(desk, person, f"UPDATE ticket_sla SET {later}")
    refused(desk, person, "UPDATE ticket_sla SET breached = false, first_met = true")
    refused(desk, person, "DELETE FROM ticket_sla")
    refused(desk, person, "INSERT INTO ticket_sla (ticket_id, breached) VALUES (%s, false)",
            (desk.t_hidden,))
    refused(desk, person, "INSERT INTO ticket_sla (ticket_id, breached) VALUES (%s, false) "
            "ON CONFLICT (ticket_id) DO UPDATE SET due = NULL", (printer,))
    refused(desk, person, "TRUNCATE ticket_sla")


def test_clients_read_no_due_times(desk: AttackDesk, printer: int) -> None:
    seen = {}
    for person in (JOHN, "alice", "bob"):  # staff read those of the tickets they see
        with desk.login(person) as conn:
            seen[person] = conn.execute("SELECT count(*) FROM ticket_sla").fetchone()[0]
    assert seen == {JOHN: 0, "alice": 1, "bob": 0}


@pytest.mark.parametrize("person", ["alice", "root", JOHN])
def test_nobody_runs_the_step_at_a_moment_of_their_choosing(desk: AttackDesk, printer: int,
                                                             person: str) -> None:
    refused(desk, person, "SELECT ticket_tui_sla_refresh(%s, '2001-01-01')", (printer,))
    refused(desk, person, "SELECT ticket_tui_sla_refresh(%s, now() + interval '1 year')", (printer,))
    refused(desk, person, "SELECT ticket_tui_sla_event()")


def test_a_late_answer_backdated_by_a_login_is_late(desk: AttackDesk) -> None:
    """john wrote two hours ago; alice answers now with her reply and event dated in time: both
    are stamped with the server's clock, which the step reads."""
    set_policy(desk.store, "Tech", None, 60, 30, 480)
    with as_of(datetime.now(timezone.utc) - timedelta(hours=2)):
        late = sv.open_ticket(desk.store, desk.john, "Tech", "Printer", "on fire")
        sv.take(desk.store, desk.staff["alice"], late)
    alice = desk.staff["alice"].id
    before = sla_row(desk, late)
    in_time = before["first_due"] - timedelta(minutes=30)
    with desk.login("alice") as conn:
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        conn.execute("INSERT INTO messages (ticket_id, kind, body, author_staff_id, created_at) "
                     "VALUES (%s, 'staff', 'done', %s, %s)", (late, alice, in_time))
        conn.execute(EVENT, (late, alice, in_time))
    row = sla_row(desk, late)
    assert recent(row["first_at"]) and row["first_met"] is False and row["breached"]
    assert (row["first_due"], row["resolution_due"]) == (before["first_due"], before["resolution_due"])


def test_a_late_close_backdated_by_a_login_is_late(desk: AttackDesk) -> None:
    """john wrote nine hours ago (resolution: eight); alice closes now, her event dated in time:
    the step runs at the event's stamped moment, the server's clock."""
    set_policy(desk.store, "Tech", None, 60, 30, 480)
    with as_of(datetime.now(timezone.utc) - timedelta(hours=9)):
        late = sv.open_ticket(desk.store, desk.john, "Tech", "Printer", "on fire")
        sv.take(desk.store, desk.staff["alice"], late)
    in_time = sla_row(desk, late)["resolution_due"] - timedelta(minutes=30)
    with desk.login("alice") as conn:
        conn.execute("UPDATE holders SET is_open = false, closed_at = now() WHERE ticket_id = %s", (late,))
        conn.execute("UPDATE tickets SET is_open = false, awaiting_staff = false, locked_by_id = NULL, "
                     "lock_token = NULL, locked_at = NULL WHERE id = %s", (late,))
        conn.execute(EVENT.replace("'note'", "'close'"), (late, desk.staff["alice"].id, in_time))
    assert desk.rows("SELECT resolution_met, breached, due FROM ticket_sla WHERE ticket_id = :t",
                     t=late) == [(False, True, None)]


def test_the_due_times_follow_a_ticket_a_login_changes_without_its_event(desk: AttackDesk,
                                                                        printer: int) -> None:
    """alice closes with the step run early (SET CONSTRAINTS ... IMMEDIATE), then reopens in the
    same transaction with no event; later she reopens a closed ticket with no event at all. The
    due times follow the ticket either way: an open ticket's clocks run."""
    alice = desk.staff["alice"].id
    with desk.login("alice") as conn:
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        conn.execute("UPDATE holders SET is_open = false, closed_at = now() WHERE ticket_id = %s", (printer,))
        conn.execute("UPDATE tickets SET is_open = false WHERE id = %s", (printer,))
        conn.execute(EVENT.replace("'note'", "'close'"), (printer, alice, datetime.now(timezone.utc)))
        conn.execute("UPDATE tickets SET is_open = true WHERE id = %s", (printer,))
    row = sla_row(desk, printer)
    assert row["due"] is not None and row["due"] == row["first_due"]
    with desk.login("alice") as conn:  # closed, as the app closes
        conn.execute("UPDATE tickets SET is_open = false WHERE id = %s", (printer,))
        conn.execute(EVENT.replace("'note'", "'close'"), (printer, alice, datetime.now(timezone.utc)))
    assert sla_row(desk, printer)["due"] is None
    with desk.login("alice") as conn:  # reopened, with no event
        conn.execute("UPDATE tickets SET is_open = true WHERE id = %s", (printer,))
    assert sla_row(desk, printer)["due"] is not None


def test_a_ticket_is_not_answered_by_an_internal_comment_or_a_client(desk: AttackDesk, printer: int) -> None:
    alice = desk.staff["alice"].id
    with desk.login("alice") as conn:
        conn.execute("INSERT INTO messages (ticket_id, kind, body, author_staff_id, created_at) "
                     "VALUES (%s, 'internal', 'later', %s, now())", (printer, alice))
        conn.execute(EVENT, (printer, alice, datetime.now(timezone.utc)))
    comment = desk.id_of("SELECT max(id) FROM messages WHERE kind = 'internal' AND ticket_id = :t",
                         t=printer)
    refused(desk, "alice", "UPDATE messages SET kind = 'staff' WHERE id = %s", (comment,))
    refused(desk, "alice", "UPDATE messages SET created_at = '2001-01-01' WHERE id = %s", (comment,))
    refused(desk, JOHN, "INSERT INTO messages (ticket_id, kind, body, author_client_id, created_at) "
            "VALUES (%s, 'staff', 'answered', %s, now())", (printer, desk.john.id))
    refused(desk, "carol", "INSERT INTO messages (ticket_id, kind, body, author_staff_id, created_at) "
            "VALUES (%s, 'staff', 'answered', %s, now())", (printer, desk.staff["carol"].id))
    # A staff reply of another ticket moves only into a ticket Split is making.
    other = desk.id_of("SELECT min(id) FROM messages WHERE kind = 'staff' AND ticket_id = :t",
                       t=desk.t_locked)
    refused(desk, "alice", "UPDATE messages SET ticket_id = %s WHERE id = %s", (printer, other))
    row = sla_row(desk, printer)
    assert row["first_at"] is None and row["first_met"] is None and row["due"] == row["first_due"]


@pytest.mark.parametrize("person", ["alice", JOHN])
def test_only_administrators_write_hours_and_targets(desk: AttackDesk, printer: int, person: str) -> None:
    tech = desk.id_of("SELECT id FROM departments WHERE name = 'Tech'")
    refused_or_nothing(desk, person, "UPDATE sla_policies SET first_response = 100000")
    refused_or_nothing(desk, person, "DELETE FROM sla_policies")
    refused_or_nothing(desk, person, "INSERT INTO sla_policies (department_id, priority, first_response) "
                       "VALUES (%s, 4, 100000)", (tech,))
    refused_or_nothing(desk, person, "INSERT INTO department_hours (department_id, zone) "
                       "VALUES (%s, 'UTC')", (tech,))
    refused_or_nothing(desk, person, "INSERT INTO department_holidays (department_id, day) "
                       "VALUES (%s, current_date)", (tech,))
    refused_or_nothing(desk, person, "INSERT INTO department_spans (department_id, weekday, opens, closes) "
                       "VALUES (%s, 0, 0, 1)", (tech,))
    refused_or_nothing(desk, person, "DELETE FROM department_hours")


def test_a_logins_own_tables_and_time_zone_do_not_stand_in(desk: AttackDesk, printer: int) -> None:
    """The step's search_path is fixed, and its arithmetic ignores the session's TimeZone."""
    alice = desk.staff["alice"].id
    before = sla_row(desk, printer)
    with desk.login("alice") as conn:
        conn.execute("SET TimeZone = 'Pacific/Chatham'")
        conn.execute("CREATE TEMP TABLE sla_policies (id int, department_id int, priority smallint, "
                     "first_response int, next_response int, resolution int)")
        conn.execute("INSERT INTO pg_temp.sla_policies SELECT id, department_id, 3, 100000, 100000, "
                     "100000 FROM public.sla_policies")
        conn.execute("SET search_path = pg_temp, public")
        conn.execute("UPDATE public.tickets SET priority = 3 WHERE id = %s", (printer,))
        conn.execute(EVENT, (printer, alice, datetime.now(timezone.utc)))
    row = sla_row(desk, printer)
    # Priority 3 falls back on Tech's policy for any priority: the clocks keep their targets
    # (less the fraction of a minute a change of policy rounds away).
    assert desk.rows("SELECT first_target, next_target, resolution_target FROM ticket_sla "
                     "WHERE ticket_id = :t", t=printer) == [(60, 30, 480)]
    for clock in ("first_due", "resolution_due"):
        assert timedelta(minutes=-1) <= row[clock] - before[clock] <= timedelta(0)


def test_the_trigger_is_out_of_a_logins_reach(desk: AttackDesk, printer: int) -> None:
    refused(desk, "alice", "ALTER TABLE ticket_events DISABLE TRIGGER ticket_tui_sla")
    refused(desk, "alice", "DROP TRIGGER ticket_tui_sla ON ticket_events")
    refused(desk, "alice", "SET session_replication_role = replica")
    refused(desk, "alice", "CREATE OR REPLACE FUNCTION ticket_tui_sla_refresh(integer, timestamptz) "
            "RETURNS void LANGUAGE sql AS 'SELECT'")


def test_a_breach_is_noted_only_when_it_is_one(desk: AttackDesk, printer: int) -> None:
    """sla check's write, for the logins that run it (mail watch as the mail service's): the due
    must have passed by the server's clock; the event is recorded with it, once."""
    note = "SELECT ticket_id, due FROM ticket_tui_sla_note_breaches(500)"
    desk.roles["mail"] = grant_mail_login(desk.store, "desk_mail")
    refused_or_nothing(desk, "alice", note)
    refused_or_nothing(desk, "mail", note)
    refused(desk, "mail", "UPDATE ticket_sla SET breached = true, breach_noted = due")
    refused(desk, JOHN, note)
    with desk.store.sql(write=True) as q:  # the operator: as if the hour had passed
        q.run("UPDATE ticket_sla SET due = now() - interval '1 minute', "
              "first_due = now() - interval '1 minute' WHERE ticket_id = :t", {"t": printer})
    with desk.login("mail") as conn:
        (ticket, due), = conn.execute(note).fetchall()
    refused_or_nothing(desk, "alice", note)
    assert ticket == printer
    assert desk.rows("SELECT breached, breach_noted FROM ticket_sla WHERE ticket_id = :t",
                     t=printer) == [(True, due)]
    assert desk.rows("SELECT detail FROM ticket_events WHERE action = 'sla_breach'") == [
        (f"first response due {due.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC missed",)]


@pytest.mark.parametrize("person", ["alice", "root", JOHN])
def test_no_login_applies_a_policy(desk: AttackDesk, printer: int, person: str) -> None:
    """tickets.sla_policy_id (migration 0019) is the operator's rules' to write: a login that
    sets it, on its ticket or on a new one, is refused."""
    urgent = "(SELECT min(id) FROM sla_policies)"
    refused(desk, person, f"UPDATE tickets SET sla_policy_id = {urgent} WHERE id = %s", (printer,))
    mine = {"client_id": str(desk.john.id), "subject": "'Printer'",
            "department_id": "(SELECT department_id FROM tickets WHERE id = %s)" % printer}
    refused(desk, person, new_ticket(**mine, sla_policy_id=urgent))


def test_the_mail_service_applies_no_policy(desk: AttackDesk, printer: int) -> None:
    desk.roles["mail"] = grant_mail_login(desk.store, "desk_mail")
    mine = {"client_id": str(desk.john.id), "department_id": "(SELECT department_id FROM "
            f"tickets WHERE id = {printer})", "sla_policy_id": "(SELECT min(id) FROM sla_policies)"}
    refused(desk, "mail", new_ticket(**mine))
