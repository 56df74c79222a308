"""`ticket reply --template/--macro`, `ticket bulk reply --macro` and `macro add/list/remove`
(issue 20), on SQLite and PostgreSQL: exit 1 naming an unfillable variable, nothing written."""

from __future__ import annotations

import json

from tests.cli_tickets.commands import TS, new_ticket, ok, refused, run, show, taken
from tests.cli_tickets.conftest import url  # noqa: F401 - the help desk fixture


def template(url: str, title: str, body: str, *scope: str) -> None:
    ok(url, None, "reply-template", "add", title, "--body", body, *scope)


def bodies(url: str, tid: int) -> list[str]:
    return [m["body"] for m in show(url, "root", tid)["messages"]]


def test_reply_with_a_template_fills_it_in_before_the_body(url: str) -> None:
    template(url, "Hello", "Hello {client.name}, about #{ticket.id}: {{not a variable}}")
    tid = taken(url)
    assert ok(url, "alice", "ticket", "reply", str(tid), "--template", "hello", "--body", "PS.") == \
        f"Sent: ticket #{tid}.\n"
    assert bodies(url, tid)[-1] == f"Hello John Doe, about #{tid}: {{not a variable}}\n\nPS."


def test_an_unknown_or_empty_variable_refuses_with_exit_1_and_names_it(url: str) -> None:
    template(url, "Typo", "Hi {client.nmae}, your {service.domain}")
    tid = taken(url)
    line = refused(url, 1, "alice", "ticket", "reply", str(tid), "--template", "Typo")
    assert "{client.nmae}" in line and "{service.domain}" in line
    assert refused(url, 1, "alice", "ticket", "reply", str(tid), "--template", "Nope") == \
        "Error: There is no predefined reply titled 'Nope' for you."


def test_macro_add_list_apply_remove(url: str) -> None:
    template(url, "Fixed", "Fixed, {client.name}.")
    out = ok(url, None, "macro", "add", "Fixed it", "--template", "Fixed", "--close",
             "--delay-days", "2", "--assign-department", "Billing", "--comment", "disk full",
             "--department", TS)
    assert out.startswith("Macro 'Fixed it' added (id ")
    assert out.endswith("internal comment, delay 2 days, assign to Billing, close (Ok).\n")
    listed = json.loads(ok(url, None, "macro", "list", "--json"))
    assert [(m["name"], m["scope"], m["close"], m["delay_days"]) for m in listed] == \
        [("Fixed it", f"department: {TS}", True, 2)]
    tid = taken(url)
    assert ok(url, "alice", "ticket", "reply", str(tid), "--macro", "fixed it").startswith(
        "Macro Fixed it: ")
    detail = show(url, "root", tid)
    assert detail["department"] == "Billing" and detail["locked_by"] is None
    assert detail["delayed_until"] is not None
    assert [m["body"] for m in detail["messages"] if m["kind"] in ("staff", "internal")] == \
        ["Fixed, John Doe.", "disk full"]
    assert ok(url, None, "macro", "remove", "Fixed it") == "Macro 'Fixed it' removed.\n"
    assert refused(url, 1, None, "macro", "remove", "Fixed it") == \
        "Error: There is no macro named 'Fixed it'."


def test_a_macro_refused_changes_nothing(url: str) -> None:
    template(url, "Hi", "Hi.")
    ok(url, None, "macro", "add", "Urgent", "--template", "Hi", "--priority", "urgent", "--close")
    ok(url, None, "macro", "add", "Billing's", "--template", "Hi", "--department", "Billing")
    tid = taken(url)
    line = refused(url, 1, "alice", "ticket", "reply", str(tid), "--macro", "Urgent")
    assert "priorities are not used" in line
    assert refused(url, 1, "alice", "ticket", "reply", str(tid), "--macro", "Billing's") == \
        f"Error: There is no macro named 'Billing's' for you on ticket #{tid}."
    assert refused(url, 1, "carol", "ticket", "reply", str(tid), "--macro", "Urgent").startswith(
        f"Error: Ticket #{tid} is locked by alice")
    refused(url, 2, "alice", "ticket", "reply", str(tid), "--macro", "Urgent", "--template", "Hi")
    refused(url, 2, "john@example.com", "ticket", "reply", str(tid), "--macro", "Urgent")


def test_bad_macros_are_refused(url: str) -> None:
    template(url, "Hi", "Hi.")
    refused(url, 2, None, "macro", "add", "M", "--template", "Hi", "--delay-days", "0")
    refused(url, 2, None, "macro", "add", "M", "--template", "Hi", "--assign-department", TS,
            "--assign-staff", "bob")
    refused(url, 1, None, "macro", "add", "M", "--template", "Nope")
    ok(url, None, "macro", "add", "M", "--template", "Hi")
    refused(url, 1, None, "macro", "add", "m", "--template", "Hi")


def test_hostile_names_are_printed_as_plain_text(url: str) -> None:
    template(url, "Hi", "Hi.")
    ok(url, None, "macro", "add", "Bad \x1b[31mred\x1b[0m", "--template", "Hi")
    out = ok(url, None, "macro", "list")
    assert "\x1b" not in out and "Bad red" in out
    tid = taken(url)
    out = ok(url, "alice", "ticket", "reply", str(tid), "--macro", "Bad \x1b[31mred\x1b[0m")
    assert out == f"Macro Bad red: send: ticket #{tid}.\n"


def test_bulk_reply_with_a_macro(url: str) -> None:
    template(url, "Outage", "Back up, {client.name}.")
    ok(url, None, "macro", "add", "Outage", "--template", "Outage", "--close")
    tids = [new_ticket(url) for _ in range(2)]
    by_carol = taken(url, "carol")
    result = run(url, "alice", "ticket", "bulk", "reply", "--ids",
                 ",".join(map(str, tids + [by_carol])), "--macro", "Outage", "--body", "Sorry.")
    assert result.exit_code == 1
    assert result.stdout == f"2 answered, 1 locked by others: #{by_carol} (carol)\n"
    for tid in tids:
        assert bodies(url, tid)[-1] == "Back up, John Doe.\n\nSorry."
        assert show(url, "root", tid)["status"] == "Awaiting response from client"
    refused(url, 2, "alice", "ticket", "bulk", "close", "--ids", str(tids[0]), "--macro", "Outage")
    refused(url, 1, "alice", "ticket", "bulk", "reply", "--ids", str(tids[0]), "--macro", "Nope")
