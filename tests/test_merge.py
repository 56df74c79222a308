"""Merge (issue 20): the rules and what moves, on SQLite and, as each person's own login role,
on PostgreSQL (the `store` fixture)."""

from __future__ import annotations

import pytest

from store import service as sv
from store.errors import NotAllowed
from store.views import NewAttachment
from tests.desk import Desk, make_desk
from tests.snapshot import snapshot


@pytest.fixture
def desk(store) -> Desk:
    return make_desk(store)


def two_taken(desk: Desk, staff=None) -> tuple[int, int]:
    """Two tickets of john's, the later one with a reply, a charge and a file; both taken."""
    staff = staff or desk.alice
    target = desk.open(subject="Site down", body="example.com is down")
    source = desk.open(subject="Still down", body="and the mail too")
    lock = sv.take(desk.store, staff, source)
    sv.reply(desk.store, staff, source, "Looking", charge="3.00", token=lock.token,
             attachments=[NewAttachment("log.txt", b"log")])
    sv.take(desk.store, staff, target)
    return source, target


def public(detail) -> list[str]:
    return [m.body for m in detail.messages if m.kind != "system"]


def test_merge_moves_messages_charges_and_files_in_time_order(desk: Desk) -> None:
    source, target = two_taken(desk)
    before = sv.show(desk.store, desk.root, source)
    assert sv.merge(desk.store, desk.alice, source, target) == target
    merged = sv.show(desk.store, desk.root, target)
    assert public(merged) == ["example.com is down", "and the mail too", "Looking"]
    ids = [m.id for m in merged.messages]
    assert ids == sorted(ids)
    moved = [m for m in merged.messages if m.id in {b.id for b in before.messages}]
    assert {m.merged_from for m in moved} == {source}
    assert [a.name for m in moved for a in m.attachments] == ["log.txt"]
    assert [c.amount_cents for c in merged.charges] == [300]
    assert merged.messages[-1].body == f"Ticket #{source} was merged into this ticket by Alice Smith."
    stub = sv.show(desk.store, desk.root, source)
    assert stub.merged_into == target and stub.status == f"Merged into #{target}"
    assert stub.locked_by is None and not any(h.is_open for h in stub.holders)
    assert [m.body for m in stub.messages] == [f"Merged into #{target} by Alice Smith."]
    assert merged.locked_by == "alice"


def test_the_client_sees_one_ticket_and_the_right_unread_count(desk: Desk) -> None:
    target = desk.open(body="first")
    source = desk.open(body="second")
    for tid in (target, source):
        lock = sv.take(desk.store, desk.alice, tid)
        sv.reply(desk.store, desk.alice, tid, f"answer to {tid}", token=lock.token)
    sv.merge(desk.store, desk.alice, source, target)
    rows = sv.list_tickets(desk.store, desk.john, sv.ListSpec("queue"))
    assert [r.id for r in rows] == [target]
    assert sv.count_tickets(desk.store, desk.john, sv.ListSpec("queue")) == 1
    assert sv.count_tickets(desk.store, desk.john, sv.ListSpec("archive")) == 0
    assert rows[0].status == "New messages"
    shown = sv.show(desk.store, desk.john, target)  # reading clears the unread replies
    assert public(shown) == ["first", "second", f"answer to {target}", f"answer to {source}"]
    assert sv.list_tickets(desk.store, desk.john, sv.ListSpec("queue"))[0].status == "In progress"


def test_favorites_seen_marks_and_holders_follow(desk: Desk) -> None:
    target = desk.open(department="Billing", body="billing question")
    source = desk.open(body="site question")
    sv.set_favorite(desk.store, desk.carol, source, True)
    sv.take(desk.store, desk.root, source)
    sv.merge(desk.store, desk.root, source, target)
    favorites = sv.list_tickets(desk.store, desk.carol, sv.ListSpec("favorites"))
    assert [r.id for r in favorites] == [target]
    # Technical support held the source: it now holds the target, and carol (Tech) sees it.
    holders = {(h.name, h.is_open) for h in sv.show(desk.store, desk.root, target).holders}
    assert {("Technical support", True), ("Billing", True)} <= holders
    assert target in [r.id for r in sv.list_tickets(desk.store, desk.carol, sv.ListSpec("queue"))]
    assert source not in [r.id for r in sv.list_tickets(desk.store, desk.carol, sv.ListSpec("queue"))]


@pytest.mark.parametrize("case", ["itself", "not locked", "other's lock", "two clients",
                                  "stub source", "into stub"])
