"""`ticket undo-send ID`, and the release every command makes first (undo send)."""

from __future__ import annotations

from datetime import timedelta

from store import clock as store_clock
from tests.cli_tickets.commands import JOHN, listed, ok, refused, show, taken


def test_undo_send_from_the_command_line(url: str, monkeypatch) -> None:
    ok(url, None, "settings", "set", "send_delay_seconds", "10")
    tid = taken(url)
    out = ok(url, "alice", "ticket", "reply", str(tid), "--body", "Fixed.", "--close")
    assert "undo-send" in out
    assert show(url, "root", tid)["messages"][-1]["held_until"]
    assert [m["body"] for m in show(url, JOHN, tid)["messages"]] == ["example.com is down"]
    assert "Only alice" in refused(url, 1, "carol", "ticket", "undo-send", str(tid))
    assert ok(url, "alice", "ticket", "undo-send", str(tid)).startswith("Undone: ticket")
    d = show(url, "root", tid)
    assert d["locked_by"] == "alice" and d["status"] == "In progress"
    assert [m["body"] for m in d["messages"]] == ["example.com is down"]
    assert "too late" in refused(url, 1, "alice", "ticket", "undo-send", str(tid))

    ok(url, "alice", "ticket", "reply", str(tid), "--body", "Fixed, really.")
    moment = store_clock.utcnow() + timedelta(seconds=11)
    monkeypatch.setattr(store_clock, "utcnow", lambda: moment)
    # any command releases it first: here the client's own list, which then shows it unread
    assert listed(url, JOHN)[tid]["status"] == "New messages"
    assert "held_until" not in show(url, "root", tid)["messages"][-1]
    assert "too late" in refused(url, 1, "alice", "ticket", "undo-send", str(tid))
    refused(url, 2, "alice", "ticket", "undo-send", "x")
