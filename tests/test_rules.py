"""Response rules (issue 19), in the store, on SQLite and PostgreSQL (where each service call
runs as its actor's own login, and the queued rules are run as the operator's `rule run`)."""

from __future__ import annotations

import pytest

from store import admin
from store import service as sv
from store.actors import client_actor
from store.errors import BadInput, Conflict, NotAllowed
from store.rules.manage import list_rules, move_rule, remove_rule, rules_that_would_fire, set_away
from tests.desk import Desk, make_desk
from tests.rules_desk import BILLING, TS, opened, rule, rows, settle, system_lines, ticket_row


@pytest.fixture
def desk(store) -> Desk:
    return make_desk(store)


def test_add_list_move_remove(desk: Desk) -> None:
    rule(desk, "ssl", words=["ssl", "certificate"], assign_department=BILLING, stop=True)
    rule(desk, "urgent", on="client-message", department=TS, priority="urgent", top=True)
    rule(desk, "first", client_domain="example.com", comment="VIP domain", position=1)
    assert [(r.name, r.position) for r in list_rules(desk.store)] == [
        ("first", 1), ("ssl", 2), ("urgent", 3)]
    ssl = list_rules(desk.store)[1]
    assert ssl.json() == {"id": ssl.id, "name": "ssl", "on": "new", "position": 2,
                          "conditions": {"words": ["ssl", "certificate"]},
                          "actions": {"assign_department": BILLING}, "stop": True}
    assert ssl.when() == "if words ssl, certificate"
    assert ssl.then() == "assign to Billing, stop here"
    move_rule(desk.store, None, "urgent", 1)
    assert [r.name for r in list_rules(desk.store)] == ["urgent", "first", "ssl"]
    remove_rule(desk.store, None, "first")
    assert [(r.name, r.position) for r in list_rules(desk.store)] == [("urgent", 1), ("ssl", 2)]


@pytest.mark.parametrize("bad, sentence", [
    ({"assign_department": "Nowhere"}, "no department named 'Nowhere'"),
    ({"assign_staff": "nobody"}, "no staff member with the login 'nobody'"),
    ({"assign_staff": "alice", "round_robin": True}, "not both"),
    ({"on": "close", "top": True}, "runs on new or client-message"),
    ({"priority": "extreme"}, "priorit"),
    ({"reply": "No such reply"}, "no predefined reply"),
    ({"department": TS}, "at least one action"),
    ({"service_kind": "boat", "top": True}, "service kind"),
    ({"client": "who@nowhere.example", "top": True}, "no client"),
    ({"balance_below": "abc", "top": True}, "not a valid balance"),
])
def test_bad_rules_are_refused_in_one_sentence_and_nothing_changes(desk: Desk, bad, sentence) -> None:
    with pytest.raises(BadInput, match=sentence):
        rule(desk, "bad", **bad)
    assert list_rules(desk.store) == []


def test_names_are_unique_and_only_administrators_manage_rules(desk: Desk) -> None:
    rule(desk, "One", top=True)
    with pytest.raises(Conflict):
        rule(desk, "one", top=True)
    from store.rules.manage import add_rule

    with pytest.raises(NotAllowed):
        add_rule(desk.store, desk.alice, "Two", top=True)
    with pytest.raises(NotAllowed):
        remove_rule(desk.store, desk.alice, "One")
    add_rule(desk.store, desk.root, "Two", top=True)
    assert [r.name for r in list_rules(desk.store, desk.root)] == ["One", "Two"]


CONDITIONS = [
    ({"department": TS}, {"department": BILLING}),
    ({"client": "john@example.com"}, {"client": "mary@example.org"}),
    ({"client_domain": "example.com"}, {"client_domain": "example.org"}),
    ({"words": ["SSL"]}, {"words": ["ss"]}),
    ({"words": ["nothing", "expired"]}, {"words": ["expire"]}),
    ({"sender": "*@example.com"}, {"sender": "mary@*"}),
    ({"balance_below": "0.01"}, {"balance_below": "-1"}),
    ({"incidents_below": 1}, {"incidents_below": 0}),
]