def test_refusals_write_nothing(desk: Desk, case: str) -> None:
    source, target = two_taken(desk)
    actor, confirmed = desk.alice, False
    if case == "itself":
        target, error = source, NotAllowed
    elif case == "not locked":
        sv.close(desk.store, desk.alice, target)
        error = NotAllowed
    elif case == "other's lock":
        sv.take(desk.store, desk.carol, target, force=True)
        error = NotAllowed
    elif case == "two clients":
        target = desk.open(client=desk.mary)
        sv.take(desk.store, desk.alice, target)
        error = NotAllowed
    else:
        third = desk.open()
        sv.take(desk.store, desk.alice, third)
        sv.merge(desk.store, desk.alice, third, target)
        source, target = (third, target) if case == "stub source" else (source, third)
        error = NotAllowed
    before = snapshot(desk.store)
    with pytest.raises(error) as refused:
        sv.merge(desk.store, actor, source, target, confirmed=confirmed)
    assert "\n" not in str(refused.value) and str(refused.value).endswith(".")
    assert snapshot(desk.store) == before


def test_an_administrator_merges_two_clients_only_when_confirmed(desk: Desk) -> None:
    source = desk.open(client=desk.mary, department="Billing", body="mary's")
    target = desk.open(body="john's")
    with pytest.raises(NotAllowed, match="confirm"):
        sv.merge(desk.store, desk.root, source, target)
    sv.merge(desk.store, desk.root, source, target, confirmed=True)  # no lock needed
    assert public(sv.show(desk.store, desk.root, target)) == ["mary's", "john's"]
    assert sv.list_tickets(desk.store, desk.mary, sv.ListSpec("queue")) == []


def test_stubs_never_chain_and_a_cycle_is_refused(desk: Desk) -> None:
    a, b, c = desk.open(body="a"), desk.open(body="b"), desk.open(body="c")
    sv.merge(desk.store, desk.root, a, b)
    sv.merge(desk.store, desk.root, b, c)
    assert sv.show(desk.store, desk.root, a).merged_into == c  # repointed, not a → b → c
    with pytest.raises(NotAllowed, match=f"merged into #{c}"):
        sv.merge(desk.store, desk.root, c, a)
    assert public(sv.show(desk.store, desk.root, c)) == ["a", "b", "c"]
    froms = {m.body: m.merged_from for m in sv.show(desk.store, desk.root, c).messages}
    assert (froms["a"], froms["b"], froms["c"]) == (a, b, None)


def test_split_at_the_first_moved_message_gives_the_sets_back(desk: Desk) -> None:
    source, target = two_taken(desk)
    original = {tid: public(sv.show(desk.store, desk.root, tid)) for tid in (source, target)}
    sv.merge(desk.store, desk.alice, source, target)
    merged = sv.show(desk.store, desk.alice, target)
    first_moved = min(m.id for m in merged.messages if m.merged_from == source)
    lock = sv.take(desk.store, desk.alice, target)
    new = sv.split(desk.store, desk.alice, target, first_moved, token=lock.token)
    assert public(sv.show(desk.store, desk.root, target)) == original[target]
    assert public(sv.show(desk.store, desk.root, new)) == original[source]


def test_a_merge_keeps_every_message_exactly_once(desk: Desk) -> None:
    source, target = two_taken(desk)
    before = snapshot(desk.store)
    sv.merge(desk.store, desk.alice, source, target)
    after = snapshot(desk.store)
    old_ids = {row[0] for row in before["messages"]}
    new_rows = {row[0]: row for row in after["messages"]}
    assert old_ids <= set(new_rows) and len(after["messages"]) == len(before["messages"]) + 2
    assert len(after["attachments"]) == len(before["attachments"])
    assert len(after["charges"]) == len(before["charges"])


def test_a_stub_takes_no_lock_assignment_or_client_message(desk: Desk) -> None:
    source, target = two_taken(desk)
    sv.merge(desk.store, desk.alice, source, target)
    before = snapshot(desk.store)
    sentence = f"Ticket #{source} was merged into #{target}; open #{target} instead."
    for attempt in (lambda: sv.take(desk.store, desk.carol, source),
                    lambda: sv.assign(desk.store, desk.alice, source, department="Billing"),
                    lambda: sv.client_reply(desk.store, desk.john, source, "hello?")):
        with pytest.raises(NotAllowed) as refused:
            attempt()
        assert str(refused.value) == sentence
    assert snapshot(desk.store) == before


def test_a_failure_half_way_leaves_nothing_half_done(sqlite_desk: Desk, monkeypatch) -> None:
    """The moves are made, then the system message fails: the whole merge is rolled back.
    SQLite only: on PostgreSQL the merge is one definer function call, whole or not at all."""
    import store.service.merging as merging

    desk = sqlite_desk

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is gone")

    source, target = two_taken(desk)
    before = snapshot(desk.store)
    monkeypatch.setattr(merging, "system_message", broken)
    with pytest.raises(RuntimeError):
        sv.merge(desk.store, desk.alice, source, target)
    assert snapshot(desk.store) == before
