"""Bulk actions where the rules meet (issue 20), as a property: random tickets in two departments,
some locked by someone, some archived, one action by one staff member over all of them. After the
run each ticket is done exactly once (one bulk event of the run, the action's effect) or refused
with the right reason and untouched, and the invariants of the state machine
(tests/state_machine/invariants.py) that need no model hold. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import admin
from store import service as sv
from store.clock import utcnow
from store.models import Favorite, Holder, Message, Ticket, TicketEvent
from tests.desk import Desk, make_desk
from tests.state_machine.checks import check
from tests.state_machine.tables import snapshot

TS, BILLING = "Technical support", "Billing"
STAFF = ("root", "alice", "carol", "bob")
MEMBERS = {TS: ("alice", "carol"), BILLING: ("bob",)}
ACTIONS = ("assign", "close", "delay", "priority", "favorite", "unfavorite", "take", "reply")
NEEDS_FREE = {"assign", "close", "priority", "take", "reply"}  # refused under another's lock

ticket_plan = st.fixed_dictionaries({
    "department": st.sampled_from((TS, BILLING)),
    "state": st.sampled_from(("free", "locked", "locked", "archived")),
    "locker": st.sampled_from(("member", "root")),
    "favorite": st.booleans(),
})


@pytest.fixture
def desk(store) -> Desk:
    d = make_desk(store)
    admin.set_setting(store, "use_priority", "true")
    return d


def setup_ticket(desk: Desk, plan: dict, actor) -> tuple[int, str | None]:
    """Opens a ticket as the plan says; returns it and who holds its lock."""
    tid = desk.open(department=plan["department"], client=desk.john)
    if plan["favorite"] and (actor.is_admin or plan["department"] in actor_departments(actor)):
        sv.set_favorite(desk.store, actor, tid, True)
    login = "root" if plan["locker"] == "root" else MEMBERS[plan["department"]][0]
    locker = getattr(desk, login)
    if plan["state"] == "locked":
        sv.take(desk.store, locker, tid)
        return tid, login
    if plan["state"] == "archived":
        sv.close(desk.store, locker, tid, token=sv.take(desk.store, locker, tid).token)
        sv.archive(desk.store, desk.john, tid)
    return tid, None


def actor_departments(actor) -> set[str]:
    return {TS} if actor.login in MEMBERS[TS] else {BILLING} if actor.login == "bob" else set()


def expected(plan: dict, locker: str | None, actor, action: str) -> tuple[str, str | None] | None:
    """None: done; else (kind, holder) of the refusal."""
    sees = actor.is_admin or plan["department"] in actor_departments(actor) or locker == actor.login
    if not sees:
        return "not visible", None
    if locker not in (None, actor.login) and action in NEEDS_FREE:
        return "locked", locker
    if plan["state"] == "archived" and action not in ("favorite", "unfavorite"):
        return "refused", None
    return None


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plans=st.lists(ticket_plan, min_size=1, max_size=6), who=st.sampled_from(STAFF),
       action=st.sampled_from(ACTIONS), run_twice=st.booleans())
def test_each_ticket_is_done_once_or_refused_with_its_reason(desk: Desk, plans, who, action,
                                                             run_twice) -> None:
    actor = getattr(desk, who)
    made = [setup_ticket(desk, plan, actor) for plan in plans]
    tids = [tid for tid, _ in made]
    before = snapshot(desk.store)
    options = {"assign": {"department": BILLING}, "delay": {"until": utcnow() + timedelta(days=1)},
               "priority": {"priority": "urgent"}, "reply": {"body": "Fixed.", "close": True}}
    todo = sv.BulkAction(action, **options.get(action, {}))
    result = sv.run_bulk(desk.store, actor, sv.Selection.of_ids(tids), todo, run_id=f"r{tids[0]}")
    if run_twice:  # a second run of the same run id changes nothing
        middle = snapshot(desk.store)
        again = sv.run_bulk(desk.store, actor, sv.Selection.of_ids(tids), todo, run_id=f"r{tids[0]}")
        assert snapshot(desk.store) == middle
        assert (list(again.done), again.earlier) == (list(result.done), len(result.done))
    after = snapshot(desk.store)
    refusals = {r.id: r for r in result.refused}
    assert sorted([*result.done, *refusals]) == sorted(tids) and len(result.done) == len(set(result.done))
    for (tid, locker), plan in zip(made, plans):
        want = expected(plan, locker, actor, action)
        events = [e for e in after[TicketEvent.__tablename__]
                  if e.ticket_id == tid and e.action == "bulk"]
        if want is None:
            assert tid in result.done, (tid, plan, locker, refusals.get(tid))
            assert [e.detail for e in events] == [f"r{tids[0]} {action}"]
            check_effect(after, tid, actor, action, locker)
        else:
            got = refusals.get(tid)
            assert got is not None and (got.kind, got.holder) == want, (tid, plan, locker, got)
            assert events == [] and rows_of(before, tid) == rows_of(after, tid), f"#{tid} was touched"
    structural_invariants(after, tids)


def rows_of(snap: dict, tid: int) -> dict:
    return {name: [r for r in rows if getattr(r, "ticket_id", None) == tid
                   or (name == Ticket.__tablename__ and r.id == tid)]
            for name, rows in snap.items() if name != "seen_marks"}


def check_effect(snap: dict, tid: int, actor, action: str, locker: str | None) -> None:
    row = next(t for t in snap[Ticket.__tablename__] if t.id == tid)
    replies = [m for m in snap[Message.__tablename__] if m.ticket_id == tid and m.kind == "staff"]
    favorite = any(f.ticket_id == tid and f.staff_id == actor.id for f in snap[Favorite.__tablename__])
    if action in ("close", "reply"):
        assert row.locked_by_id is None
        assert len(replies) == (1 if action == "reply" else 0)
    if action == "take":
        assert row.locked_by_id == actor.id
    if action == "priority":
        assert row.priority == 4 and (row.locked_by_id == actor.id) == (locker == actor.login)
    if action in ("favorite", "unfavorite"):
        assert favorite == (action == "favorite")
    if action == "delay":
        assert row.delayed_until is not None


def structural_invariants(snap: dict, tids: list[int]) -> None:
    """The state machine's checks that hold of any database, by their names there."""
    holders: dict[int, dict] = {tid: {} for tid in tids}
    for h in snap[Holder.__tablename__]:
        if h.ticket_id in holders:
            holders[h.ticket_id][h.department_id or -h.staff_id] = h.is_open
    staff_replies = {tid: 0 for tid in tids}
    for m in snap[Message.__tablename__]:
        if m.ticket_id in staff_replies and m.kind == "staff":
            staff_replies[m.ticket_id] += 1
    for row in snap[Ticket.__tablename__]:
        if row.id not in holders:
            continue
        hs = holders[row.id]
        any_open = any(hs.values())
        check("is-open", row.is_open == any_open, f"#{row.id}: is_open={row.is_open}, holders {hs}")
        check("archived-no-open-holder", row.archived_at is None or not any_open, f"#{row.id}")
        check("archived-no-delay", row.archived_at is None or row.delayed_until is None, f"#{row.id}")
        check("lock", (row.locked_by_id is None) == (row.lock_token is None) == (row.locked_at is None),
              f"#{row.id}: half a lock")
        check("lock", row.locked_by_id is None or hs.get(-row.locked_by_id) is True,
              f"#{row.id}: the lock's holder is not an open holder")
        check("client-unread", row.client_unread == staff_replies[row.id],
              f"#{row.id}: client_unread={row.client_unread}, {staff_replies[row.id]} staff replies")
