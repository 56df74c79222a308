"""Status transitions of both areas, holders, and the client's side of a ticket's life."""

from __future__ import annotations

import pytest

from store import service as sv
from store.errors import BadInput, NotAllowed, NotFound, NotVisible
from tests.desk import Desk, make_desk
from tests.snapshot import snapshot


@pytest.fixture
def desk(store) -> Desk:
    return make_desk(store)


def statuses(desk: Desk, tid: int) -> tuple[str, str]:
    return sv.peek(desk.store, desk.root, tid).status, sv.peek(desk.store, desk.john, tid).status


def test_a_new_ticket_is_in_progress_in_both_areas_and_held_by_its_department(desk: Desk) -> None:
    tid = desk.open()
    assert statuses(desk, tid) == ("In progress", "In progress")
    d = sv.peek(desk.store, desk.alice, tid)
    assert [(h.kind, h.name, h.is_open) for h in d.holders] == [("department", "Technical support", True)]
    assert d.assigned_to == "Technical support"
    assert [m.kind for m in d.messages] == ["client"]


def test_ok_closes_in_the_admin_area_then_new_messages_then_reviewed_then_archive(desk: Desk) -> None:
    tid, token = desk.taken()
    sv.reply(desk.store, desk.alice, tid, "Fixed it.", close=True, token=token)
    assert statuses(desk, tid) == ("Awaiting response from client", "New messages")
    sv.show(desk.store, desk.john, tid)  # the client reads it
    assert statuses(desk, tid) == ("Awaiting response from client", "Reviewed")
    sv.archive(desk.store, desk.john, tid)
    assert statuses(desk, tid) == ("In archive", "In archive")
    assert [r.id for r in sv.list_tickets(desk.store, desk.john, sv.ListSpec("archive"))] == [tid]
    assert sv.list_tickets(desk.store, desk.john, sv.ListSpec("queue")) == []


def test_send_reply_keeps_it_open_and_locked_and_the_client_sees_new_messages(desk: Desk) -> None:
    tid, token = desk.taken()
    sv.reply(desk.store, desk.alice, tid, "Looking into it.", token=token)
    assert statuses(desk, tid) == ("In progress", "New messages")
    assert sv.peek(desk.store, desk.root, tid).locked_by == "alice"


def test_a_client_message_reopens_the_department_and_responsible_staff(desk: Desk) -> None:
    tid, token = desk.taken()
    sv.reply(desk.store, desk.alice, tid, "Done.", close=True, token=token)
    sv.client_reply(desk.store, desk.john, tid, "Still broken!")
    holders = {(h.name, h.is_open) for h in sv.peek(desk.store, desk.root, tid).holders}
    assert holders == {("Technical support", True), ("Alice Smith", True)}
    assert statuses(desk, tid) == ("In progress", "In progress")


def test_a_client_message_takes_a_ticket_out_of_the_archive(desk: Desk) -> None:
    tid, token = desk.taken()
    sv.reply(desk.store, desk.alice, tid, "Done.", close=True, token=token)
    sv.archive(desk.store, desk.john, tid)
    sv.client_reply(desk.store, desk.john, tid, "One more question")
    assert statuses(desk, tid) == ("In progress", "In progress")
    assert sv.peek(desk.store, desk.root, tid).archived_at is None


def test_archive_is_refused_while_in_progress_and_writes_nothing(desk: Desk) -> None:
    tid = desk.open()
    before = snapshot(desk.store)
    with pytest.raises(NotAllowed, match="In progress"):
        sv.archive(desk.store, desk.john, tid)
    assert snapshot(desk.store) == before


def test_close_by_staff_closes_only_their_holders(desk: Desk) -> None:
    tid, token = desk.taken()
    sv.assign(desk.store, desk.alice, tid, department="Billing")
    sv.close(desk.store, desk.alice, tid, token=token)
    holders = {(h.name, h.is_open) for h in sv.peek(desk.store, desk.root, tid).holders}
    assert holders == {("Technical support", False), ("Alice Smith", False), ("Billing", True)}
    assert statuses(desk, tid) == ("In progress", "In progress")
    assert sv.peek(desk.store, desk.root, tid).locked_by is None


