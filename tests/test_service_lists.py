"""The queue order, the all-tickets order, filters, search and keyset pagination."""

from __future__ import annotations

from datetime import timedelta

import pytest

from store import admin, clock as store_clock
from store import service as sv
from store.errors import BadInput, NotFound
from tests.desk import Desk, make_desk


@pytest.fixture
def desk(store) -> Desk:
    return make_desk(store)


class Clock:
    """Moves the store's time forward a minute per call, so orders are deterministic."""

    def __init__(self) -> None:
        self.t = store_clock.utcnow()

    def __call__(self):
        self.t += timedelta(minutes=1)
        return self.t


@pytest.fixture
def clock(monkeypatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(store_clock, "utcnow", c)
    return c


def ids(desk: Desk, actor, view: str = "queue", **kw) -> list[int]:
    return [r.id for r in sv.list_tickets(desk.store, actor, sv.ListSpec(view, **kw), limit=500)]


def test_queue_order_placed_first_then_waiting_longest(desk: Desk, clock) -> None:
    a, b, c, d = (desk.open(subject=s) for s in "abcd")
    lock = sv.take(desk.store, desk.alice, b)
    sv.reply(desk.store, desk.alice, b, "answered", token=lock.token)  # b no longer waits
    lock_d = sv.take(desk.store, desk.alice, d)
    sv.save_parameters(desk.store, desk.alice, d, placed_first=True, token=lock_d.token)
    assert ids(desk, desk.alice) == [d, a, c, b]


def test_queue_order_uses_priority_only_when_priorities_are_on(desk: Desk, clock) -> None:
    admin.set_setting(desk.store, "use_priority", "true")
    low = sv.open_ticket(desk.store, desk.john, "Technical support", "low", "b", priority="low")
    urgent = sv.open_ticket(desk.store, desk.john, "Technical support", "urgent", "b", priority="urgent")
    assert ids(desk, desk.alice) == [urgent, low]
    admin.set_setting(desk.store, "use_priority", "false")
    assert ids(desk, desk.alice) == [low, urgent]


def test_the_queue_holds_only_open_tickets_of_my_departments(desk: Desk, clock) -> None:
    tech, billing = desk.open(), desk.open(department="Billing")
    lock = sv.take(desk.store, desk.alice, tech)
    sv.reply(desk.store, desk.alice, tech, "done", close=True, token=lock.token)
    assert ids(desk, desk.alice) == [] and ids(desk, desk.alice, "all") == [tech]
    assert ids(desk, desk.bob) == [billing]
    assert set(ids(desk, desk.root)) == {billing}
    assert set(ids(desk, desk.root, "all")) == {tech, billing}


def test_all_tickets_newest_activity_first_including_the_archive(desk: Desk, clock) -> None:
    a, b = desk.open(), desk.open()
    lock = sv.take(desk.store, desk.alice, a)
    sv.reply(desk.store, desk.alice, a, "done", close=True, token=lock.token)
    sv.archive(desk.store, desk.john, a)
    assert ids(desk, desk.alice, "all") == [a, b]
    assert ids(desk, desk.alice, "archive") == [a]
    sv.client_reply(desk.store, desk.john, b, "news")
    assert ids(desk, desk.alice, "all") == [b, a]


def test_filter_by_client(desk: Desk, clock) -> None:
    j = desk.open()
    m = desk.open(client=desk.mary)
    assert ids(desk, desk.alice, "all", client_email="mary@example.org") == [m]
    assert ids(desk, desk.alice, "all", client_email="JOHN@example.com") == [j]
    with pytest.raises(NotFound):
        ids(desk, desk.alice, "all", client_email="nobody@example.com")


def test_search_subjects_and_bodies_by_words(desk: Desk, clock) -> None:
    a = desk.open(subject="SSL certificate expired", body="browser warns")
    b = desk.open(subject="Invoice", body="100% wrong_amount")
    tid = desk.open(subject="Other", body="nothing")
    lock = sv.take(desk.store, desk.alice, tid)
    sv.reply(desk.store, desk.alice, tid, "", internal="secret ssl note", token=lock.token)
    assert ids(desk, desk.alice, "all", search="ssl") == [tid, a]
    assert ids(desk, desk.john, "queue", search="ssl") == [a]  # clients don't search internal notes
    # Words, not substrings (see store/search.py): punctuation separates words and is
    # never query syntax; a search with no word in it finds nothing.
    assert ids(desk, desk.alice, "all", search="100%") == [b]
    assert ids(desk, desk.alice, "all", search="wrong_amount") == [b]
    assert ids(desk, desk.alice, "all", search="g_a") == []
    assert ids(desk, desk.alice, "all", search="%") == []


def test_keyset_pages_cover_the_list_exactly_once_in_both_directions(desk: Desk, clock) -> None:
    made = [desk.open(subject=f"t{i}") for i in range(23)]
    for view in ("queue", "all"):
        spec = sv.ListSpec(view)
        whole = [r.id for r in sv.list_tickets(desk.store, desk.alice, spec, limit=500)]
        assert sorted(whole) == sorted(made)
        pages, after = [], None
        while True:
            page = sv.list_tickets(desk.store, desk.alice, spec, limit=5, after=after)
            if not page:
                break
            pages += [r.id for r in page]
            after = page[-1].sort_key
        assert pages == whole
        last = sv.list_tickets(desk.store, desk.alice, spec, limit=500)[-1]
        back = sv.list_tickets(desk.store, desk.alice, spec, limit=5, before=last.sort_key)
        assert [r.id for r in back] == whole[-6:-1]
        assert sv.count_tickets(desk.store, desk.alice, spec) == 23


def test_views_are_checked(desk: Desk) -> None:
    with pytest.raises(BadInput):
        sv.list_tickets(desk.store, desk.alice, sv.ListSpec("nope"))
    with pytest.raises(BadInput):
        sv.list_tickets(desk.store, desk.john, sv.ListSpec("favorites"))
    with pytest.raises(BadInput):
        sv.list_tickets(desk.store, desk.alice, limit=0)


def test_change_marker_grows_with_every_change(desk: Desk) -> None:
    first = sv.change_marker(desk.store)
    tid = desk.open()
    second = sv.change_marker(desk.store)
    sv.show(desk.store, desk.alice, tid)  # viewing changes nothing for others
    assert first < second == sv.change_marker(desk.store)


def test_the_last_page(desk: Desk, clock) -> None:
    made = [desk.open(subject=f"t{i}") for i in range(7)]
    last = sv.list_tickets(desk.store, desk.alice, sv.ListSpec("all"), limit=3, last=True)
    assert [r.id for r in last] == sorted(made, reverse=True)[-3:]
