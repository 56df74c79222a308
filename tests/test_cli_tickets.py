"""The ticket commands of interface.md, through the real command group, on SQLite and PostgreSQL.

Each command is run once to success and at least once to a refusal; a refusal exits 1 (a rule)
or 2 (bad input) with one sentence on stderr, and the whole database is compared before and
after it to prove that nothing was written.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from store import admin
from store.db import Store
from store.models import Base
from ticket_tui import main

TS, BILLING = "Technical support", "Billing"
JOHN = "john@example.com"
TICKET_FIELDS = {"id": int, "subject": str, "client": str, "department": str, "status": str,
                 "locked_by": (str, type(None)), "priority": str, "delayed_until": (str, type(None)),
                 "favorite": bool, "updated_at": str}
MESSAGE_FIELDS = {"id": int, "kind": str, "author": str, "body": str, "created_at": str,
                  "attachments": list}


@pytest.fixture
def url(db_url: str) -> str:
    """A help desk: root (admin), alice and carol (Technical support), bob (Billing), john."""
    store = Store.open(db_url)
    try:
        admin.add_department(store, TS)
        admin.add_department(store, BILLING)
        admin.add_staff(store, "root", "Root Admin", admin=True)
        admin.add_staff(store, "alice", "Alice Smith", [TS])
        admin.add_staff(store, "carol", "Carol Jones", [TS])
        admin.add_staff(store, "bob", "Bob Brown", [BILLING])
        admin.add_client(store, JOHN, "John Doe")
    finally:
        store.close()
    return db_url


# --- helpers ------------------------------------------------------------------------------
def run(url: str, who: str | None, *args: str):
    ident = [] if who is None else ["--client", who] if "@" in who else ["--as", who]
    result = CliRunner().invoke(main, ["--db", url, *ident, *args])
    assert "Traceback" not in result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def ok(url: str, who: str | None, *args: str) -> str:
    result = run(url, who, *args)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result.stdout


def as_json(url: str, who: str, *args: str):
    return json.loads(ok(url, who, *args, "--json"))


def snapshot(url: str) -> dict[str, list[tuple]]:
    store = Store.open(url, migrate=False)
    try:
        with store.read() as s:
            return {t.name: [tuple(r) for r in s.execute(select(t).order_by(*t.primary_key.columns))]
                    for t in Base.metadata.sorted_tables}
    finally:
        store.close()


def refused(url: str, code: int, who: str | None, *args: str) -> str:
    """Runs a command that must be refused with this exit code; returns its stderr sentence."""
    before = snapshot(url)
    result = run(url, who, *args)
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    if code == 1:
        assert len(lines) == 1, result.stderr
    assert lines and lines[-1].startswith("Error: "), result.stderr
    assert snapshot(url) == before, f"{args} was refused but changed the database"
    return lines[-1]


def new_ticket(url: str, subject: str = "Site down", body: str = "example.com is down",
               department: str = TS) -> int:
    out = ok(url, JOHN, "ticket", "new", "--department", department, "--subject", subject, "--body", body)
    assert re.fullmatch(r"\d+\n", out), out
    return int(out)


def taken(url: str, staff: str = "alice") -> int:
    tid = new_ticket(url)
    assert ok(url, staff, "ticket", "take", str(tid)) == f"Ticket #{tid} is assigned to you.\n"
    return tid


def show(url: str, who: str, tid: int) -> dict:
    return as_json(url, who, "ticket", "show", str(tid))


def listed(url: str, who: str, *args: str) -> dict[int, dict]:
    return {t["id"]: t for t in as_json(url, who, "ticket", "list", *args)}


def is_iso_with_offset(value: str) -> bool:
    return datetime.fromisoformat(value).utcoffset() is not None


def check_ticket_json(t: dict) -> None:
    for name, kind in TICKET_FIELDS.items():
        assert isinstance(t[name], kind), (name, t[name])
    assert t["priority"] in ("low", "normal", "high", "urgent")
    assert is_iso_with_offset(t["updated_at"])
    assert t["delayed_until"] is None or is_iso_with_offset(t["delayed_until"])


def check_show_json(d: dict) -> None:
    check_ticket_json(d)
    for m in d["messages"]:
        for name, kind in MESSAGE_FIELDS.items():
            assert isinstance(m[name], kind), (name, m[name])
        assert m["kind"] in ("client", "staff", "internal", "system")
        assert is_iso_with_offset(m["created_at"])


# --- the scripted session of the issue ---------------------------------------------------
def test_the_scripted_session_from_opening_to_the_archive(url: str) -> None:
    tid = new_ticket(url)
    # Another department's staff member sees nothing of it.
    assert "not held by your departments" in refused(url, 1, "bob", "ticket", "show", str(tid))
    refused(url, 1, "bob", "ticket", "take", str(tid))
    assert tid not in listed(url, "bob", "--view", "all")
    # The right staff member takes it; a colleague's reply is refused, naming who and since when.
    ok(url, "alice", "ticket", "take", str(tid))
    assert listed(url, "carol")[tid]["locked_by"] == "alice"
    sentence = refused(url, 1, "carol", "ticket", "reply", str(tid), "--body", "Me too")
    assert re.search(r"locked by alice \(Alice Smith\) since \d{4}-\d\d-\d\d \d\d:\d\d", sentence), sentence
    # Ok: reply and close.
    out = ok(url, "alice", "ticket", "reply", str(tid), "--body", "Restarted it.", "--internal",
             "nginx was down", "--close")
    assert out == f"Replied and closed: ticket #{tid}.\n"
    staff_view = show(url, "alice", tid)
    assert staff_view["status"] == "Awaiting response from client" and staff_view["locked_by"] is None
    assert [m["kind"] for m in staff_view["messages"]] == ["client", "staff", "internal"]
    # The client: New messages, then Reviewed once read; never the internal comment.
    assert listed(url, JOHN)[tid]["status"] == "New messages"
    client_view = show(url, JOHN, tid)
    assert [m["kind"] for m in client_view["messages"]] == ["client", "staff"]
    assert listed(url, JOHN)[tid]["status"] == "Reviewed"
    assert ok(url, JOHN, "ticket", "archive", str(tid)) == f"Ticket #{tid} is in the archive.\n"
    assert tid in listed(url, JOHN, "--view", "archive") and tid not in listed(url, JOHN)
    assert show(url, "root", tid)["status"] == "In archive"
    assert listed(url, "alice", "--view", "archive")[tid]["status"] == "In archive"
    ok(url, JOHN, "ticket", "reply", str(tid), "--body", "It is down again.")  # out of the archive
    assert show(url, "root", tid)["status"] == "In progress" and tid in listed(url, "alice")


def test_ticket_new_prints_the_id_or_json_and_refuses_bad_input(url: str) -> None:
    first = new_ticket(url)
    out = ok(url, JOHN, "ticket", "new", "--department", TS, "--subject", "S", "--body", "B", "--json")
    assert json.loads(out) == {"id": first + 1}
    args = ["ticket", "new", "--department", TS, "--subject", "S", "--body", "B"]
    refused(url, 1, "alice", *args)  # staff don't open tickets
    refused(url, 1, JOHN, "ticket", "new", "--department", "Nowhere", "--subject", "S", "--body", "B")
    refused(url, 2, JOHN, "ticket", "new", "--department", TS, "--subject", " ", "--body", "B")
    refused(url, 2, JOHN, *args, "--priority", "high")  # use_priority is off
    refused(url, 2, None, *args)  # nobody said who they are


def test_list_and_show_json_have_the_fields_and_types_of_the_interface(url: str) -> None:
    tid = taken(url)
    ok(url, "alice", "ticket", "assign", str(tid), "--department", BILLING)  # a system message
    ok(url, "alice", "ticket", "reply", str(tid), "--body", "Hi", "--internal", "psst")
    for who in ("alice", "root", JOHN):
        rows = as_json(url, who, "ticket", "list", "--view", "all")
        assert isinstance(rows, list) and [r["id"] for r in rows] == [tid]
        check_ticket_json(rows[0])
        d = show(url, who, tid)
        check_show_json(d)
        assert (d["id"], d["client"], d["subject"], d["department"]) == (tid, JOHN, "Site down", BILLING)
    staff_kinds = [m["kind"] for m in show(url, "alice", tid)["messages"]]
    assert staff_kinds == ["client", "system", "staff", "internal"]
    client = show(url, JOHN, tid)
    assert [m["kind"] for m in client["messages"]] == ["client", "staff"]
    assert [m["author"] for m in client["messages"]] == [JOHN, "alice"]
    assert client["status"] == "In progress" and client["favorite"] is False
    assert "summary" not in client and "holders" not in client
    assert tid in listed(url, "alice", "--view", "all", "--search", "PSST")
    assert listed(url, JOHN, "--search", "psst") == {}  # a client never searches internal text


def test_take_and_take_over(url: str) -> None:
    tid = taken(url)
    assert "Take it over" in refused(url, 1, "carol", "ticket", "take", str(tid))
    refused(url, 1, "bob", "ticket", "take", str(tid), "--force")  # not his department's
    refused(url, 1, JOHN, "ticket", "take", str(tid))
    refused(url, 1, "alice", "ticket", "take", "999")
    out = ok(url, "carol", "ticket", "take", str(tid), "--force")
    assert out == f"Ticket #{tid} is assigned to you (taken over from alice).\n"
    d = show(url, "root", tid)
    assert d["locked_by"] == "carol" and d["responsible"] == "carol"
    assert d["messages"][-1]["body"] == "The ticket was taken over by Carol Jones from Alice Smith (taken over)."
    ok(url, "carol", "ticket", "take", str(tid))  # taking it again is a no-op


def test_unlock_by_an_admin_or_the_holder_only(url: str) -> None:
    tid = taken(url)
    assert "Only an administrator" in refused(url, 1, "carol", "ticket", "unlock", str(tid))
    assert ok(url, "root", "ticket", "unlock", str(tid)) == f"Unlocked: ticket #{tid}.\n"
    assert show(url, "root", tid)["locked_by"] is None
    refused(url, 1, "root", "ticket", "unlock", str(tid))  # not locked
    ok(url, "carol", "ticket", "take", str(tid))
    ok(url, "carol", "ticket", "unlock", str(tid))  # one's own lock
    assert show(url, "root", tid)["locked_by"] is None


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


def test_split_and_edit_message_need_the_lock(url: str) -> None:
    tid = taken(url)
    ok(url, JOHN, "ticket", "reply", str(tid), "--body", "Also: my invoice is wrong.")
    first, second = [m["id"] for m in show(url, "alice", tid)["messages"]]
    # edit-message
    refused(url, 1, "carol", "ticket", "edit-message", str(first), "--body", "changed")
    refused(url, 2, "alice", "ticket", "edit-message", str(first), "--body", "  ")
    refused(url, 1, "alice", "ticket", "edit-message", "999999", "--body", "x")
    assert ok(url, "alice", "ticket", "edit-message", str(first), "--body", "example.com is DOWN") \
        == f"Message #{first} edited.\n"
    m = show(url, JOHN, tid)["messages"][0]
    assert m["body"] == "example.com is DOWN" and is_iso_with_offset(m["edited_at"])
    # split
    assert "first" in refused(url, 2, "alice", "ticket", "split", str(tid), "--from-message", str(first))
    refused(url, 1, "carol", "ticket", "split", str(tid), "--from-message", str(second))
    refused(url, 1, "alice", "ticket", "split", str(tid), "--from-message", "999999")
    new = int(ok(url, "alice", "ticket", "split", str(tid), "--from-message", str(second)))
    old_d, new_d = show(url, "alice", tid), show(url, "alice", new)
    assert [m["kind"] for m in old_d["messages"]] == ["client", "system"]
    assert [(m["id"], m["kind"]) for m in new_d["messages"]][0] == (second, "client")
    assert new_d["messages"][-1]["body"] == f"This ticket was split from ticket #{tid}."
    system = [m for m in show(url, "alice", tid)["messages"] if m["kind"] == "system"]
    refused(url, 1, "alice", "ticket", "edit-message", str(system[0]["id"]), "--body", "x")


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


def test_close_needs_the_lock(url: str) -> None:
    tid = taken(url)
    refused(url, 1, "carol", "ticket", "close", str(tid))
    assert ok(url, "alice", "ticket", "close", str(tid)) == f"Closed: ticket #{tid}.\n"
    assert show(url, "root", tid)["status"] == "Awaiting response from client"
    refused(url, 1, "alice", "ticket", "close", str(tid))  # the lock was released


def test_reply_attachments_round_trip_byte_for_byte(url: str, tmp_path: Path) -> None:
    tid = taken(url)
    data = os.urandom(70_000) + b"\x00\r\n\xff end"
    path = tmp_path / "dump.bin"
    path.write_bytes(data)
    ok(url, "alice", "ticket", "reply", str(tid), "--body", "See attached.", "--attach", str(path))
    for who in ("alice", JOHN):
        [att] = show(url, who, tid)["messages"][-1]["attachments"]
        assert att["name"] == "dump.bin" and att["size"] == len(data)
        assert att["sha256"] == hashlib.sha256(data).hexdigest()
    refused(url, 2, "alice", "ticket", "reply", str(tid), "--body", "x", "--attach", str(tmp_path / "missing"))
    refused(url, 2, "alice", "ticket", "reply", str(tid), "--attach", str(path))  # no text to go with


def test_charge_and_priority_are_checked(url: str) -> None:
    tid = taken(url)
    reply = ["ticket", "reply", str(tid), "--body", "Done."]
    for bad in ("-5", "0", "abc", "1.234", "nan"):
        refused(url, 2, "alice", *reply, "--charge", bad)
    assert "use_priority" in refused(url, 2, "alice", *reply, "--priority", "high")
    refused(url, 1, "carol", *reply, "--charge", "12.50")
    ok(url, "alice", *reply, "--charge", "12.50")
    [charge] = show(url, JOHN, tid)["charges"]
    assert charge["amount"] == "12.50" and is_iso_with_offset(charge["created_at"])
    ok(url, None, "settings", "set", "use_priority", "true")
    refused(url, 2, "alice", *reply, "--priority", "extreme")
    ok(url, "alice", *reply, "--priority", "high")
    assert show(url, "alice", tid)["priority"] == "high"


def test_a_real_process_prints_to_stdout_and_refuses_on_stderr(url: str) -> None:
    exe = str(Path(sys.executable).with_name("ticket-tui"))

    def real(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([exe, "--db", url, *args], capture_output=True, text=True, timeout=60)

    done = real("--client", JOHN, "ticket", "new", "--department", TS, "--subject", "S", "--body", "B", "--json")
    assert (done.returncode, done.stderr) == (0, "")
    tid = json.loads(done.stdout)["id"]
    no = real("--as", "bob", "ticket", "show", str(tid))
    assert no.returncode == 1 and no.stdout == ""
    assert no.stderr == f"Error: Ticket #{tid} is not held by your departments, so you can't see it.\n"
    bad = real("--as", "alice", "ticket", "delay", str(tid), "--until", "someday")
    assert bad.returncode == 2 and bad.stdout == "" and len(bad.stderr.splitlines()) == 1
    assert "Traceback" not in no.stderr + bad.stderr
    shown = real("--as", "alice", "ticket", "show", str(tid), "--json")
    assert shown.returncode == 0 and json.loads(shown.stdout)["status"] == "In progress"


# --- bugs found and fixed: amounts beyond 32 bits, ids beyond the columns, dates near 9999 ---
def test_a_charge_too_large_for_the_columns_is_taken_or_refused_cleanly(url: str) -> None:
    tid = taken(url)
    for amount in ("50000000", "20000000", "20000000"):  # each valid: at most 100000000.00
        result = run(url, "alice", "ticket", "reply", str(tid), "--body", "x", "--charge", amount)
        assert result.exit_code == 0, result.output


def test_a_ticket_id_beyond_the_integer_columns_is_not_found(url: str) -> None:
    tid = new_ticket(url)
    for big in (2**31, 10**20):
        assert "There is no ticket" in refused(url, 1, "alice", "ticket", "show", str(big))
        assert "no message" in refused(url, 1, "alice", "ticket", "edit-message", str(big), "--body", "x")
    assert show(url, "alice", tid)["id"] == tid


def test_a_delay_date_out_of_range_in_utc_is_refused(url: str) -> None:
    tid = new_ticket(url)
    refused(url, 2, "alice", "ticket", "delay", str(tid), "--until", "9999-12-31T23:59:59-05:00")
