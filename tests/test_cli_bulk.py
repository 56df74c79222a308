"""`ticket-tui ticket bulk` (issue 20), on SQLite and PostgreSQL: each action, the JSON and the
exit codes (1: a ticket was refused; 2: bad usage, nothing written), a run id run again."""

from __future__ import annotations

import json

import pytest

from tests.cli_tickets.commands import JOHN, listed, new_ticket, ok, refused, run, show, taken
from tests.cli_tickets.conftest import url  # noqa: F401 - the help desk fixture


def bulk(url: str, who: str, *args: str):
    return run(url, who, "ticket", "bulk", *args)


def test_close_by_ids_names_what_it_skipped(url: str) -> None:
    free, by_carol = new_ticket(url), taken(url, "carol")
    billing = new_ticket(url, department="Billing")
    result = bulk(url, "alice", "close", "--ids", f"{free},{by_carol},{billing}")
    assert result.exit_code == 1
    assert result.stdout == (f"1 closed, 1 locked by others: #{by_carol} (carol); "
                             f"1 not visible to you: #{billing}\n")
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"#{by_carol}: Ticket #{by_carol} is locked by carol (Carol Jones)")
    assert lines[1] == f"#{billing}: Ticket #{billing} is not held by your departments, so you can't see it."
    assert show(url, "root", free)["status"] == "Awaiting response from client"
    assert show(url, "root", by_carol)["locked_by"] == "carol"


def test_json_lists_done_and_refused_and_exit_0_when_all_done(url: str) -> None:
    tids = [new_ticket(url) for _ in range(3)]
    out = ok(url, "alice", "ticket", "bulk", "take", "--ids", ",".join(map(str, tids)), "--json")
    assert json.loads(out) == {"done": tids, "refused": []}
    by_alice = tids[0]
    result = bulk(url, "carol", "reply", "--view", "queue", "--body", "On it.", "--json")
    assert result.exit_code == 1
    got = json.loads(result.stdout)
    assert got["done"] == [] and [r["id"] for r in got["refused"]] == tids
    assert got["refused"][0]["reason"].startswith(f"Ticket #{by_alice} is locked by alice")


def test_a_view_with_search_and_client_filter_selects_as_the_list_does(url: str) -> None:
    bounces = [new_ticket(url, subject="Mail bounces") for _ in range(2)]
    other = new_ticket(url, subject="Invoice wrong")
    out = ok(url, "alice", "ticket", "bulk", "reply", "--view", "queue", "--search", "bounces",
             "--filter-client", JOHN, "--body", "The mail server is back.", "--close")
    assert out == "2 answered and closed\n"
    rows = listed(url, "alice", "--view", "all")
    assert [rows[t]["status"] for t in bounces] == ["Awaiting response from client"] * 2
    assert rows[other]["status"] == "In progress"
    assert show(url, "root", bounces[0])["messages"][-1]["body"] == "The mail server is back."


def test_assign_delay_priority_favorite_unfavorite(url: str) -> None:
    tids = [new_ticket(url) for _ in range(2)]
    ids = ",".join(map(str, tids))
    assert ok(url, "alice", "ticket", "bulk", "favorite", "--ids", ids) == "2 added to favorites\n"
    assert set(listed(url, "alice", "--view", "favorites")) == set(tids)
    assert ok(url, "alice", "ticket", "bulk", "unfavorite", "--ids", ids) == "2 removed from favorites\n"
    assert ok(url, "alice", "ticket", "bulk", "delay", "--ids", ids, "--until", "3d") == "2 delayed\n"
    assert set(listed(url, "alice", "--view", "delayed")) == set(tids)
    ok(url, None, "settings", "set", "use_priority", "true")
    assert ok(url, "alice", "ticket", "bulk", "priority", "--ids", ids, "--priority", "high") == (
        "2 given high priority\n")
    assert [show(url, "root", t)["priority"] for t in tids] == ["high", "high"]
    assert [show(url, "root", t)["locked_by"] for t in tids] == [None, None]
    assert ok(url, "alice", "ticket", "bulk", "assign", "--ids", ids, "--department", "Billing") == (
        "2 assigned to Billing\n")
    assert [show(url, "root", t)["department"] for t in tids] == ["Billing", "Billing"]
    assert ok(url, "alice", "ticket", "bulk", "assign", "--ids", ids, "--staff", "bob") == (
        "2 assigned to bob\n")