def test_an_administrators_close_closes_every_holder(desk: Desk) -> None:
    tid = desk.open()
    sv.assign(desk.store, desk.alice, tid, department="Billing")
    sv.take(desk.store, desk.root, tid)
    sv.close(desk.store, desk.root, tid)
    assert all(not h.is_open for h in sv.peek(desk.store, desk.root, tid).holders)
    assert statuses(desk, tid) == ("Awaiting response from client", "Reviewed")


def test_clients_never_see_internal_system_or_summary(desk: Desk) -> None:
    tid, token = desk.taken()
    sv.reply(desk.store, desk.alice, tid, "Public answer", internal="secret note", token=token)
    sv.assign(desk.store, desk.alice, tid, department="Billing")
    sv.set_summary(desk.store, desk.alice, tid, "VIP")
    sv.register_abuse(desk.store, desk.alice, tid, "spam", "sends spam")
    d = sv.show(desk.store, desk.john, tid)
    assert {m.kind for m in d.messages} == {"client", "staff"}
    assert d.summary is None and d.holders == ()
    staff_view = sv.peek(desk.store, desk.alice, tid)
    assert {m.kind for m in staff_view.messages} == {"client", "staff", "internal", "system"}


def test_other_clients_tickets_do_not_exist_for_a_client(desk: Desk) -> None:
    tid = desk.open()
    with pytest.raises(NotFound):
        sv.show(desk.store, desk.mary, tid)
    with pytest.raises(NotFound):
        sv.client_reply(desk.store, desk.mary, tid, "hi")
    assert sv.list_tickets(desk.store, desk.mary) == []


def test_staff_of_another_department_cannot_see_the_ticket(desk: Desk) -> None:
    tid = desk.open()
    # On PostgreSQL bob's own login role does not even find it (row security).
    with pytest.raises(NotFound if desk.store.dialect == "postgresql" else NotVisible):
        sv.show(desk.store, desk.bob, tid)
    assert sv.list_tickets(desk.store, desk.bob, sv.ListSpec("all")) == []
    assert [r.id for r in sv.list_tickets(desk.store, desk.root, sv.ListSpec("all"))] == [tid]


def test_opening_validates_input_and_writes_nothing(desk: Desk) -> None:
    before = snapshot(desk.store)
    for kwargs, error in [
        ({"subject": "  "}, BadInput), ({"body": " "}, BadInput),
        ({"department": "Nowhere"}, NotFound), ({"subject": "x" * 201}, BadInput),
        # the text is judged before the department is looked up (the state machine's order)
        ({"department": "Nowhere", "body": "0\x000"}, BadInput),
    ]:
        with pytest.raises(error):
            desk.open(**kwargs)
    with pytest.raises(BadInput):
        sv.open_ticket(desk.store, desk.mary, "Billing", "s", "b", service_id=desk.domain_service)
    with pytest.raises(BadInput, match="Priorities"):
        sv.open_ticket(desk.store, desk.john, "Billing", "s", "b", priority="high")
    with pytest.raises(NotAllowed):
        sv.open_ticket(desk.store, desk.alice, "Billing", "s", "b")
    assert snapshot(desk.store) == before


def test_client_priority_follows_both_settings(desk: Desk) -> None:
    from store import admin

    admin.set_setting(desk.store, "use_priority", "true")
    tid = sv.open_ticket(desk.store, desk.john, "Billing", "s", "b", priority="urgent")
    assert sv.peek(desk.store, desk.root, tid).priority == 4
    admin.set_setting(desk.store, "staff_sets_priority", "true")
    with pytest.raises(BadInput, match="staff set the priority"):
        sv.open_ticket(desk.store, desk.john, "Billing", "s", "b", priority="low")


def test_every_action_is_recorded_in_the_history(desk: Desk) -> None:
    tid, token = desk.taken()
    sv.reply(desk.store, desk.alice, tid, "hi", token=token)
    sv.close(desk.store, desk.alice, tid, token=token)
    actions = [(e.action, e.who) for e in sv.history(desk.store, desk.alice, tid)]
    # (Technical support is per-incident: the reply used one, recorded for reports.)
    assert actions == [("opened", "john@example.com"), ("take", "alice"), ("reply", "alice"),
                       ("incidents", "alice"), ("close", "alice")]
