"""The ticket commands that need the lock: take and take over, unlock, close, reply (attachments,
charge, priority), split and edit-message."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from tests.cli_tickets.commands import JOHN, ok, refused, show, taken
from tests.cli_tickets.json_shape import is_iso_with_offset


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