def test_reply_with_a_predefined_reply(url: str) -> None:
    ok(url, None, "reply-template", "add", "Outage", "--body", "Dear {client_name}, it works again.")
    tid = new_ticket(url)
    assert ok(url, "alice", "ticket", "bulk", "reply", "--ids", str(tid), "--template", "Outage") == (
        "1 answered\n")
    assert show(url, "root", tid)["messages"][-1]["body"] == "Dear John Doe, it works again."


def test_a_run_again_with_its_run_id_answers_nothing_twice(url: str) -> None:
    tids = [new_ticket(url) for _ in range(2)]
    ids = ",".join(map(str, tids))
    args = ("ticket", "bulk", "reply", "--ids", ids, "--body", "Fixed.", "--run-id", "outage-1")
    assert ok(url, "alice", *args) == "2 answered\n"
    assert ok(url, "alice", *args) == "2 answered (2 of them by the earlier run outage-1)\n"
    for t in tids:
        assert [m["body"] for m in show(url, "root", t)["messages"] if m["kind"] == "staff"] == ["Fixed."]


@pytest.mark.parametrize("args, words", [
    (("close", "--ids", "1", "--view", "all"), "not both"),
    (("close",), "not both"),
    (("close", "--ids", "1", "--search", "x"), "go with --view"),
    (("close", "--ids", "1,x"), "'x' is not a ticket id"),
    (("delay", "--ids", "1", "--until", "someday"), "'someday' is not a date"),
    (("delay", "--ids", "1", "--until", "2001-01-01"), "has passed"),
    (("close", "--ids", "1", "--department", "Billing"), "--department does not go with bulk close"),
    (("assign", "--ids", "1"), "exactly one"),
    (("priority", "--ids", "1", "--priority", "huge"), "not a priority"),
    (("reply", "--ids", "1"), "Write the reply"),
    (("take", "--ids", "1", "--run-id", "a b"), "run id"),
])
def test_bad_usage_exits_2_and_writes_nothing(url: str, args, words: str) -> None:
    new_ticket(url)
    assert words in refused(url, 2, "alice", "ticket", "bulk", *args)


def test_an_unknown_view_or_action_is_bad_usage(url: str) -> None:
    for args in (("close", "--view", "everything"), ("explode", "--ids", "1")):
        result = bulk(url, "alice", *args)
        assert result.exit_code == 2 and "Invalid value" in result.stderr


def test_bulk_is_loaded_only_when_it_runs() -> None:
    import cli.bulk
    import cli.tickets

    assert cli.tickets.ticket.lazy_commands == {"bulk": "cli.bulk:bulk"}
    assert cli.tickets.ticket.get_command(None, "bulk") is cli.bulk.bulk


def test_on_a_terminal_it_shows_progress_and_ctrl_c_stops_between_tickets(url: str) -> None:
    """stderr a terminal: progress there, and SIGINT (Ctrl+C) stops the run after the ticket in
    hand; its run id finishes the rest."""
    import os
    import pty
    import re
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    tids = [new_ticket(url, subject=f"Down {i}") for i in range(60)]
    cli = str(Path(sys.executable).with_name("ticket-tui"))
    command = [cli, "--db", url, "--as", "alice", "ticket", "bulk", "close", "--ids",
               ",".join(map(str, tids))]
    master, slave = pty.openpty()
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=slave, text=True)
    os.close(slave)
    seen, deadline = "", time.monotonic() + 60
    while max(map(int, re.findall(r"(\d+) of 60", seen)), default=0) < 3:
        assert time.monotonic() < deadline and child.poll() is None, seen
        seen += os.read(master, 4096).decode()
    child.send_signal(signal.SIGINT)
    out, _ = child.communicate(timeout=60)
    rest = b""
    try:
        while chunk := os.read(master, 4096):
            rest += chunk
    except OSError:  # the terminal's other end is closed
        pass
    os.close(master)
    assert child.returncode == 130, (out, rest)
    done = int(out.split(" closed")[0])
    assert 3 <= done < 60 and out.endswith(f", stopped, {60 - done} not touched\n")
    run_id = rest.decode().split("--run-id ")[1].split()[0]
    closed = [t for t, row in listed(url, "alice", "--view", "all").items()
              if row["status"] == "Awaiting response from client"]
    assert sorted(closed) == tids[:done]
    again = bulk(url, "alice", "close", "--ids", ",".join(map(str, tids)), "--run-id", run_id)
    assert again.exit_code == 0
    assert again.stdout == f"60 closed ({done} of them by the earlier run {run_id})\n"
