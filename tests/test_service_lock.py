"""The lock: "Assign ticket to me", take-over, unlock, timeout, and writes under the lock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from store import admin, clock as store_clock
from store import service as sv
from store.errors import LockedByOther, NotAllowed
from tests.desk import Desk, make_desk
from tests.snapshot import snapshot


@pytest.fixture
def desk(store) -> Desk:
    return make_desk(store)


def test_viewing_never_locks(desk: Desk) -> None:
    tid = desk.open()
    sv.show(desk.store, desk.alice, tid)
    assert sv.peek(desk.store, desk.root, tid).locked_by is None


def test_take_makes_the_taker_holder_responsible_and_shows_in_lists(desk: Desk) -> None:
    tid = desk.open()
    lock = sv.take(desk.store, desk.alice, tid)
    d = sv.peek(desk.store, desk.alice, tid)
    assert (d.locked_by, d.responsible_staff, d.lock_token) == ("alice", "alice", lock.token)
    assert ("staff", "Alice Smith", True) in [(h.kind, h.name, h.is_open) for h in d.holders]
    assert sv.list_tickets(desk.store, desk.carol)[0].locked_by == "alice"
    assert sv.peek(desk.store, desk.carol, tid).lock_token is None  # only the holder gets it


def test_taking_again_returns_the_same_lock(desk: Desk) -> None:
    tid, token = desk.taken()
    assert sv.take(desk.store, desk.alice, tid).token == token


@pytest.mark.parametrize("action", ["reply", "ok", "close", "save", "edit", "split"])
def test_writes_needing_the_lock_are_refused_to_others_and_write_nothing(desk: Desk, action) -> None:
    tid, _ = desk.taken()
    sv.client_reply(desk.store, desk.john, tid, "second message")
    msg = sv.peek(desk.store, desk.root, tid).messages[-1].id
    before = snapshot(desk.store)
    calls = {
        "reply": lambda: sv.reply(desk.store, desk.carol, tid, "me too"),
        "ok": lambda: sv.reply(desk.store, desk.carol, tid, "me too", close=True),
        "close": lambda: sv.close(desk.store, desk.carol, tid),
        "save": lambda: sv.save_parameters(desk.store, desk.carol, tid, subject="New"),
        "edit": lambda: sv.edit_message(desk.store, desk.carol, msg, "changed"),
        "split": lambda: sv.split(desk.store, desk.carol, tid, msg),
    }
    with pytest.raises(LockedByOther, match=r"locked by alice \(Alice Smith\) since \d{4}-\d\d-\d\d \d\d:\d\d UTC"):
        calls[action]()
    assert snapshot(desk.store) == before


def test_replying_without_the_lock_asks_to_take_it_first(desk: Desk) -> None:
    tid = desk.open()
    with pytest.raises(NotAllowed, match="Assign ticket to me"):
        sv.reply(desk.store, desk.alice, tid, "hello")


def test_take_over_needs_force_and_the_right_person(desk: Desk) -> None:
    tid, _ = desk.taken()
    with pytest.raises(LockedByOther, match="locked by alice"):
        sv.take(desk.store, desk.carol, tid)
    sv.assign(desk.store, desk.alice, tid, staff="bob")  # bob sees it only as a staff holder
    with pytest.raises(NotAllowed, match="administrator or a member"):
        sv.take(desk.store, desk.bob, tid, force=True)
    lock = sv.take(desk.store, desk.carol, tid, force=True)
    assert lock.took_over_from == "alice"
    d = sv.peek(desk.store, desk.root, tid)
    assert d.locked_by == "carol"
    assert d.messages[-1].kind == "system" and "taken over by Carol Jones from Alice Smith" in d.messages[-1].body
    sv.take(desk.store, desk.root, tid, force=True)
    assert sv.peek(desk.store, desk.root, tid).locked_by == "root"


def test_a_reply_typed_before_a_takeover_cannot_slip_in_after_it(desk: Desk) -> None:
    tid, alice_token = desk.taken()
    carol_lock = sv.take(desk.store, desk.carol, tid, force=True)
    sv.take(desk.store, desk.alice, tid, force=True)  # alice takes it back: a new token
    before = snapshot(desk.store)
    with pytest.raises(LockedByOther, match="replaced"):
        sv.reply(desk.store, desk.alice, tid, "typed long ago", token=alice_token)
    with pytest.raises(LockedByOther):
        sv.reply(desk.store, desk.carol, tid, "typed before losing it", token=carol_lock.token)
    assert snapshot(desk.store) == before


def test_ok_and_close_release_the_lock(desk: Desk) -> None:
    tid, token = desk.taken()
    sv.reply(desk.store, desk.alice, tid, "done", close=True, token=token)
    assert sv.peek(desk.store, desk.root, tid).locked_by is None
    tid2, token2 = desk.taken()
    sv.close(desk.store, desk.alice, tid2, token=token2)
    assert sv.peek(desk.store, desk.root, tid2).locked_by is None


def test_unlock_is_for_administrators_and_the_holder(desk: Desk) -> None:
    tid, _ = desk.taken()
    with pytest.raises(NotAllowed, match="Only an administrator"):
        sv.unlock(desk.store, desk.carol, tid)
    sv.unlock(desk.store, desk.root, tid)
    assert sv.peek(desk.store, desk.root, tid).locked_by is None
    with pytest.raises(NotAllowed, match="not locked"):
        sv.unlock(desk.store, desk.root, tid)
    sv.take(desk.store, desk.alice, tid)
    sv.unlock(desk.store, desk.alice, tid)


def test_an_idle_lock_times_out_when_the_setting_says_so(desk: Desk, monkeypatch) -> None:
    tid, _ = desk.taken()
    later = store_clock.utcnow() + timedelta(minutes=31)
    monkeypatch.setattr(store_clock, "utcnow", lambda: later)
    with pytest.raises(LockedByOther):  # the default timeout, 0, never releases
        sv.take(desk.store, desk.carol, tid)
    admin.set_setting(desk.store, "lock_timeout_minutes", "30")
    lock = sv.take(desk.store, desk.carol, tid)
    assert lock.took_over_from == "alice"
    assert "lock timed out" in sv.peek(desk.store, desk.root, tid).messages[-1].body


def test_an_archived_ticket_cannot_be_taken_or_assigned(desk: Desk) -> None:
    tid, token = desk.taken()
    sv.reply(desk.store, desk.alice, tid, "done", close=True, token=token)
    sv.archive(desk.store, desk.john, tid)
    before = snapshot(desk.store)
    with pytest.raises(NotAllowed, match="archive"):
        sv.take(desk.store, desk.alice, tid)
    with pytest.raises(NotAllowed, match="archive"):
        sv.assign(desk.store, desk.alice, tid, department="Billing")
    assert snapshot(desk.store) == before


def test_assign_is_refused_while_locked_by_another(desk: Desk) -> None:
    tid, _ = desk.taken()
    with pytest.raises(LockedByOther):
        sv.assign(desk.store, desk.carol, tid, department="Billing")
    sv.assign(desk.store, desk.alice, tid, department="Billing")  # the holder may
