"""Filing a ticket from the command line: assign, delay, summary, favorite, abuse, archive."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from tests.cli_tickets.commands import BILLING, JOHN, TS, listed, new_ticket, ok, refused, show, taken


def test_assign_to_a_department_or_a_staff_member(url: str) -> None:
    tid = new_ticket(url)
    out = ok(url, "alice", "ticket", "assign", str(tid), "--department", BILLING)
    assert out == 'The ticket has been assigned to "Billing"\n'
    d = show(url, "bob", tid)  # Billing holds it now
    assert d["department"] == BILLING
    assert d["messages"][-1]["kind"] == "system"
    assert d["messages"][-1]["body"] == 'The ticket has been assigned to "Billing"'
    out = ok(url, "alice", "ticket", "assign", str(tid), "--staff", "carol")
    assert out == 'The ticket has been assigned to "Carol Jones"\n'
    assert {"kind": "staff", "name": "Carol Jones", "open": True} in show(url, "root", tid)["holders"]
    ok(url, "carol", "ticket", "take", str(tid))
    assert "locked by carol" in refused(url, 1, "alice", "ticket", "assign", str(tid), "--department", TS)
    refused(url, 2, "carol", "ticket", "assign", str(tid), "--department", TS, "--staff", "alice")
    refused(url, 2, "carol", "ticket", "assign", str(tid))
    refused(url, 1, "carol", "ticket", "assign", str(tid), "--department", "Nowhere")
    refused(url, 1, "carol", "ticket", "assign", str(tid), "--staff", "nobody")
    refused(url, 1, "carol", "ticket", "assign", "999", "--department", TS)


def test_delay_until_a_future_date_only(url: str) -> None:
    tid = new_ticket(url)
    until = (datetime.now(timezone.utc) + timedelta(days=3)).date().isoformat()
    assert ok(url, "alice", "ticket", "delay", str(tid), "--until", until).startswith(f"Ticket #{tid} is delayed")
    d = show(url, "alice", tid)
    assert datetime.fromisoformat(d["delayed_until"]) == datetime.fromisoformat(until).replace(tzinfo=timezone.utc)
    assert tid in listed(url, "alice", "--view", "delayed") and tid not in listed(url, "alice")
    assert "has passed" in refused(url, 2, "alice", "ticket", "delay", str(tid), "--until", "2001-01-01")
    assert "not a date" in refused(url, 2, "alice", "ticket", "delay", str(tid), "--until", "next week")
    refused(url, 2, "alice", "ticket", "delay", str(tid))
    refused(url, 1, "bob", "ticket", "delay", str(tid), "--until", until)
    ok(url, "alice", "ticket", "delay", str(tid), "--end")
    assert tid in listed(url, "alice") and show(url, "alice", tid)["delayed_until"] is None


def test_summary_and_favorite(url: str) -> None:
    tid = new_ticket(url)
    assert ok(url, "alice", "ticket", "summary", str(tid), "DNS issue") == f"Summary saved: ticket #{tid}.\n"
    assert show(url, "carol", tid)["summary"] == "DNS issue"
    refused(url, 1, JOHN, "ticket", "summary", str(tid), "mine")
    refused(url, 1, "bob", "ticket", "summary", str(tid), "not mine")
    assert ok(url, "alice", "ticket", "favorite", str(tid)) == f"Ticket #{tid} is a favorite.\n"
    assert listed(url, "alice", "--view", "favorites")[tid]["favorite"] is True
    assert show(url, "carol", tid)["favorite"] is False  # favorites are per staff member
    refused(url, 1, "bob", "ticket", "favorite", str(tid))
    refused(url, 1, JOHN, "ticket", "favorite", str(tid))
    ok(url, "alice", "ticket", "favorite", str(tid), "--remove")
    assert listed(url, "alice", "--view", "favorites") == {}


def test_abuse_cases(url: str) -> None:
    tid = new_ticket(url)
    assert re.fullmatch(r"Abuse case #\d+ registered\.\n",
                        ok(url, "alice", "ticket", "abuse", str(tid), "--kind", "spam",
                           "--description", "Sends spam from the VPS"))
    assert tid in listed(url, "alice", "--view", "abuse")
    refused(url, 2, "alice", "ticket", "abuse", str(tid), "--kind", "spam", "--description", " ")
    refused(url, 2, "alice", "ticket", "abuse", str(tid), "--kind", "", "--description", "x")
    refused(url, 1, "bob", "ticket", "abuse", str(tid), "--kind", "spam", "--description", "x")
    refused(url, 1, JOHN, "ticket", "abuse", str(tid), "--kind", "spam", "--description", "x")


def test_archive_is_refused_while_in_progress_and_to_staff(url: str) -> None:
    tid = taken(url)
    assert "In progress" in refused(url, 1, JOHN, "ticket", "archive", str(tid))
    refused(url, 1, "alice", "ticket", "archive", str(tid))
    refused(url, 1, JOHN, "ticket", "archive", "999")
    ok(url, "alice", "ticket", "close", str(tid))
    ok(url, JOHN, "ticket", "archive", str(tid))
    refused(url, 1, JOHN, "ticket", "archive", str(tid))  # archived already
    refused(url, 1, "alice", "ticket", "take", str(tid))  # an archived ticket can't be taken
