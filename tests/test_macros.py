"""Variables in predefined replies and macros (issue 20), on SQLite and PostgreSQL (where each
service call runs as its actor's own login role: tests/personal.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from store import admin
from store import service as sv
from store.clock import utcnow
from store.errors import BadInput, Conflict, LockedByOther, NotAllowed, NotFound
from store.macros import add_macro, list_macros, remove_macro
from store.models import Holder, Message, Ticket, TicketEvent
from store.service.variables import expand, unfilled
from tests.desk import Desk, make_desk

TS, BILLING = "Technical support", "Billing"
EVERY = ("Hello {client.name} <{client.email}>, ticket #{ticket.id} ({ticket.subject}) in "
         "{department.name}, service {service.name} / {service.domain}. {staff.name}")


@pytest.fixture
def desk(store) -> Desk:
    return make_desk(store)


def template(desk: Desk, title: str, body: str, **scope) -> int:
    return admin.add_reply_template(desk.store, title, body, **scope).id


def messages(desk: Desk, tid: int) -> list[Message]:
    with desk.store.read() as s:
        return list(s.query(Message).filter(Message.ticket_id == tid).order_by(Message.id))


def ticket(desk: Desk, tid: int) -> Ticket:
    with desk.store.read() as s:
        return s.get(Ticket, tid)


# --- variables -------------------------------------------------------------------------------
def test_every_variable_is_filled_in(desk: Desk) -> None:
    tid = sv.open_ticket(desk.store, desk.john, TS, "Site down", "502", service_id=desk.domain_service)
    tpl = template(desk, "Every", EVERY)
    text = sv.render_template(desk.store, desk.alice, tpl, tid)
    assert text == (f"Hello John Doe <john@example.com>, ticket #{tid} (Site down) in Technical "
                    "support, service example.com / example.com. Alice Smith")


def test_the_first_waves_placeholders_keep_working(desk: Desk) -> None:
    tid = desk.open()
    tpl = template(desk, "Old", "Hi {client_name}, #{ticket_id}. {staff_name}")
    assert sv.render_template(desk.store, desk.alice, tpl, tid) == f"Hi John Doe, #{tid}. Alice Smith"


def test_an_empty_variable_refuses_and_names_it(desk: Desk) -> None:
    tid = desk.open()  # no service
    tpl = template(desk, "Svc", "About {service.name} ({service.domain}), {client.name}")
    with pytest.raises(NotAllowed, match=r"\{service\.name\}, \{service\.domain\}"):
        sv.render_template(desk.store, desk.alice, tpl, tid)
    shown = sv.expand_template(desk.store, desk.alice, tpl, tid)
    assert shown.text == "About {service.name} ({service.domain}), John Doe"
    assert [(p.variable, p.reason) for p in shown.problems] == [("service.name", "empty"),
                                                               ("service.domain", "empty")]


def test_an_unknown_variable_refuses_and_names_it(desk: Desk) -> None:
    tid = desk.open()
    tpl = template(desk, "Typo", "Hello {client.nmae} and {ticket.id}")
    with pytest.raises(NotAllowed, match=r"unknown variable \{client\.nmae\}"):
        sv.render_template(desk.store, desk.alice, tpl, tid)


def test_literal_braces_and_other_braces() -> None:
    values = {"client.name": "Ann"}
    assert expand("{{client.name}} is {client.name}; {{ }} {\"a\": 1} { x }", values).text == \
        "{client.name} is Ann; { } {\"a\": 1} { x }"
    assert expand("}}}", values).text == "}}"


def test_values_are_data_never_expanded_again(desk: Desk) -> None:
    hostile = admin.add_client(desk.store, "eve@example.net", "{ticket.id} [b]x[/b] {{ \x1b[31m")
    from store.actors import client_actor

    eve = client_actor(desk.store, hostile.email)
    tid = sv.open_ticket(desk.store, eve, TS, "{staff.name}", "hi")
    tpl = template(desk, "Hi", "Dear {client.name}: {ticket.subject}")
    text = sv.render_template(desk.store, desk.alice, tpl, tid)
    assert text == f"Dear {hostile.name}: {{staff.name}}"


def test_unfilled_names_what_the_agent_left() -> None:
    shown = expand("x {service.name} {nope}", {})
    assert unfilled(shown.text, shown.problems) == ["{service.name}", "{nope}"]
    assert unfilled("x edited", shown.problems) == []


# --- macros: setting up ------------------------------------------------------------------------
def test_add_list_remove(desk: Desk) -> None:
    template(desk, "Fixed", "Fixed, {client.name}.")
    made = add_macro(desk.store, "Fixed and close", "Fixed", close=True, delay_days=2,
                     assign_staff="carol", priority="high", comment="checked", department=TS)
    assert made.json() == {"id": made.id, "name": "Fixed and close", "template": "Fixed",
                           "scope": f"department: {TS}", "close": True, "delay_days": 2,
                           "assign_department": None, "assign_staff": "carol", "priority": "high",
                           "comment": "checked"}
    assert [m.name for m in list_macros(desk.store)] == ["Fixed and close"]
    with pytest.raises(Conflict):
        add_macro(desk.store, "fixed AND close", "Fixed")
    remove_macro(desk.store, "FIXED and close")
    assert list_macros(desk.store) == []
    with pytest.raises(NotFound):
        remove_macro(desk.store, "Fixed and close")


@pytest.mark.parametrize("kwargs, error", [
    ({"department": TS, "staff": "alice"}, BadInput),
    ({"assign_department": BILLING, "assign_staff": "bob"}, BadInput),
    ({"delay_days": 0}, BadInput), ({"delay_days": 99999}, BadInput),
    ({"priority": "huge"}, BadInput), ({"department": "Nope"}, NotFound),
    ({"assign_staff": "nobody"}, NotFound), ({"comment": "a\x00b"}, BadInput),
])
def test_a_bad_macro_is_refused_and_nothing_is_written(desk: Desk, kwargs, error) -> None:
    template(desk, "Fixed", "Fixed.")
    with pytest.raises(error):
        add_macro(desk.store, "M", "Fixed", **kwargs)
    assert list_macros(desk.store) == []


def test_a_macro_cant_hand_out_a_narrower_reply(desk: Desk) -> None:
    template(desk, "Mine", "Alice's own words.", staff="alice")
    template(desk, "Billing words", "Billing.", department=BILLING)
    with pytest.raises(NotFound):
        add_macro(desk.store, "For all", "Mine")
    with pytest.raises(NotFound):
        add_macro(desk.store, "TS", "Billing words", department=TS)
    with pytest.raises(NotFound):
        add_macro(desk.store, "Alice billing", "Billing words", staff="alice")
    assert add_macro(desk.store, "Alice's", "Mine", staff="alice").scope == "staff: alice"
    assert add_macro(desk.store, "Bob's", "Billing words", staff="bob").template == "Billing words"


# --- macros: applying --------------------------------------------------------------------------
def test_a_macro_replies_and_acts_in_one_go(desk: Desk) -> None:
    admin.set_setting(desk.store, "use_priority", "true")
    template(desk, "Fixed", "Fixed for you, {client.name}.")
    add_macro(desk.store, "Fixed", "Fixed", close=True, delay_days=3, assign_department=BILLING,
              priority="urgent", comment="root cause: disk full")
    tid, token = desk.taken()
    done = sv.apply_macro(desk.store, desk.alice, tid, "fixed", "Sorry for the wait.", token=token)
    assert done.closed and done.reply_id and done.internal_id
    bodies = [(m.kind, m.body) for m in messages(desk, tid)]
    assert ("staff", "Fixed for you, John Doe.\n\nSorry for the wait.") in bodies
    assert ("internal", "root cause: disk full") in bodies
    t = ticket(desk, tid)
    assert t.priority == 4
    assert t.locked_by_id is None and t.delayed_until > utcnow() + timedelta(days=2)
    with desk.store.read() as s:
        events = [e.action for e in s.query(TicketEvent).filter(TicketEvent.ticket_id == tid)]
        billing = s.query(Holder).filter(Holder.ticket_id == tid, Holder.department_id.isnot(None))
        assert any(h.is_open for h in billing)
    assert {"reply", "delay", "assign", "macro", "close"} <= set(events)
    assert sv.show(desk.store, desk.root, tid).department == BILLING


def test_a_macro_needs_the_lock(desk: Desk) -> None:
    template(desk, "Hi", "Hi.")
    add_macro(desk.store, "Hi", "Hi")
    tid, _ = desk.taken(desk.carol)
    with pytest.raises(LockedByOther):
        sv.apply_macro(desk.store, desk.alice, tid, "Hi")
    free = desk.open()
    with pytest.raises(NotAllowed, match="Assign ticket to me"):
        sv.apply_macro(desk.store, desk.alice, free, "Hi")
    assert len(messages(desk, tid)) == 1 and len(messages(desk, free)) == 1


def test_a_forbidden_action_refuses_in_one_sentence_and_changes_nothing(desk: Desk) -> None:
    template(desk, "Hi", "Hi {client.name}.")
    add_macro(desk.store, "Urgent", "Hi", priority="urgent", comment="c", assign_department=BILLING)
    tid, token = desk.taken()
    before = messages(desk, tid)
    with pytest.raises(NotAllowed, match="priorities are not used") as refused:
        sv.apply_macro(desk.store, desk.alice, tid, "Urgent", token=token)
    assert str(refused.value).count(".") == 1
    assert len(messages(desk, tid)) == len(before)
    t = ticket(desk, tid)
    assert t.locked_by_id == desk.alice.id and sv.show(desk.store, desk.root, tid).department == TS


def test_an_unfillable_variable_refuses_the_macro_whole(desk: Desk) -> None:
    template(desk, "Svc", "About {service.domain}.")
    add_macro(desk.store, "Svc", "Svc", close=True)
    tid, token = desk.taken()
    with pytest.raises(NotAllowed, match=r"\{service\.domain\}"):
        sv.apply_macro(desk.store, desk.alice, tid, "Svc", token=token)
    assert len(messages(desk, tid)) == 1 and ticket(desk, tid).locked_by_id == desk.alice.id


def test_macros_in_scope(desk: Desk) -> None:
    template(desk, "Hi", "Hi.")
    for name, scope in (("All", {}), ("TS", {"department": TS}), ("Billing", {"department": BILLING}),
                        ("Alice", {"staff": "alice"}), ("Bob", {"staff": "bob"})):
        add_macro(desk.store, name, "Hi", **scope)
    ts_ticket = desk.open()
    billing_ticket = desk.open(department=BILLING)
    assert [m.name for m in sv.macros_for(desk.store, desk.alice, ts_ticket)] == ["Alice", "All", "TS"]
    assert [m.name for m in sv.macros_for(desk.store, desk.bob, billing_ticket)] == ["All", "Billing", "Bob"]
    # A department's macro is for its members on its tickets: alice, holding a Billing ticket
    # through an assignment, still doesn't get Billing's macros.
    sv.assign(desk.store, desk.bob, billing_ticket, staff="alice")
    assert [m.name for m in sv.macros_for(desk.store, desk.alice, billing_ticket)] == ["Alice", "All"]
    token = sv.take(desk.store, desk.alice, billing_ticket).token
    with pytest.raises(NotAllowed, match="no macro named 'Billing' for you on ticket"):
        sv.apply_macro(desk.store, desk.alice, billing_ticket, "Billing", token=token)
    with pytest.raises(NotAllowed):
        sv.apply_macro(desk.store, desk.alice, billing_ticket, "Bob", token=token)
    assert len(messages(desk, billing_ticket)) == 2  # the client's and the assignment's


def test_a_reviewed_reply_is_sent_as_the_agent_left_it(desk: Desk) -> None:
    template(desk, "Hi", "Hi {client.name}.")
    add_macro(desk.store, "Hi", "Hi", comment="note", close=True)
    tid, token = desk.taken()
    macro, shown = sv.expand_macro(desk.store, desk.alice, tid, "Hi")
    assert shown.text == "Hi John Doe." and macro.actions() == ["internal comment", "close (Ok)"]
    sv.apply_macro(desk.store, desk.alice, tid, macro.id, "Hi John, edited.", reviewed=True,
                   internal="note, edited", token=token)
    assert [m.body for m in messages(desk, tid)][-2:] == ["Hi John, edited.", "note, edited"]


def test_bulk_reply_with_a_macro(desk: Desk) -> None:
    template(desk, "Outage", "The outage is over, {client.name}.")
    add_macro(desk.store, "Outage", "Outage", close=True, department=TS)
    mine, free = desk.taken()[0], desk.open()
    locked, _ = desk.taken(desk.carol)
    billing = desk.open(department=BILLING)
    assigned = desk.open(department=BILLING)  # alice sees it (assigned to her), not Billing's member
    sv.assign(desk.store, desk.bob, assigned, staff="alice")
    result = sv.run_bulk(desk.store, desk.alice, sv.Selection.of_ids([assigned]),
                         sv.BulkAction("reply", macro="Outage"))
    assert [(r.id, r.kind) for r in result.refused] == [(assigned, "refused")]
    assert "no macro named 'Outage' for you on ticket" in result.refused[0].reason
    with pytest.raises(NotFound):  # root is in no department: refused before any ticket
        sv.run_bulk(desk.store, desk.root, sv.Selection.of_ids([free]),
                    sv.BulkAction("reply", macro="Outage"))
    result = sv.run_bulk(desk.store, desk.alice, sv.Selection.of_ids([mine, free, locked, billing]),
                         sv.BulkAction("reply", body="Thanks.", macro="Outage"))
    assert sorted(result.done) == sorted([mine, free])
    assert {r.id: r.kind for r in result.refused} == {locked: "locked", billing: "not visible"}
    assert messages(desk, free)[-1].body == "The outage is over, John Doe.\n\nThanks."
    assert ticket(desk, free).locked_by_id is None
    with pytest.raises(NotFound):
        sv.run_bulk(desk.store, desk.bob, sv.Selection.of_ids([billing]),
                    sv.BulkAction("reply", macro="Outage"))
    with pytest.raises(BadInput):
        sv.BulkAction("close", macro="Outage").checked()
