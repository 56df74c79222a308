"""A bulk action's selection made by a list's query (issue 20): walked page by page in id order,
never read whole, and exactly the tickets the list shows; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from store import service as sv
from store.actors import staff_actor
from store.seed import seed
from store.service import bulk

TICKETS = 4000


@pytest.fixture
def seeded(store):
    seed(store, TICKETS, 1, rng_seed=11)
    return store


@pytest.fixture
def pages_read(monkeypatch) -> list[int]:
    """The size of each page of ids the walk reads (the real query, counted)."""
    sizes: list[int] = []
    real = bulk.selection_page

    def counted(*args, **kwargs):
        page = real(*args, **kwargs)
        assert kwargs["limit"] == bulk.PAGE
        sizes.append(len(page))
        return page

    monkeypatch.setattr(bulk, "selection_page", counted)
    return sizes


def listed(store, actor, spec: sv.ListSpec) -> list[int]:
    """The list's own tickets, through its own pages."""
    ids, after = [], None
    while True:
        page = sv.list_tickets(store, actor, spec, limit=500, after=after)
        ids += [r.id for r in page]
        if len(page) < 500:
            return sorted(ids)
        after = page[-1].sort_key


def common_word(store, actor) -> str:
    """A word of the first ticket's subject that many tickets share."""
    first = sv.list_tickets(store, actor, sv.ListSpec("all"), limit=1, last=True)[0]
    return max(first.subject.replace("'", " ").split(), key=len).strip("?!.,:-()\"")


def test_the_walk_reads_pages_and_finds_what_the_list_shows(seeded, pages_read) -> None:
    samir = staff_actor(seeded, "samir.haddad")  # Technical support: a part of the desk
    for spec in (sv.ListSpec("all"), sv.ListSpec("queue"),
                 sv.ListSpec("all", search=common_word(seeded, samir))):
        pages_read.clear()
        want = listed(seeded, samir, spec)
        got = list(sv.selected_ids(seeded, samir, sv.Selection.of_list(spec)))
        assert want and got == want, spec
        assert len(want) > 2 * bulk.PAGE or spec.view == "queue" or spec.search, f"{spec}: too few"
        assert all(n <= bulk.PAGE for n in pages_read)
        assert sum(pages_read) == len(want)
        assert len(pages_read) == len(want) // bulk.PAGE + 1


def test_a_run_reads_no_page_before_it_needs_it(seeded, pages_read) -> None:
    admin = staff_actor(seeded, "alex.morgan")
    selection = sv.Selection.of_list(sv.ListSpec("all"))
    reached = []

    def until_450(done: int, total: int) -> bool:
        reached.append(done)
        assert total == TICKETS
        return done < 450

    result = sv.run_bulk(seeded, admin, selection, sv.BulkAction("favorite"), progress=until_450)
    assert len(result.done) == 450 and result.untouched == TICKETS - 450
    assert pages_read == [bulk.PAGE] * 3  # 600 ids read for 450 tickets, of 4000
    favorites = listed(seeded, admin, sv.ListSpec("favorites"))
    assert favorites == sorted(result.done)


def test_a_ticket_opened_during_the_run_was_not_selected(store) -> None:
    from tests.desk import make_desk

    desk = make_desk(store)
    first = [desk.open() for _ in range(3)]
    opened = []

    def open_one_more(done: int, total: int) -> None:
        if done == 1:
            opened.append(desk.open())

    result = sv.run_bulk(store, desk.alice, sv.Selection.of_list(sv.ListSpec("queue")),
                         sv.BulkAction("take"), progress=open_one_more)
    assert list(result.done) == first
    assert sv.peek(store, desk.root, opened[0]).locked_by is None


def test_a_list_marked_whole_but_a_few_leaves_those_few_untouched(store) -> None:
    """The TUI's `*` then space on a row: every ticket of the view except the unmarked ones,
    still a query (the exceptions are the only ids held)."""
    from tests.desk import make_desk

    desk = make_desk(store)
    tickets = [desk.open() for _ in range(5)]
    kept = {tickets[1], tickets[3]}
    selection = sv.Selection.of_list(sv.ListSpec("queue"), excluded=kept)
    assert selection.ids is None
    seen = []
    result = sv.run_bulk(store, desk.alice, selection, sv.BulkAction("favorite"),
                         progress=lambda done, total: seen.append(total))
    assert sorted(result.done) == sorted(set(tickets) - kept)
    assert set(seen) == {3}  # the total counts the exceptions out
    assert sorted(listed(store, desk.alice, sv.ListSpec("favorites"))) == sorted(set(tickets) - kept)
