"""Undo send: a staff reply held send_delay_seconds before its client sees it, undone by its
author meanwhile, released exactly once by whoever runs next (store/service/held.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from store import admin
from store import clock as store_clock
from store import service as sv
from store.errors import LockedByOther, NotAllowed
from tests.desk import Desk, make_desk


@pytest.fixture
def desk(store) -> Desk:
    d = make_desk(store)
    admin.set_setting(store, "send_delay_seconds", "10")
    return d


def later(monkeypatch, seconds: int = 11) -> None:
    """The store's clock, `seconds` on (the operator's release goes by it on both databases)."""
    moment = store_clock.utcnow() + timedelta(seconds=seconds)
    monkeypatch.setattr(store_clock, "utcnow", lambda: moment)


def client_sees(desk: Desk, tid: int) -> tuple[str, list[str]]:
    detail = sv.peek(desk.store, desk.john, tid)
    return detail.status, [m.body for m in detail.messages]


def state(desk: Desk, tid: int):
    d = sv.peek(desk.store, desk.root, tid)
    return (d.status, d.holders, d.locked_by, d.incidents, d.priority, d.placed_first,
            [(m.id, m.kind, m.body) for m in d.messages])


def test_a_held_reply_is_invisible_to_the_client_until_released(desk: Desk, monkeypatch) -> None:
    tid, token = desk.taken()
    result = sv.reply(desk.store, desk.alice, tid, "Fixed: nginx restarted.", token=token)
    assert result.held_until is not None
    assert client_sees(desk, tid) == ("In progress", ["example.com is down"])
    assert sv.list_tickets(desk.store, desk.john, sv.ListSpec("queue"))[0].status == "In progress"
    staff_view = sv.peek(desk.store, desk.alice, tid).messages[-1]
    assert staff_view.body == "Fixed: nginx restarted." and staff_view.held_until is not None
    assert sv.release_due(desk.store) == 0  # not yet
    later(monkeypatch)
    assert sv.release_due(desk.store) == 1
    assert sv.release_due(desk.store) == 0  # once
    assert client_sees(desk, tid) == ("New messages", ["example.com is down",
                                                       "Fixed: nginx restarted."])
    assert sv.peek(desk.store, desk.alice, tid).messages[-1].held_until is None
    assert [e.action for e in sv.history(desk.store, desk.root, tid)].count("reply_released") == 1


def test_delay_zero_sends_at_once(desk: Desk) -> None:
    admin.set_setting(desk.store, "send_delay_seconds", "0")
    tid, token = desk.taken()
    assert sv.reply(desk.store, desk.alice, tid, "hello", token=token).held_until is None
    assert client_sees(desk, tid) == ("New messages", ["example.com is down", "hello"])


def test_undo_after_ok_restores_the_open_ticket_and_the_draft(desk: Desk) -> None:
    tid, token = desk.taken()
    sv.save_parameters(desk.store, desk.alice, tid, placed_first=True, token=token)
    before = state(desk, tid)
    client_before = client_sees(desk, tid)
    sv.reply(desk.store, desk.alice, tid, "Done, closing.", internal="told him", close=True,
             token=token, top=False)
    assert sv.peek(desk.store, desk.root, tid).status == "Awaiting response from client"
    assert sv.peek(desk.store, desk.root, tid).locked_by is None
    undone = sv.undo_send(desk.store, desk.alice, tid)
    assert (undone.body, undone.internal_comment) == ("Done, closing.", "told him")
    assert state(desk, tid) == before
    assert client_sees(desk, tid) == client_before
    draft = sv.get_draft(desk.store, desk.alice, tid)
    assert (draft.body, draft.internal_comment) == ("Done, closing.", "told him")
    # the lock is alice's, with the token her form holds: she goes on writing
    sv.reply(desk.store, desk.alice, tid, "Second try.", token=token)


def test_undo_gives_back_the_support_incident(desk: Desk) -> None:
    tid, token = desk.taken()
    card = sv.client_card(desk.store, desk.alice, tid)
    sv.reply(desk.store, desk.alice, tid, "answer", token=token)
    assert sv.client_card(desk.store, desk.alice, tid).incidents_left == card.incidents_left - 1
    sv.undo_send(desk.store, desk.alice, tid)
    assert sv.client_card(desk.store, desk.alice, tid).incidents_left == card.incidents_left
    assert sv.peek(desk.store, desk.root, tid).incidents == 0


def test_too_late_after_the_delay_and_only_the_author(desk: Desk, monkeypatch) -> None:
    tid, token = desk.taken()
    sv.reply(desk.store, desk.alice, tid, "answer", token=token)
    with pytest.raises(NotAllowed, match="Only alice"):
        sv.undo_send(desk.store, desk.root, tid)
    later(monkeypatch)
    with pytest.raises(NotAllowed, match="too late"):
        sv.undo_send(desk.store, desk.alice, tid)
    assert client_sees(desk, tid)[1][-1] != "answer"  # visible once released, not before
    sv.release_due(desk.store)
    assert client_sees(desk, tid)[1][-1] == "answer"


def test_undo_is_refused_once_another_took_the_ticket(desk: Desk) -> None:
    tid, token = desk.taken()
    sv.reply(desk.store, desk.alice, tid, "answer", close=True, token=token)
    sv.take(desk.store, desk.carol, tid)
    with pytest.raises(LockedByOther, match="carol"):
        sv.undo_send(desk.store, desk.alice, tid)


def test_undo_is_refused_after_a_newer_client_message(desk: Desk) -> None:
    tid, token = desk.taken()
    sv.reply(desk.store, desk.alice, tid, "answer", token=token)
    sv.client_reply(desk.store, desk.john, tid, "any news?")
    with pytest.raises(NotAllowed, match="newer message"):
        sv.undo_send(desk.store, desk.alice, tid)


def test_nothing_held_nothing_to_undo(desk: Desk) -> None:
    tid, _ = desk.taken()
    with pytest.raises(NotAllowed, match="too late"):
        sv.undo_send(desk.store, desk.alice, tid)


def test_a_held_reply_survives_a_restart_and_is_released_by_the_next_process(
        desk: Desk, db_url: str, monkeypatch) -> None:
    from store.db import Store

    tid, token = desk.taken()
    sv.reply(desk.store, desk.alice, tid, "answer", token=token)
    assert [h.ticket_id for h in sv.my_held_replies(desk.store, desk.alice)] == [tid]
    desk.store.close()
    later(monkeypatch)
    again = Store.open(db_url)
    try:
        assert sv.my_held_replies(again, desk.alice) == []
        assert sv.release_due(again) == 1
        assert sv.peek(again, desk.root, tid).messages[-1].held_until is None
    finally:
        again.close()


def test_a_reply_with_a_charge_is_not_held(desk: Desk) -> None:
    tid, token = desk.taken()
    result = sv.reply(desk.store, desk.alice, tid, "charged", charge="5.00", token=token)
    assert result.held_until is None
    assert client_sees(desk, tid)[1][-1] == "charged"


def test_a_client_never_finds_a_ticket_by_a_held_reply(desk: Desk, monkeypatch) -> None:
    tid, token = desk.taken()
    sv.reply(desk.store, desk.alice, tid, "Zanzibar firewall rebooted", token=token)
    search = sv.ListSpec("all", search="zanzibar")
    assert [r.id for r in sv.list_tickets(desk.store, desk.alice, search)] == [tid]
    assert sv.list_tickets(desk.store, desk.john, search) == []
    later(monkeypatch)
    sv.release_due(desk.store)
    assert [r.id for r in sv.list_tickets(desk.store, desk.john, search)] == [tid]
