"""Full-text search (store/search.py): words, safety, sync with edits and splits, the plans."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import text

from store import clock as store_clock, search
from store import service as sv
from store.errors import BadInput
from store.seed import seed
from store.service import lists
from tests.desk import Desk, make_desk


@pytest.fixture
def desk(store) -> Desk:
    return make_desk(store)


@pytest.fixture(autouse=True)
def clock(minute_per_call_clock):
    """A minute per call: list orders are deterministic."""


def found(desk: Desk, actor, term: str, view: str = "all", **kw) -> list[int]:
    return [r.id for r in sv.list_tickets(desk.store, actor, sv.ListSpec(view, search=term, **kw),
                                          limit=500)]


# --- what the user typed ---------------------------------------------------------------------
def test_parse_splits_on_whitespace_and_drops_pieces_without_a_word() -> None:
    q = search.parse('  gmail.com  "%" (x) certif* ce* ')
    assert [(c.text, c.prefix) for c in q.chunks] == [
        ("gmail.com", False), ("(x)", False), ("certif", True), ("ce", False)]
    assert search.parse("% & |").empty
    assert search.parse(None).empty


def test_control_characters_separate_words() -> None:
    q = search.parse("a\x00b\ud800c\x1b[31md")
    assert [c.text for c in q.chunks] == ["a", "b", "c", "[31md"]


def test_too_long_a_search_is_refused_in_one_sentence() -> None:
    with pytest.raises(BadInput, match="at most 200 characters"):
        search.parse("x" * 201)
    with pytest.raises(BadInput, match="at most 12 words"):
        search.parse(" ".join("w" for _ in range(13)))


def test_fts5_text_quotes_every_chunk() -> None:
    q = search.parse('say "hi" OR NEAR(x) col:y')
    assert search.fts5_match(q, public_only=False) == \
        '"say" AND """hi""" AND "OR" AND "NEAR(x)" AND "col:y"'
    assert search.fts5_match(q, public_only=True).startswith("{subject public} : (")


# --- words, on both databases --------------------------------------------------------------
def test_whole_words_in_subjects_and_bodies_any_case(desk: Desk) -> None:
    a = desk.open(subject="SSL certificate expired", body="browser warns")
    b = desk.open(subject="Mail", body="Mails from jane@gmail.com bounce: 550 5.7.1")
    assert found(desk, desk.alice, "ssl") == [a]
    assert found(desk, desk.alice, "BROWSER") == [a]
    assert found(desk, desk.alice, "gmail") == [b]  # punctuation separates words
    assert found(desk, desk.alice, "jane@gmail.com") == [b]  # the words in a row
    assert found(desk, desk.alice, "gmail.jane") == []  # ...in that order
    assert found(desk, desk.alice, "550 bounce") == [b]  # every word, in any order
    assert found(desk, desk.alice, "ssl bounce") == []  # ...in one subject or one message
    assert found(desk, desk.alice, "certif") == []  # whole words
    assert found(desk, desk.alice, "certif*") == [a]  # unless asked for a beginning
    assert found(desk, desk.alice, "ma*") == []  # a beginning needs three letters


def test_search_works_with_views_and_the_client_filter(desk: Desk) -> None:
    a = desk.open(subject="Disk full")
    b = desk.open(subject="Disk full", client=desk.mary)
    assert found(desk, desk.alice, "disk") == [b, a]
    assert found(desk, desk.alice, "disk", client_email="mary@example.org") == [b]
    assert found(desk, desk.alice, "disk", view="queue") == [a, b]  # longest waiting first
    assert found(desk, desk.alice, "disk", view="archive") == []
    assert found(desk, desk.bob, "disk") == []  # Billing sees neither
    assert sv.count_tickets(desk.store, desk.alice, sv.ListSpec("all", search="disk")) == 2


def test_a_client_searches_only_their_tickets_and_what_they_may_read(desk: Desk) -> None:
    mine = desk.open(subject="Site down")
    desk.open(subject="Site down", client=desk.mary)
    tid, token = desk.taken(subject="Other", body="hello")
    sv.reply(desk.store, desk.alice, tid, "We restarted nginx", internal="secret kerberos note",
             token=token)
    assert found(desk, desk.alice, "kerberos") == [tid]
    assert found(desk, desk.john, "kerberos", view="queue") == []
    assert found(desk, desk.john, "nginx", view="queue") == [tid]
    assert found(desk, desk.john, "site", view="queue") == [mine]
    message = sv.assign(desk.store, desk.alice, tid, department="Billing")  # a system message
    word = max(message.split(), key=len).strip(".")
    assert tid in found(desk, desk.alice, word)
    assert tid not in found(desk, desk.john, word, view="queue")


HOSTILE = ['"', "'", '""', "AND", "OR NOT", "(", ")", "*", "**", "^x", ":", "{", "}", "NEAR(a b)",
           "a:b", "-x", "\\", "%_", "'; DROP TABLE tickets; --", "$$", "x'::tsquery", "&|!<->",
           "ü*", "日本語", "\x00", "\t\n", "e\u0301", "a" * 200, "🙂"]


def test_no_input_is_a_query_syntax_error(desk: Desk) -> None:
    desk.open(subject="AND OR NOT NEAR", body="'quoted' \"double\" a:b")
    for term in HOSTILE:
        for actor, view in ((desk.alice, "all"), (desk.john, "queue")):
            sv.list_tickets(desk.store, actor, sv.ListSpec(view, search=term))
            sv.count_tickets(desk.store, actor, sv.ListSpec(view, search=term), at_most=10)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(term=st.text(max_size=60))
def test_any_text_is_searched_or_refused_in_a_sentence(desk: Desk, term: str) -> None:
    try:
        sv.list_tickets(desk.store, desk.alice, sv.ListSpec("all", search=term))
    except BadInput:
        pass


# --- kept in sync --------------------------------------------------------------------------
def test_edits_splits_and_new_subjects_are_found_at_once(desk: Desk) -> None:
    tid, token = desk.taken(subject="Printer", body="the printer smokes")
    sv.reply(desk.store, desk.alice, tid, "unplug it", token=token)
    sv.client_reply(desk.store, desk.john, tid, "still smoking, toaster too")
    d = sv.peek(desk.store, desk.alice, tid)
    first, _, last = d.messages[0].id, d.messages[1].id, d.messages[2].id
    sv.edit_message(desk.store, desk.alice, first, "the printer is on fire", token=token)
    assert found(desk, desk.alice, "smokes") == []
    assert found(desk, desk.alice, "fire") == [tid]
    new = sv.split(desk.store, desk.alice, tid, last, token=token)
    assert found(desk, desk.alice, "toaster") == [new]
    assert found(desk, desk.alice, "unplug") == [tid]
    sv.save_parameters(desk.store, desk.alice, tid, subject="Fax", token=token)
    assert found(desk, desk.alice, "fax") == [tid]
    # "printer": the new ticket's copied subject, and the edited first message of the old one
    assert sorted(found(desk, desk.alice, "printer")) == sorted([tid, new])
    assert found(desk, desk.alice, "printer", view="all")[0] in (tid, new)


def test_seeded_tickets_are_searchable(store) -> None:
    from sqlalchemy import select

    from store.actors import staff_actor
    from store.models import Staff

    seed(store, 40, 3, rng_seed=7)
    with store.read() as s:
        tid, subject = s.execute(text("SELECT id, subject FROM tickets ORDER BY id LIMIT 1")).one()
        admin_login = s.scalar(select(Staff.login).where(Staff.is_admin).limit(1))
    word = max(subject.replace("'", " ").split(), key=len).strip("?!.,:-")
    rows = sv.list_tickets(store, staff_actor(store, admin_login), sv.ListSpec("all", search=word),
                           limit=500)
    assert tid in [r.id for r in rows]


# --- the plans agree --------------------------------------------------------------------------
PLANS = [(10**9, 10**9), (0, 10**9), (0, 2)]  # fetch-and-sort; walk with a set; walk, check each


def _force(monkeypatch, dialect: str, rare: int, dense: int) -> None:
    if dialect == "sqlite":  # (rare tickets, hits collected before checking one by one)
        monkeypatch.setattr(search, "RARE_TICKETS", rare)
        monkeypatch.setattr(search, "HITS_PROBE", min(dense, search.HITS_PROBE))
        monkeypatch.setattr(search, "HITS_CAP", dense)
    else:  # (estimated matching messages) below which each way is taken
        monkeypatch.setattr(search, "RARE_DOCS_PG", rare)
        monkeypatch.setattr(search, "DENSE_DOCS_PG", dense)


def test_every_plan_gives_the_same_pages(desk: Desk, monkeypatch) -> None:
    made = []
    for i in range(24):
        body = "router reboot" if i % 3 else "router"
        made.append(desk.open(subject=f"t{i}", body=body, client=desk.mary if i % 4 == 0 else None))
    lock = sv.take(desk.store, desk.alice, made[5])
    sv.save_parameters(desk.store, desk.alice, made[5], placed_first=True, token=lock.token)
    results = []
    for rare, dense in PLANS:
        _force(monkeypatch, desk.store.dialect, rare, dense)
        got = {}
        for actor, view in ((desk.alice, "queue"), (desk.alice, "all"), (desk.john, "queue")):
            spec = sv.ListSpec(view, search="router reboot")
            whole = [r.id for r in sv.list_tickets(desk.store, actor, spec, limit=500)]
            pages, after = [], None
            while True:
                page = sv.list_tickets(desk.store, actor, spec, limit=4, after=after)
                if not page:
                    break
                pages += [r.id for r in page]
                after = page[-1].sort_key
            assert pages == whole
            back = sv.list_tickets(desk.store, actor, spec, limit=3,
                                   before=sv.list_tickets(desk.store, actor, spec, limit=500)[-1].sort_key)
            assert [r.id for r in back] == whole[-4:-1]
            got[(actor.login if hasattr(actor, "login") else actor.email, view)] = whole
        results.append(got)
    assert all(r == results[0] for r in results)
    want = sorted(t for i, t in enumerate(made) if i % 3)
    assert sorted(results[0][("alice", "all")]) == want
    assert sorted(results[0][("john@example.com", "queue")]) == [t for t in want if made.index(t) % 4]


# --- keyset pages seek, they don't scan ----------------------------------------------------
def test_pages_over_equal_keys_and_mixed_directions(desk: Desk) -> None:
    from store import admin

    admin.set_setting(desk.store, "use_priority", "true")
    made = []
    for i in range(30):
        made.append(sv.open_ticket(desk.store, desk.john, "Technical support", f"t{i}", "b",
                                   priority=("low", "normal", "high", "urgent")[i % 4]))
    for tid in made[::7]:
        lock = sv.take(desk.store, desk.alice, tid)
        sv.save_parameters(desk.store, desk.alice, tid, placed_first=True, token=lock.token)
    for tid in made[1::5]:
        lock = sv.take(desk.store, desk.carol, tid, force=True)
        sv.reply(desk.store, desk.carol, tid, "answered", token=lock.token)
    spec = sv.ListSpec("queue")
    whole = [r.id for r in sv.list_tickets(desk.store, desk.alice, spec, limit=500)]
    assert sorted(whole) == sorted(made)
    for size in (1, 4, 7):
        pages, after = [], None
        while page := sv.list_tickets(desk.store, desk.alice, spec, limit=size, after=after):
            pages += [r.id for r in page]
            after = page[-1].sort_key
        assert pages == whole
        back, before = [], None
        while page := (sv.list_tickets(desk.store, desk.alice, spec, limit=size, before=before)
                       if before else sv.list_tickets(desk.store, desk.alice, spec, limit=size, last=True)):
            back = [r.id for r in page] + back
            before = page[0].sort_key
        assert back == whole
    middle = sv.list_tickets(desk.store, desk.alice, spec, limit=500)[11].sort_key
    assert [r.id for r in sv.list_tickets(desk.store, desk.alice, spec, limit=5, start=middle)] == whole[11:16]


def test_the_queue_reads_its_partial_index_on_sqlite(sqlite_url: str) -> None:
    from store.db import Store

    store = Store.open(sqlite_url)
    try:
        desk = make_desk(store)
        desk.open()
        with store.sql() as q:
            params: dict = {"row_actor": desk.alice.id}
            order = lists._order(q, desk.alice, "queue")
            where = lists._where(lists._filters(q, desk.alice, sv.ListSpec(), params))
            sql = (f"{lists._rows_sql(False)} WHERE {where} "
                   f"ORDER BY {lists._sort(order, False)} LIMIT 10")
            plan = " ".join(str(r) for r in q.rows("EXPLAIN QUERY PLAN " + sql, params))
        assert "ix_tickets_queue" in plan and "TEMP B-TREE" not in plan
    finally:
        store.close()


# --- the list on screen -----------------------------------------------------------------------
async def test_a_new_list_supersedes_a_fetch_still_running() -> None:
    """Rows fetched ahead for the old list must not land in the new one (a search typed while
    the next page was on its way), and the new list is always fetched."""
    import threading

    from textual.app import App

    from store.views import TicketRow
    from tui.widgets.ticket_table import TicketTable

    now = store_clock.utcnow()

    def row(i: int, subject: str) -> TicketRow:
        return TicketRow(i, subject, "c@example.com", "C", "Dept", "In progress", 2, False, None,
                         None, None, False, False, True, now, now, False, sort_key=(now, i))

    gate = threading.Event()
    lists_shown = {"current": "old"}

    def fetcher(page):
        if lists_shown["current"] == "old":
            gate.wait(5)
            return [row(i, "old") for i in range(3)]
        return [row(i, "new") for i in range(100, 103)]

    class TableApp(App[None]):
        def compose(self):
            yield TicketTable(fetcher)

    app = TableApp()
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(TicketTable)
        table.reset()  # the old list: its fetch hangs
        await pilot.pause(0.05)
        lists_shown["current"] = "new"
        table.reset()  # the new list, while the old fetch still runs
        await pilot.pause(0.2)
        gate.set()
        await pilot.pause(0.3)
        assert [r.subject for r in table.rows] == ["new"] * 3
        assert not table.fetching