@pytest.mark.parametrize("matching, other", CONDITIONS)
def test_each_condition(desk: Desk, matching: dict, other: dict) -> None:
    rule(desk, "yes", **matching, comment="matched")
    rule(desk, "no", **other, comment="not meant to match")
    tid = opened(desk, "The SSL certificate", "It expired (sslv3 too).")
    assert system_lines(desk.store, tid) == ['Rule "yes": internal comment added.']
    assert rows(desk.store, "SELECT body FROM messages WHERE ticket_id = :t AND kind = 'internal'",
                t=tid) == [("matched",)]


def test_service_kind(desk: Desk) -> None:
    rule(desk, "domains", service_kind="domain", priority="high")
    plain = opened(desk)
    with_service = sv.open_ticket(desk.store, desk.john, TS, "DNS", "help",
                                  service_id=desk.domain_service)
    settle(desk.store)
    assert ticket_row(desk.store, plain)[2] == 2
    assert ticket_row(desk.store, with_service)[2] == 3


def test_each_action(desk: Desk) -> None:
    admin.add_reply_template(desk.store, "Got it", "Hello {client.name}, ticket #{ticket.id} "
                             "is with {department.name}.")
    rule(desk, "all", assign_department=BILLING, assign_staff="bob", priority="urgent", top=True,
         comment="routed", favorite="carol", reply="Got it")
    tid = opened(desk)
    assert ticket_row(desk.store, tid) == (BILLING, "bob", 4, True)
    assert system_lines(desk.store, tid) == [
        'Rule "all": assigned to "Billing"; assigned to "Bob Brown"; priority set to urgent; '
        "placed at the beginning of the queue; internal comment added; added to carol's "
        "favorites; answered with 'Got it'."]
    holders = rows(desk.store, "SELECT d.name, s.login, h.is_open FROM holders h LEFT JOIN "
                   "departments d ON d.id = h.department_id LEFT JOIN staff s ON s.id = h.staff_id "
                   "WHERE h.ticket_id = :t ORDER BY h.id", t=tid)
    assert holders == [(TS, None, False), (BILLING, None, True), (None, "bob", True)]
    assert rows(desk.store, "SELECT staff_id FROM favorites WHERE ticket_id = :t", t=tid) == [
        (desk.carol.id,)]
    answer = rows(desk.store, "SELECT body, author_staff_id FROM messages WHERE ticket_id = :t "
                              "AND kind = 'staff'", t=tid)
    assert answer == [(f"Hello John Doe, ticket #{tid} is with Billing.", None)]
    shown = sv.show(desk.store, desk.john, tid)  # the client reads the answer
    assert any("is with Billing" in m.body for m in shown.messages)
    assert [e[0] for e in rows(desk.store, "SELECT detail FROM ticket_events WHERE ticket_id = :t "
                                           "AND action = 'rule'", t=tid)][0].startswith("all: ")


def test_order_and_stop(desk: Desk) -> None:
    rule(desk, "low", priority="low")
    rule(desk, "high", priority="high", stop=True)
    rule(desk, "never", priority="urgent")
    tid = opened(desk)
    assert ticket_row(desk.store, tid)[2] == 3
    assert system_lines(desk.store, tid) == ['Rule "low": priority set to low.',
                                             'Rule "high": priority set to high.']
    move_rule(desk.store, None, "never", 1)
    second = opened(desk)
    assert ticket_row(desk.store, second)[2] == 3  # urgent, then low, then high, stop


def test_a_rule_runs_once_per_event(desk: Desk) -> None:
    from store.rules.engine import run_event

    rule(desk, "comment", comment="once")
    tid = opened(desk)
    first = rows(desk.store, "SELECT min(id) FROM messages WHERE ticket_id = :t", t=tid)[0][0]
    with desk.store.write() as s:  # a second delivery of the same event
        assert run_event(s, tid, "new", first) == []
    assert system_lines(desk.store, tid) == ['Rule "comment": internal comment added.']
    assert rows(desk.store, "SELECT count(*) FROM rule_runs WHERE ticket_id = :t", t=tid) == [(1,)]


def test_client_message_rules_run_on_each_client_message_only(desk: Desk) -> None:
    rule(desk, "nudge", on="client-message", words=["again"], top=True, comment="asked again")
    tid = opened(desk, body="again")  # new: not a client-message
    assert system_lines(desk.store, tid) == []
    sv.client_reply(desk.store, desk.john, tid, "nothing")
    settle(desk.store)
    assert system_lines(desk.store, tid) == []
    sv.client_reply(desk.store, desk.john, tid, "Again, please!")
    settle(desk.store)
    assert system_lines(desk.store, tid) == ['Rule "nudge": placed at the beginning of the queue; '
                                             "internal comment added."]
    sv.client_reply(desk.store, desk.john, tid, "and again")
    settle(desk.store)
    assert len(system_lines(desk.store, tid)) == 2  # once per message


