"""The response rules' "apply a policy" (issue 19), on SQLite and PostgreSQL (there the rule
runs as the operator's `rule run`, the due times are the trigger's): the rule's policy gives the
ticket its targets whatever its department and priority, a priority change keeps it, its removal
(`sla remove`) sends the ticket back to its own lookup at its next event; `rule test` names the
rule; a policy that does not exist is refused. And at psql: no login writes the applied policy;
migration 0019 goes down and up again with the data."""

from __future__ import annotations

from datetime import timedelta

import pytest

from store import admin
from store import service as sv
from store.db import HEAD
from store.errors import BadInput
from store.rules.manage import list_rules, rules_that_would_fire
from store.sla import policy, step
from tests.desk import Desk, make_desk
from tests.rules_desk import BILLING, TS, opened, rule, rows, settle


@pytest.fixture
def desk(store) -> Desk:
    d = make_desk(store)
    admin.set_setting(store, "use_priority", "true")
    policy.set_policy(store, TS, None, 60, 30, 480)  # always open: no hours set
    policy.set_policy(store, BILLING, "urgent", 15, None, 120)
    rule(d, "vip", words=["vip"], policy="Billing/urgent")
    return d


def targets(store, tid: int) -> tuple:
    return rows(store, "SELECT first_target, next_target, resolution_target FROM ticket_sla "
                       "WHERE ticket_id = :t", t=tid)[0]


def applied(store, tid: int):
    return rows(store, "SELECT sla_policy_id FROM tickets WHERE id = :t", t=tid)[0][0]


def test_the_rule_applies_its_policy(desk: Desk) -> None:
    tid = opened(desk, "VIP customer", "Our shop is down")
    assert targets(desk.store, tid) == (15, None, 120)
    with desk.store.sql() as q:
        row = step.load(q, tid)
    # Both clocks started at the rule's event: the due times are the policy's minutes apart.
    assert row["resolution_due"] - row["first_due"] == timedelta(minutes=120 - 15)
    assert row["policy_id"] == applied(desk.store, tid) is not None
    other = opened(desk, "Hello", "nothing special")
    assert targets(desk.store, other) == (60, 30, 480) and applied(desk.store, other) is None
    assert [r.then() for r in list_rules(desk.store)] == ['apply policy "Billing/urgent"']
    assert rules_that_would_fire(desk.store, None, tid) == ["vip"]
    assert rules_that_would_fire(desk.store, None, other) == []


def test_a_priority_change_keeps_the_applied_policy(desk: Desk) -> None:
    """The applied policy wins over the lookup until it is removed (docs/sla.md)."""
    tid = opened(desk, "VIP customer", "Our shop is down")
    token = sv.take(desk.store, desk.alice, tid).token
    sv.save_parameters(desk.store, desk.alice, tid, priority="low", token=token)
    sv.assign(desk.store, desk.alice, tid, department=BILLING)
    assert targets(desk.store, tid) == (15, None, 120)


def test_the_policy_removed_the_ticket_falls_back_at_its_next_event(desk: Desk) -> None:
    tid = opened(desk, "VIP customer", "Our shop is down")
    policy.remove_policy(desk.store, BILLING, "urgent")
    assert applied(desk.store, tid) is None
    assert targets(desk.store, tid) == (15, None, 120)  # no event yet: as it was
    sv.client_reply(desk.store, desk.john, tid, "Any news?")
    settle(desk.store)
    assert targets(desk.store, tid) == (60, 30, 480)
    with desk.store.sql() as q:
        assert step.load(q, tid)["policy_id"] is None


@pytest.mark.parametrize("which, sentence", [
    ("Billing", "Billing has no response-target policy for any priority."),
    ("Billing/high", "Billing has no response-target policy for high priority."),
    ("Nowhere/urgent", "There is no department named 'Nowhere'."),
])
def test_a_policy_that_does_not_exist_is_refused(desk: Desk, which: str, sentence: str) -> None:
    with pytest.raises(BadInput) as refused:
        rule(desk, "bad", policy=which)
    assert str(refused.value) == sentence
    assert [r.name for r in list_rules(desk.store)] == ["vip"]


def test_0019_goes_down_and_up_again_with_the_data(store) -> None:
    from tests.test_merge_migration import _messages, _migrate

    desk = make_desk(store)
    policy.set_policy(store, TS, None, 60, 30, 480)
    policy.set_policy(store, BILLING, None, 15)
    rule(desk, "vip", words=["vip"], policy=BILLING)
    tid = opened(desk, "VIP customer", "Our shop is down")
    before = _messages(store)
    _migrate(store, "0018")
    assert store.current_revision() == "0018"
    assert targets(store, tid) == (15, None, None)  # the rows kept
    pg = store.dialect == "postgresql"
    assert _step_reads_applied(store) is (False if pg else None)
    _migrate(store, "head")
    assert store.current_revision() == HEAD and _messages(store) == before
    assert _step_reads_applied(store) is (True if pg else None)
    # What was applied went with the column; the targets in effect stay until a policy change.
    assert applied(store, tid) is None
    sv.client_reply(store, desk.john, tid, "Any news?")
    settle(store)
    assert targets(store, tid) == (15, None, None)
    rule(desk, "tech", on="client-message", words=["tech"], policy=TS)
    sv.client_reply(store, desk.john, tid, "A tech question.")
    settle(store)
    assert targets(store, tid) == (60, 30, 480)


def _step_reads_applied(store) -> bool | None:
    """PostgreSQL: whether the installed step reads the applied policy (None on SQLite)."""
    if store.dialect != "postgresql":
        return None
    with store.sql() as q:
        return "sla_policy_id" in q.value("SELECT prosrc FROM pg_proc WHERE proname = "
                                          "'ticket_tui_sla_refresh'")
