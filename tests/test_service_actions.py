"""Every row of domain.md's action table, and the reply pane's fields."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from store import admin, clock as store_clock
from store import service as sv
from store.errors import BadInput, NotAllowed, NotFound
from store.views import NewAttachment
from tests.desk import Desk, make_desk
from tests.snapshot import snapshot


@pytest.fixture
def desk(store) -> Desk:
    return make_desk(store)


def ids(desk: Desk, actor, view: str = "queue") -> list[int]:
    return [r.id for r in sv.list_tickets(desk.store, actor, sv.ListSpec(view))]


def test_information_shows_the_client_and_edits_the_internal_comment(desk: Desk) -> None:
    tid = desk.open()
    card = sv.client_card(desk.store, desk.alice, tid)
    assert (card.email, card.internal_comment) == ("john@example.com", "pays late")
    assert [s.domain for s in card.services] == ["example.com"]
    assert sv.set_client_comment(desk.store, desk.alice, tid, "pays on time now").internal_comment == "pays on time now"
    with pytest.raises(NotAllowed):
        sv.client_card(desk.store, desk.john, tid)


def test_summary_is_staff_only(desk: Desk) -> None:
    tid = desk.open()
    sv.set_summary(desk.store, desk.alice, tid, "Customer migrating to VPS")
    assert sv.peek(desk.store, desk.alice, tid).summary == "Customer migrating to VPS"
    with pytest.raises(NotAllowed):
        sv.set_summary(desk.store, desk.john, tid, "x")


def test_assign_to_a_department_posts_the_exact_message_and_keeps_it_open_for_me(desk: Desk) -> None:
    tid, token = desk.taken()
    text = sv.assign(desk.store, desk.alice, tid, department="Billing")
    assert text == 'The ticket has been assigned to "Billing"'
    d = sv.peek(desk.store, desk.alice, tid)
    assert d.messages[-1].kind == "system" and d.messages[-1].body == text
    assert d.department == "Billing"
    assert "Billing" in d.assigned_to and "Alice Smith" in d.assigned_to
    assert tid in ids(desk, desk.bob)
    sv.reply(desk.store, desk.alice, tid, "I can still reply", token=token)


def test_assign_to_a_staff_member(desk: Desk) -> None:
    tid = desk.open()
    assert sv.assign(desk.store, desk.alice, tid, staff="bob") == 'The ticket has been assigned to "Bob Brown"'
    assert tid in ids(desk, desk.bob)
    assert sv.peek(desk.store, desk.root, tid).responsible_staff == "bob"
    with pytest.raises(BadInput):
        sv.assign(desk.store, desk.alice, tid)
    with pytest.raises(NotFound):
        sv.assign(desk.store, desk.alice, tid, staff="nobody")


def test_delay_hides_from_the_queue_until_the_date(desk: Desk, monkeypatch) -> None:
    tid = desk.open()
    until = store_clock.utcnow() + timedelta(days=2)
    sv.delay(desk.store, desk.alice, tid, until)
    assert tid not in ids(desk, desk.alice) and ids(desk, desk.alice, "delayed") == [tid]
    later = until + timedelta(seconds=1)
    monkeypatch.setattr(store_clock, "utcnow", lambda: later)
    assert tid in ids(desk, desk.alice) and ids(desk, desk.alice, "delayed") == []


def test_a_client_message_ends_the_delay(desk: Desk) -> None:
    tid = desk.open()
    sv.delay(desk.store, desk.alice, tid, store_clock.utcnow() + timedelta(days=2))
    sv.client_reply(desk.store, desk.john, tid, "any news?")
    assert tid in ids(desk, desk.alice)
    assert sv.peek(desk.store, desk.root, tid).delayed_until is None


def test_delay_to_the_past_is_refused(desk: Desk) -> None:
    tid = desk.open()
    before = snapshot(desk.store)
    with pytest.raises(BadInput, match="has passed"):
        sv.delay(desk.store, desk.alice, tid, store_clock.utcnow() - timedelta(hours=1))
    assert snapshot(desk.store) == before


def test_abuse_case_is_linked_to_ticket_client_and_service(desk: Desk) -> None:
    tid = sv.open_ticket(desk.store, desk.john, "Billing", "Spam", "b", service_id=desk.domain_service)
    case = sv.register_abuse(desk.store, desk.bob, tid, "spam", "Outgoing spam from the domain")
    assert sv.abuse_cases(desk.store, desk.bob, tid)[0][:2] == (case, "spam")
    assert ids(desk, desk.bob, "abuse") == [tid]
    with pytest.raises(BadInput):
        sv.register_abuse(desk.store, desk.bob, tid, "spam", "  ")


def test_favorites_are_per_staff_and_show_what_changed_since_seen(desk: Desk) -> None:
    tid = desk.open()
    sv.set_favorite(desk.store, desk.alice, tid, True)
    assert ids(desk, desk.alice, "favorites") == [tid] and ids(desk, desk.carol, "favorites") == []
    sv.show(desk.store, desk.alice, tid)
    assert not sv.list_tickets(desk.store, desk.alice, sv.ListSpec("favorites"))[0].new_since_seen
    sv.client_reply(desk.store, desk.john, tid, "more")
    assert sv.list_tickets(desk.store, desk.alice, sv.ListSpec("favorites"))[0].new_since_seen
    sv.set_favorite(desk.store, desk.alice, tid, False)
    assert ids(desk, desk.alice, "favorites") == []


def test_own_actions_do_not_count_as_new(desk: Desk) -> None:
    tid, token = desk.taken()
    sv.reply(desk.store, desk.alice, tid, "hello", token=token)
    row = sv.list_tickets(desk.store, desk.alice, sv.ListSpec("all"))[0]
    assert not row.new_since_seen
    assert sv.list_tickets(desk.store, desk.carol, sv.ListSpec("all"))[0].new_since_seen


def test_edit_message_keeps_history(desk: Desk) -> None:
    tid, token = desk.taken()
    r = sv.reply(desk.store, desk.alice, tid, "Helo", token=token)
    sv.edit_message(desk.store, desk.alice, r.reply_id, "Hello", token=token)
    msg = sv.peek(desk.store, desk.alice, tid).messages[-1]
    assert msg.body == "Hello" and msg.edited_at is not None
    assert [body for body, _ in sv.message_history(desk.store, desk.alice, r.reply_id)] == ["Helo"]


def test_split_moves_the_message_and_later_ones_and_links_both(desk: Desk) -> None:
    tid, token = desk.taken()
    sv.reply(desk.store, desk.alice, tid, "answer 1", token=token)
    m2 = sv.client_reply(desk.store, desk.john, tid, "another, unrelated problem")
    sv.reply(desk.store, desk.alice, tid, "answer 2", token=token)
    with pytest.raises(BadInput, match="empty"):
        sv.split(desk.store, desk.alice, tid, sv.peek(desk.store, desk.alice, tid).messages[0].id, token=token)
    new = sv.split(desk.store, desk.alice, tid, m2, token=token)
    old_d, new_d = sv.peek(desk.store, desk.root, tid), sv.peek(desk.store, desk.root, new)
    assert [m.body for m in old_d.messages if m.kind != "system"] == ["example.com is down", "answer 1"]
    assert [m.body for m in new_d.messages if m.kind != "system"] == ["another, unrelated problem", "answer 2"]
    assert f"ticket #{new}" in old_d.messages[-1].body and f"ticket #{tid}" in new_d.messages[-1].body
    assert new_d.split_from == tid and new_d.status == "In progress"


def test_attachments_round_trip_byte_for_byte_and_respect_the_cap(desk: Desk) -> None:
    data = bytes(range(256)) * 40 + b"\x00\xff"
    tid = sv.open_ticket(desk.store, desk.john, "Billing", "Invoice", "see file",
                         attachments=[NewAttachment("../../etc/in\x1bvoice.pdf", data, "application/pdf")])
    att = sv.peek(desk.store, desk.john, tid).messages[0].attachments[0]
    assert att.name == "in_voice.pdf" and att.sha256 == hashlib.sha256(data).hexdigest()
    view, stored = sv.attachment_data(desk.store, desk.john, att.id)
    assert stored == data
    admin.set_setting(desk.store, "attachment_max_bytes", "100")
    with pytest.raises(BadInput, match="limit is 100 bytes"):
        sv.client_reply(desk.store, desk.john, tid, "again", [NewAttachment("a.bin", data)])
    with pytest.raises(NotFound):
        sv.attachment_data(desk.store, desk.mary, att.id)


def test_charge_lowers_the_balance_and_the_client_sees_it(desk: Desk) -> None:
    tid, token = desk.taken()
    sv.reply(desk.store, desk.alice, tid, "Restored from backup", charge="12.50", token=token)
    assert sv.client_card(desk.store, desk.alice, tid).balance_cents == -1250
    assert [c.amount_cents for c in sv.show(desk.store, desk.john, tid).charges] == [1250]
    before = snapshot(desk.store)
    for bad in ("-5", "0", "abc", "1.005"):
        with pytest.raises(BadInput):
            sv.reply(desk.store, desk.alice, tid, "x", charge=bad, token=token)
    assert snapshot(desk.store) == before


def test_support_incidents_default_to_one_in_per_incident_departments(desk: Desk) -> None:
    tid, token = desk.taken()
    sv.reply(desk.store, desk.alice, tid, "one", token=token)
    sv.reply(desk.store, desk.alice, tid, "three", incidents=3, token=token)
    assert sv.peek(desk.store, desk.root, tid).incidents == 4
    assert sv.client_card(desk.store, desk.alice, tid).incidents_left == -4
    billing = sv.open_ticket(desk.store, desk.john, "Billing", "s", "b")
    lock = sv.take(desk.store, desk.bob, billing)
    sv.reply(desk.store, desk.bob, billing, "no incidents here", token=lock.token)
    assert sv.peek(desk.store, desk.root, billing).incidents == 0
    with pytest.raises(BadInput, match="per-incident"):
        sv.reply(desk.store, desk.bob, billing, "x", incidents=2, token=lock.token)


def test_priority_and_placing_first_from_the_reply_pane(desk: Desk) -> None:
    tid, token = desk.taken()
    with pytest.raises(BadInput, match="use_priority"):
        sv.reply(desk.store, desk.alice, tid, "x", priority="high", token=token)
    admin.set_setting(desk.store, "use_priority", "on")
    sv.reply(desk.store, desk.alice, tid, "x", priority="high", top=True, token=token)
    d = sv.peek(desk.store, desk.root, tid)
    assert (d.priority, d.placed_first) == (3, True)


def test_save_parameters_applies_changed_fields_only_and_sends_nothing(desk: Desk) -> None:
    tid, token = desk.taken()
    n = len(sv.peek(desk.store, desk.root, tid).messages)
    changed = sv.save_parameters(desk.store, desk.alice, tid, subject="Site down (nginx)",
                                 service_id=desk.domain_service, token=token)
    assert changed == ["subject", "service"]
    assert sv.save_parameters(desk.store, desk.alice, tid, subject="Site down (nginx)", token=token) == []
    d = sv.peek(desk.store, desk.root, tid)
    assert (d.subject, d.service.domain, len(d.messages)) == ("Site down (nginx)", "example.com", n)
    other = sv.open_ticket(desk.store, desk.mary, "Technical support", "s", "b")
    mary_svc = admin.add_service(desk.store, "mary@example.org", "vps1", "vps").id
    with pytest.raises(BadInput, match="does not belong"):
        sv.save_parameters(desk.store, desk.alice, tid, service_id=mary_svc, token=token)
    assert other


def test_send_reply_needs_something_to_send(desk: Desk) -> None:
    tid, token = desk.taken()
    with pytest.raises(BadInput, match="Write a reply"):
        sv.reply(desk.store, desk.alice, tid, "  ", token=token)
    r = sv.reply(desk.store, desk.alice, tid, "", internal="only a note", token=token)
    assert r.reply_id is None and r.internal_id is not None
    assert sv.peek(desk.store, desk.root, tid).status == "In progress"


def test_messages_over_the_size_limit_are_refused(desk: Desk) -> None:
    admin.set_setting(desk.store, "message_max_chars", "10")
    with pytest.raises(BadInput, match="limit is 10"):
        desk.open(body="x" * 11)
    with pytest.raises(BadInput, match="NUL"):
        desk.open(body="a\x00b")


def test_drafts_are_saved_restored_and_dropped_on_send(desk: Desk) -> None:
    tid, token = desk.taken()
    sv.save_draft(desk.store, desk.alice, tid, "Dear John,", "check logs")
    d = sv.get_draft(desk.store, desk.alice, tid)
    assert (d.body, d.internal_comment) == ("Dear John,", "check logs")
    assert sv.get_draft(desk.store, desk.carol, tid) is None
    sv.save_draft(desk.store, desk.alice, tid, "Dear John, fixed.", "")
    assert sv.get_draft(desk.store, desk.alice, tid).body == "Dear John, fixed."
    sv.reply(desk.store, desk.alice, tid, "Dear John, fixed.", token=token)
    assert sv.get_draft(desk.store, desk.alice, tid) is None


def test_predefined_replies_by_scope_with_placeholders(desk: Desk) -> None:
    admin.add_reply_template(desk.store, "Hello", "Hi {client_name}, about #{ticket_id}: {staff_name} {{here}}")
    admin.add_reply_template(desk.store, "Tech", "Restart it", department="Technical support")
    admin.add_reply_template(desk.store, "Bob's", "Bob's own", staff="bob")
    tid = desk.open()
    assert [t.title for t in sv.templates_for(desk.store, desk.alice)] == ["Hello", "Tech"]
    assert [t.title for t in sv.templates_for(desk.store, desk.bob)] == ["Bob's", "Hello"]
    hello = sv.templates_for(desk.store, desk.alice)[0]
    text = sv.render_template(desk.store, desk.alice, hello.id, tid)
    # {{ }} writes a literal brace; an unknown {here} would refuse (tests/test_macros.py).
    assert text == f"Hi John Doe, about #{tid}: Alice Smith {{here}}"
    bobs = sv.templates_for(desk.store, desk.bob)[0]
    with pytest.raises(NotFound):
        sv.render_template(desk.store, desk.alice, bobs.id, tid)


def test_delay_limits_and_archived_tickets(desk: Desk) -> None:
    tid, token = desk.taken()
    with pytest.raises(BadInput, match="ten years"):
        sv.delay(desk.store, desk.alice, tid, store_clock.utcnow() + timedelta(days=4000))
    sv.reply(desk.store, desk.alice, tid, "done", close=True, token=token)
    sv.archive(desk.store, desk.john, tid)
    with pytest.raises(NotAllowed, match="archive"):
        sv.delay(desk.store, desk.alice, tid, store_clock.utcnow() + timedelta(days=1))


def test_ids_beyond_the_columns_are_simply_not_found(desk: Desk) -> None:
    for big in (2**31, 10**20, 0, -1):
        with pytest.raises(NotFound):
            sv.peek(desk.store, desk.alice, big)
        with pytest.raises(NotFound):
            sv.attachment_data(desk.store, desk.alice, big)


def test_split_keeps_the_new_ticket_visible_to_whoever_split_it(desk: Desk) -> None:
    tid = desk.open(subject="Invoice and a broken site", body="Invoice question", department="Billing")
    sv.client_reply(desk.store, desk.john, tid, "Also: my site is down.")
    sv.assign(desk.store, desk.bob, tid, staff="alice")  # alice is not in Billing
    lock = sv.take(desk.store, desk.alice, tid)
    second = sv.show(desk.store, desk.alice, tid).messages[1]
    assert second.body == "Also: my site is down."
    new = sv.split(desk.store, desk.alice, tid, second.id, token=lock.token)
    assert sv.show(desk.store, desk.alice, new).messages[0].body == "Also: my site is down."


def test_split_keeps_read_replies_read(desk: Desk) -> None:
    tid, token = desk.taken()
    sv.reply(desk.store, desk.alice, tid, "R1", token=token)
    sv.show(desk.store, desk.john, tid)  # the client reads R1
    r2 = sv.reply(desk.store, desk.alice, tid, "R2", token=token).reply_id
    new = sv.split(desk.store, desk.alice, tid, r2, token=token)
    assert sv.peek(desk.store, desk.john, tid).status == "In progress"
    assert sv.peek(desk.store, desk.john, new).status == "New messages"


def test_saving_an_attachment_stays_in_the_chosen_folder(desk: Desk, tmp_path) -> None:
    from store.files import save_into

    data = b"\x00binary\xffdata"
    tid = sv.open_ticket(desk.store, desk.john, "Billing", "s", "b",
                         attachments=[NewAttachment("../../../../tmp/evil\x1b]0;x\x07.sh", data)])
    att = sv.peek(desk.store, desk.john, tid).messages[0].attachments[0]
    view, stored = sv.attachment_data(desk.store, desk.john, att.id)
    first = save_into(tmp_path, view.name, stored)
    second = save_into(tmp_path, view.name, stored)
    assert first.parent == tmp_path and second.parent == tmp_path
    assert first.read_bytes() == data and second.name.endswith("(2).sh")
    for hostile in ("..", "../x", "/etc/passwd", "a/../../b", "\x00"):
        assert save_into(tmp_path, hostile, b"x").parent == tmp_path
    with pytest.raises(BadInput, match="no folder"):
        save_into(tmp_path / "missing", "a.txt", b"x")
