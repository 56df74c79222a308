"""The due times kept step by step equal those recomputed from the ticket's timeline (issue 19),
as a property, on SQLite and PostgreSQL: random sequences of real service actions (client
message, staff reply, internal comment, delay and its end, Ok, a reopening client message,
assignment to the other department, a priority change, a client message whose words make a
response rule apply another policy: add_policy_rules) and moves of the test clock, across a
weekend, a holiday and the spring DST change; after every step the stored ticket_sla row is
compared with store/sla/replay.py's walk of the ticket's (moment, inputs) timeline."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import admin
from store import service as sv
from store.clock import as_of
from store.db import Store
from store.errors import StoreError
from store.sla import hours, policy, step
from store.sla.replay import replay
from tests.desk import make_desk

TECH, BILLING = "Technical support", "Billing"
START = datetime(2026, 3, 26, 15, 47, 13, 250000, tzinfo=timezone.utc)  # Thursday before DST
# A client message with the word makes a rule apply that department's any-priority policy.
POLICY_RULES = {"escalate": TECH, "hurry": BILLING}


def add_policy_rules(store) -> None:
    from store.rules.manage import add_rule

    for word, department in POLICY_RULES.items():
        add_rule(store, None, f"apply {department}", on="client-message", words=[word],
                 policy=department)


ACTIONS = st.lists(st.one_of(
    st.tuples(st.sampled_from(["client", "reply", "comment", "ok", "assign", "end_delay", "take"])),
    st.tuples(st.just("delay"), st.integers(1, 4 * 24 * 60)),
    st.tuples(st.just("priority"), st.sampled_from(["low", "normal", "high", "urgent"])),
    st.tuples(st.just("ask"), st.sampled_from(list(POLICY_RULES))),
    st.tuples(st.just("wait"), st.integers(0, 3 * 24 * 60 * 60)),
), min_size=1, max_size=14)


@pytest.fixture
def desk(db_url):
    """One desk for every example of a run (each example is a new ticket); the operator's
    connection on PostgreSQL, so every moment is the test clock's."""
    url = db_url
    store = Store.open(url)
    d = make_desk(store)
    admin.set_setting(store, "use_priority", "true")
    hours.set_hours(store, TECH, "Europe/Berlin", ["mon-fri 09:00-17:00"], ["2026-03-30"])
    hours.set_hours(store, BILLING, "America/New_York", ["mon-sat 08:00-12:00,13:00-18:00"])
    policy.set_policy(store, TECH, None, 60, 30, 480)
    policy.set_policy(store, TECH, "urgent", 15, 10, 120)
    policy.set_policy(store, BILLING, None, 120, None, 1440)
    policy.set_policy(store, BILLING, "low", 600, 240)
    add_policy_rules(store)
    yield d
    store.close()


class Run:
    def __init__(self, desk) -> None:
        self.desk, self.store = desk, desk.store
        self.now = START
        self.timeline: list = []
        with as_of(self.now):
            self.tid = desk.open()
        self.note()

    def events(self) -> int:
        with self.store.sql() as q:
            return q.value("SELECT count(*) FROM ticket_events WHERE ticket_id = :t", {"t": self.tid})

    def note(self) -> None:
        with self.store.sql() as q:
            self.timeline.append((self.now, step.read_inputs(q, self.tid)))

    def act(self, name: str, arg=None) -> None:
        if name == "wait":
            self.now += timedelta(seconds=arg)
            return
        d, root, tid, store = self.desk, self.desk.root, self.tid, self.store
        if name == "client":
            self.write(lambda: sv.client_reply(store, d.john, tid, "Any news?"))
        elif name == "ask":
            self.write(lambda: sv.client_reply(store, d.john, tid, f"Please {arg}."))
        elif name == "take":
            self.write(lambda: sv.take(store, root, tid))
        elif name in ("reply", "comment", "ok", "priority"):
            token = self.write(lambda: sv.take(store, root, tid).token)  # a transaction of its own
            if name == "reply":
                self.write(lambda: sv.reply(store, root, tid, "Here you are.", token=token))
            elif name == "comment":
                self.write(lambda: sv.reply(store, root, tid, internal="note", token=token))
            elif name == "ok":
                self.write(lambda: sv.reply(store, root, tid, close=True, token=token))
            else:
                self.write(lambda: sv.save_parameters(store, root, tid, priority=arg, token=token))
        elif name == "assign":
            department = BILLING if self.department() == TECH else TECH
            self.write(lambda: sv.assign(store, root, tid, department=department))
        elif name == "delay":
            self.write(lambda: sv.delay(store, root, tid, self.now + timedelta(minutes=arg)))
        elif name == "end_delay":
            self.write(lambda: sv.delay(store, root, tid, None))
        self.now += timedelta(seconds=1)

    def write(self, call):
        """One service call (one transaction) at the test clock's moment; noted in the
        timeline when it recorded an event (the step ran)."""
        before = self.events()
        result = None
        with as_of(self.now):
            try:
                result = call()
            except StoreError:
                pass  # refused (nothing written): no step either
        if self.events() != before:
            self.note()
        return result

    def department(self) -> str:
        return sv.peek(self.store, self.desk.root, self.tid).department

    def check(self) -> None:
        with self.store.sql() as q:
            stored = step.load(q, self.tid)
            expected = replay(self.timeline, lambda d: hours.calendar_for(q, d),
                              lambda d, p, a: step.policy(q, d, p, a))
        if stored is not None:
            stored.pop("breach_noted")
            expected.pop("breach_noted")
        assert stored == expected, self.timeline


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
def test_the_kept_due_times_equal_the_recomputed(desk, actions) -> None:
    run = Run(desk)
    run.check()
    for action in actions:
        run.act(*action)
        run.check()