def test_rules_that_send_to_each_other_do_not_loop(desk: Desk) -> None:
    rule(desk, "to billing", department=TS, assign_department=BILLING)
    rule(desk, "back to support", department=BILLING, assign_department=TS)
    tid = opened(desk)
    assert ticket_row(desk.store, tid)[0] == TS
    assert system_lines(desk.store, tid) == ['Rule "to billing": assigned to "Billing".',
                                             'Rule "back to support": assigned to "Technical support".']
    assert settle(desk.store) == 0  # a rule's assignment is no event: nothing more to run
    sv.assign(desk.store, desk.carol, tid, department=BILLING)  # nor is a person's
    assert settle(desk.store) == 0
    assert len(system_lines(desk.store, tid)) == 3


def test_round_robin_is_fair_and_passes_the_away_by(desk: Desk) -> None:
    admin.add_staff(desk.store, "dave", "Dave Doe", [TS])
    rule(desk, "rr", round_robin=True)
    order = [ticket_row(desk.store, opened(desk))[1] for _ in range(6)]
    assert order == ["alice", "carol", "dave"] * 2
    set_away(desk.store, desk.carol, "carol")
    with pytest.raises(NotAllowed):
        set_away(desk.store, desk.alice, "dave")
    assert [ticket_row(desk.store, opened(desk))[1] for _ in range(3)] == ["alice", "dave", "alice"]
    set_away(desk.store, None, "carol", away=False)
    assert ticket_row(desk.store, opened(desk))[1] == "carol"


def test_round_robin_with_everyone_away(desk: Desk) -> None:
    rule(desk, "rr", assign_department=BILLING, round_robin=True)
    set_away(desk.store, desk.bob, "bob")
    tid = opened(desk)
    assert ticket_row(desk.store, tid)[:2] == (BILLING, None)
    assert "everyone is away" in system_lines(desk.store, tid)[0]


def test_an_answer_with_a_variable_it_cannot_fill_is_not_sent(desk: Desk) -> None:
    admin.add_reply_template(desk.store, "Svc", "About {service.name}")
    rule(desk, "answer", reply="Svc")
    tid = opened(desk)
    assert rows(desk.store, "SELECT count(*) FROM messages WHERE ticket_id = :t AND kind = 'staff'",
                t=tid) == [(0,)]
    assert "no automatic answer" in system_lines(desk.store, tid)[0]


def test_rule_test_names_what_would_fire_and_changes_nothing(desk: Desk) -> None:
    tid = opened(desk, "SSL", "cert")
    rule(desk, "ssl", words=["ssl"], assign_department=BILLING)
    rule(desk, "billing", department=BILLING, top=True, stop=True)
    rule(desk, "after stop", top=True)
    rule(desk, "other", words=["dns"], top=True)
    before = rows(desk.store, "SELECT count(*) FROM messages")
    assert rules_that_would_fire(desk.store, None, tid) == ["ssl", "billing"]
    assert rules_that_would_fire(desk.store, None, tid, "client-message") == []
    assert rows(desk.store, "SELECT count(*) FROM messages") == before
    assert ticket_row(desk.store, tid)[0] == TS
    with pytest.raises(NotAllowed):
        rules_that_would_fire(desk.store, desk.alice, tid)


def test_hostile_text_in_a_rule_is_data(desk: Desk) -> None:
    rule(desk, "[b]x[/b] \x1b", words=["a.b*"], comment="{ticket.id} [red]")
    eve = client_actor(desk.store, admin.add_client(desk.store, "eve@example.net", "Eve").email)
    tid = sv.open_ticket(desk.store, eve, TS, "a.b* and axb", "x")
    settle(desk.store)
    assert system_lines(desk.store, tid) == ['Rule "[b]x[/b] \x1b": internal comment added.']
    assert rows(desk.store, "SELECT body FROM messages WHERE kind = 'internal'") == [("{ticket.id} [red]",)]
