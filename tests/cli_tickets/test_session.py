"""The scripted session of the issue, `ticket new`, the JSON of list and show, and a real process's
stdout, stderr and exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.cli_tickets.commands import (
    BILLING, JOHN, TS, as_json, listed, new_ticket, ok, refused, show, taken,
)
from tests.cli_tickets.json_shape import check_show_json, check_ticket_json


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
