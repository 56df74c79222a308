"""`ticket-tui rule add/list/remove/move/test/run` and `staff away` (issue 19), on SQLite and
PostgreSQL: the issue's options, exit 2 with one sentence and nothing changed on bad input."""

from __future__ import annotations

import json

import pytest

from tests.cli_tickets.commands import BILLING, JOHN, TS, ok, refused, show
from tests.cli_tickets.conftest import url  # noqa: F401 - the help desk fixture


def new_ticket(url: str, subject: str = "SSL broken", body: str = "The certificate expired") -> int:
    return int(ok(url, JOHN, "ticket", "new", "--department", TS, "--subject", subject,
                  "--body", body))


def test_the_issues_command_line(url: str) -> None:
    before = new_ticket(url)  # opened before any rule: `rule test` says what would fire
    ok(url, None, "reply-template", "add", "Got it", "--body", "Hello {client.name}, #{ticket.id}.")
    out = ok(url, None, "rule", "add", "ssl", "--on", "new", "--if-department", TS,
             "--if-words", "ssl", "--if-words", "certificate", "--if-client-domain", "example.com",
             "--then-assign-department", BILLING, "--then-priority", "high", "--then-top",
             "--then-comment", "Certificates are Billing's", "--stop")
    assert out == ("Rule 'ssl' added at position 1: on new, if department is Technical support "
                   "and client's domain is example.com and words ssl, certificate: assign to "
                   "Billing, priority high, place first, comment \"Certificates are Billing's\", "
                   "stop here.\n")
    ok(url, None, "rule", "add", "ack", "--then-assign-staff", "bob", "--then-reply", "Got it")
    ok(url, None, "rule", "add", "vps", "--if-service-kind", "vps", "--then-round-robin",
       "--then-favorite", "carol", "--on", "client-message")
    listed = json.loads(ok(url, None, "rule", "list", "--json"))
    assert [(r["name"], r["position"], r["on"]) for r in listed] == [
        ("ssl", 1, "new"), ("ack", 2, "new"), ("vps", 3, "client-message")]
    assert listed[1]["actions"] == {"assign_staff": "bob", "reply": "Got it"}
    assert ok(url, None, "rule", "test", str(before)) == "ssl\n"
    assert show(url, "root", before)["department"] == TS  # changing nothing
    tid = new_ticket(url)
    thread = show(url, "root", tid)
    assert thread["department"] == BILLING
    assert [m["body"] for m in thread["messages"] if m["kind"] == "system"] == [
        'Rule "ssl": assigned to "Billing"; priority set to high; placed at the beginning of the '
        "queue; internal comment added."]
    ok(url, None, "rule", "move", "ack", "1")
    assert ok(url, None, "rule", "test", str(before)) == "ack\nssl\n"
    other = new_ticket(url, "Hello", "nothing special")
    assert [m["body"] for m in show(url, "root", other)["messages"]][-2:] == [
        f"Hello John Doe, #{other}.", 'Rule "ack": assigned to "Bob Brown"; answered with \'Got it\'.']
    ok(url, None, "rule", "remove", "ssl")
    assert ok(url, None, "rule", "list").splitlines() == [
        '1. ack [on new] always: assign to bob, answer with "Got it"',
        "2. vps [on client-message] if service kind is vps: round-robin, favorite of carol"]
    assert ok(url, None, "rule", "run") == "0 events run.\n"


@pytest.mark.parametrize("args, sentence", [
    (["--then-assign-department", "Nowhere"], "There is no department named 'Nowhere'."),
    (["--if-department", TS], "A rule needs at least one action (--then-...), or stop here (--stop)."),
    (["--then-top", "--if-inside-hours", "--if-outside-hours"], "not both"),
    (["--then-assign-staff", "bob", "--then-round-robin"], "not both"),
    (["--then-priority", "whenever"], "priority"),
    (["--then-reply", "Nope"], "There is no predefined reply titled 'Nope'."),
    (["--then-favorite", "nobody"], "no staff member"),
    (["--then-policy", "Billing/urgent"], "Billing has no response-target policy for urgent priority."),
])
def test_bad_input_is_one_sentence_exit_2_and_changes_nothing(url: str, args, sentence) -> None:
    assert sentence in refused(url, 2, None, "rule", "add", "bad", *args)


def test_only_administrators_manage_rules(url: str) -> None:
    assert refused(url, 1, "alice", "rule", "add", "x", "--then-top") == \
        "Error: Only administrators manage response rules."
    ok(url, "root", "rule", "add", "x", "--then-top")
    assert refused(url, 1, "alice", "rule", "remove", "x") == \
        "Error: Only administrators manage response rules."
    assert refused(url, 1, None, "rule", "remove", "y") == "Error: There is no rule named 'y'."
    assert refused(url, 1, None, "rule", "test", "999") == "Error: There is no ticket #999."


def test_staff_away_and_back(url: str) -> None:
    ok(url, None, "rule", "add", "rr", "--then-round-robin")
    assert ok(url, "alice", "staff", "away", "alice") == "alice is away.\n"
    assert refused(url, 1, "alice", "staff", "away", "carol") == \
        "Error: Only administrators mark someone else away or back."
    assert show(url, "root", new_ticket(url))["responsible"] == "carol"
    assert show(url, "root", new_ticket(url))["responsible"] == "carol"
    ok(url, None, "staff", "away", "alice", "--back")
    assert show(url, "root", new_ticket(url))["responsible"] == "alice"


def test_a_rule_applies_a_policy(url: str) -> None:
    ok(url, None, "sla", "set", "--department", BILLING, "--priority", "urgent",
       "--first-response", "15")
    assert ok(url, None, "rule", "add", "vip", "--if-words", "vip", "--then-policy",
              f"{BILLING}/urgent") == ("Rule 'vip' added at position 1: on new, if words vip: "
                                       'apply policy "Billing/urgent".\n')
    assert ok(url, None, "rule", "list") == \
        '1. vip [on new] if words vip: apply policy "Billing/urgent"\n'
    tid = new_ticket(url, "VIP", "I am a VIP")
    assert ok(url, None, "rule", "test", str(tid)) == "vip\n"
    assert [m["body"] for m in show(url, "root", tid)["messages"] if m["kind"] == "system"] == [
        'Rule "vip": response targets of "Billing/urgent" applied.']
