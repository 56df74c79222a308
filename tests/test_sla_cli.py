"""The response targets on the command line, on SQLite and PostgreSQL: department hours, sla
set/list/remove (bad input: exit 2, one sentence, nothing changed), the due times in ticket
JSON, the Overdue view and `sla check` recording each breach once."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from store.clock import as_of
from store.db import Store
from tests.cli_tickets.commands import TS, as_json, listed, new_ticket, ok, refused, show
from tests.cli_tickets.conftest import url  # noqa: F401 - the help desk fixture
from tests.cli_tickets.json_shape import check_show_json, check_ticket_json

MONDAY_9 = datetime(2026, 12, 7, 9, tzinfo=timezone.utc)


def at(hour: int, minute: int = 0) -> datetime:
    return MONDAY_9.replace(hour=hour, minute=minute)


def test_department_hours_set_print_and_clear(url: str) -> None:
    out = ok(url, None, "department", "hours", TS, "--tz", "Europe/Berlin", "--week",
             "mon-fri 09:00-17:00", "--week", "sat 10:00-14:00", "--holiday", "2026-12-25")
    assert out.splitlines()[:3] == [f"{TS}: business hours in Europe/Berlin",
                                    "  mon 09:00-17:00", "  tue 09:00-17:00"]
    assert ok(url, None, "department", "hours", TS) == out
    shown = as_json(url, None, "department", "hours", TS)
    assert shown["holidays"] == ["2026-12-25"] and shown["week"][-1] == "sat 10:00-14:00"
    assert ok(url, None, "department", "hours", TS, "--always-open") == \
        f"{TS}: always open (no business hours set).\n"


@pytest.mark.parametrize("args", [
    ("--tz", "Nowhere/Town", "--week", "mon-fri 09:00-17:00"),
    ("--tz", "UTC", "--week", "mon-fri 9 to 5"),
    ("--tz", "UTC", "--week", "mon-fri 09:00-17:00", "--holiday", "Christmas"),
    ("--week", "mon-fri 09:00-17:00"),
    ("--always-open", "--tz", "UTC"),
])
def test_bad_hours_exit_2_and_change_nothing(url: str, args) -> None:
    ok(url, None, "department", "hours", TS, "--tz", "UTC", "--week", "mon 09:00-10:00")
    assert refused(url, 2, None, "department", "hours", TS, *args).startswith("Error: ")


def test_sla_set_list_and_remove(url: str) -> None:
    assert ok(url, None, "sla", "set", "--department", TS, "--first-response", "60",
              "--next-response", "30", "--resolution", "480") == (
        f"Policy set: {TS} [any priority]: first response 60 min, next response 30 min, "
        "resolution 480 min.\n")
    ok(url, None, "sla", "set", "--department", TS, "--priority", "urgent", "--first-response", "15")
    assert as_json(url, None, "sla", "list") == [
        {"department": TS, "priority": "any", "first_response_minutes": 60,
         "next_response_minutes": 30, "resolution_minutes": 480},
        {"department": TS, "priority": "urgent", "first_response_minutes": 15,
         "next_response_minutes": None, "resolution_minutes": None}]
    ok(url, None, "sla", "remove", "--department", TS, "--priority", "urgent")
    assert len(as_json(url, None, "sla", "list")) == 1


@pytest.mark.parametrize("args", [
    ("--first-response", "0"),
    ("--first-response", "60", "--resolution", "-5"),
    ("--first-response", "sixty"),
    ("--first-response", "60", "--priority", "critical"),
    ("--next-response", "30"),
])
def test_bad_policies_exit_2_and_change_nothing(url: str, args) -> None:
    assert refused(url, 2, None, "sla", "set", "--department", TS, *args).startswith("Error: ")


def test_ticket_json_carries_the_due_times_and_the_overdue_view_lists_them(url: str) -> None:
    plain = new_ticket(url)  # before any policy: no due times
    ok(url, None, "sla", "set", "--department", TS, "--first-response", "60", "--resolution", "480")
    with as_of(at(9)):
        late = new_ticket(url)
    with as_of(at(9, 30)):
        soon = new_ticket(url)
    with as_of(at(10, 5)):  # late is 5 minutes over; soon is due in 25 (within the 60-minute window)
        d = show(url, "alice", late)
        check_show_json(d)
        assert (d["first_response_due"], d["resolution_due"], d["first_response_met"], d["overdue"]) \
            == ("2026-12-07T10:00:00+00:00", "2026-12-07T17:00:00+00:00", None, True)
        rows = listed(url, "alice", "--view", "overdue")
        assert list(rows) == [late, soon]
        assert (rows[late]["overdue"], rows[soon]["overdue"]) == (True, False)
        check_ticket_json(rows[soon])
        everything = listed(url, "alice", "--view", "all")
        assert everything[plain]["first_response_due"] is None and not everything[plain]["overdue"]
        ok(url, None, "settings", "set", "sla_warning_minutes", "0")
        assert list(listed(url, "alice", "--view", "overdue")) == [late]
        assert list(listed(url, "bob", "--view", "overdue")) == []  # Billing holds none of them


def test_sla_check_records_each_breach_once(url: str) -> None:
    ok(url, None, "sla", "set", "--department", TS, "--first-response", "60")
    with as_of(at(9)):
        tid = new_ticket(url)
    with as_of(at(9, 59)):
        assert ok(url, None, "sla", "check") == "0 breach(es) recorded.\n"
    with as_of(at(10, 1)):
        assert ok(url, None, "sla", "check") == (
            f"#{tid}: first response due 2026-12-07 10:00 UTC missed\n1 breach(es) recorded.\n")
        assert json.loads(ok(url, None, "sla", "check", "--json")) == []
    assert _breach_events(url, tid) == ["first response due 2026-12-07 10:00 UTC missed"]


def _breach_events(url: str, tid: int) -> list[str]:
    store = Store.open(url, migrate=False)
    try:
        with store.sql() as q:
            return [d for d, in q.rows("SELECT detail FROM ticket_events WHERE ticket_id = :t "
                                       "AND action = 'sla_breach'", {"t": tid})]
    finally:
        store.close()
