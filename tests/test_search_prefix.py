"""A word's beginning (`certif*`): on SQLite it is looked up in the index's word list and
searched as those words (store/search.py, expand_prefixes), never left to FTS5 to expand in
memory; the tickets found, their order and their pages are those FTS5's own prefix query
finds. Both databases agree on what a beginning finds."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from store import search
from store import service as sv
from tests.desk import Desk, make_desk


@pytest.fixture(autouse=True)
def clock(minute_per_call_clock):
    """A minute per call: list orders are deterministic."""


@pytest.fixture
def desk(store) -> Desk:
    return make_desk(store)


def found(desk: Desk, actor, term: str, view: str = "all") -> list[int]:
    return [r.id for r in sv.list_tickets(desk.store, actor, sv.ListSpec(view, search=term),
                                          limit=500)]


def pages(desk: Desk, actor, term: str, view: str, size: int) -> list[int]:
    spec = sv.ListSpec(view, search=term)
    out, after = [], None
    while page := sv.list_tickets(desk.store, actor, spec, limit=size, after=after):
        out += [r.id for r in page]
        after = page[-1].sort_key
    return out


def native(monkeypatch) -> None:
    """Every beginning left to FTS5's own prefix query, as before expand_prefixes."""
    monkeypatch.setattr(search, "expand_prefixes", lambda q, query: {})


CORPUS = [  # (subject, body)
    ("SSL certificate expired", "the browser warns"),
    ("Certified mail", "jane@gmail.com wrote: certification pending"),
    ("Cart broken", "my shopping cart is empty"),
    ("Certs", "cert renewal for shop.example.com"),
    ("Mail", "Mails from jane@gmail.co.uk bounce"),
    ("Colours", "the colour of the header"),
    ("Cat", "a category of its own"),
    ("Nothing", "nothing to see"),
]


def seeded(desk: Desk) -> list[int]:
    made = []
    for i, (subject, body) in enumerate(CORPUS * 2):
        made.append(desk.open(subject=f"{subject} {i}", body=body,
                              client=desk.mary if i % 3 == 0 else None))
    tid, token = desk.taken(subject="Internal only", body="hello")
    sv.reply(desk.store, desk.alice, tid, "visible answer", internal="certifiable kerberos note",
             token=token)
    return made + [tid]


# --- both databases --------------------------------------------------------------------------
def test_a_beginning_finds_every_word_it_starts(desk: Desk) -> None:
    made = seeded(desk)
    by_subject = {i: made[i] for i in range(len(CORPUS) * 2)}
    cert = {by_subject[i] for i in range(len(by_subject)) if CORPUS[i % len(CORPUS)][0]
            in ("SSL certificate expired", "Certified mail", "Certs")}
    assert set(found(desk, desk.alice, "cert*")) == cert | {made[-1]}  # "certifiable", internal
    assert set(found(desk, desk.alice, "certif*")) == {t for t in cert if t not in (
        by_subject[3], by_subject[11])} | {made[-1]}
    assert found(desk, desk.john, "certifiab*", view="queue") == []  # staff-only text
    assert set(found(desk, desk.alice, "jane@gma*")) == {  # the words in a row, then a beginning
        by_subject[1], by_subject[9], by_subject[4], by_subject[12]}
    assert set(found(desk, desk.alice, "jane@gmail.co*")) == {  # 'co': too short, a whole word
        by_subject[4], by_subject[12]}
    assert set(found(desk, desk.alice, "gmail.co*  bounce")) == {by_subject[4], by_subject[12]}
    assert found(desk, desk.alice, "zzzq*") == []  # a beginning no word has
    assert found(desk, desk.alice, "certif* zzzq*") == []
    assert found(desk, desk.alice, "cer") == []  # whole words without the star
    assert sv.count_tickets(desk.store, desk.alice, sv.ListSpec("all", search="cert*")) == len(cert) + 1
    whole = found(desk, desk.alice, "c*a*t*")  # 'c' is too short a beginning: words c, a, t
    assert whole == []


def test_pages_of_a_beginning_are_the_whole_list_in_order(desk: Desk) -> None:
    seeded(desk)
    for term in ("cert*", "ca*", "colo*", "the*"):
        for actor, view in ((desk.alice, "all"), (desk.alice, "queue"), (desk.john, "queue")):
            whole = found(desk, actor, term, view)
            assert pages(desk, actor, term, view, 3) == whole
            assert sv.count_tickets(desk.store, actor, sv.ListSpec(view, search=term)) == len(whole)


# --- SQLite: the same tickets as FTS5's own prefix query ---------------------------------------
SEARCHES = ["cert*", "certif*", "certificat*", "CERT*", "ca*", "cat*", "colo*", "the*", "mai*",
            "jane@gmail.co*", "jane@gma*", "gmail.co*", "gmail.com*", "shop.exa*", "cert* mail*", "ssl cert*", "zzzq*",
            "certif* zzzq*", "wro* certif*", "kerb*", "ma*"]


def test_expanded_beginnings_find_what_fts5_finds(sqlite_desk: Desk, monkeypatch) -> None:
    desk = sqlite_desk
    seeded(desk)
    cases = [(a, v) for a, v in ((desk.alice, "all"), (desk.alice, "queue"), (desk.john, "queue"))]

    def everything() -> dict:
        return {(term, i): (found(desk, actor, term, view), pages(desk, actor, term, view, 2),
                            sv.count_tickets(desk.store, actor, sv.ListSpec(view, search=term),
                                             at_most=3))
                for term in SEARCHES for i, (actor, view) in enumerate(cases)}

    expanded = everything()
    native(monkeypatch)
    assert expanded == everything()
    assert any(ids for ids, _, _ in expanded.values())


def test_a_beginning_becomes_the_words_it_starts(sqlite_desk: Desk) -> None:
    desk = sqlite_desk
    seeded(desk)
    with desk.store.sql() as q:
        got = search.expand_prefixes(q, search.parse("ssl Certif* jane@Gmai* zzzq* mail"))
    assert got == {1: ["certifiable", "certificate", "certification", "certified"],
                   2: ["jane gmail"], 3: []}
    with desk.store.sql() as q:
        params: dict = {}
        plan = search.plan(q, "certif* zzzq*", params, public_only=False)
    assert plan is search.NOTHING and not params


def test_accents_and_case_are_folded_as_the_index_folds_them(sqlite_desk: Desk, monkeypatch) -> None:
    desk = sqlite_desk
    a = desk.open(subject="Müller's Übersicht", body="Ça marche, état des lieux")
    with desk.store.sql() as q:
        assert search.expand_prefixes(q, search.parse("MÜLL* ueb* eta*")) == {
            0: ["muller"], 1: [], 2: ["etat"]}  # "ü" folds to "u", not "ue"
    want = {term: found(desk, desk.alice, term) for term in ("MÜLL*", "müll*", "mull*", "übe*",
                                                               "ça*", "éta*", "etat*")}
    assert want["müll*"] == want["mull*"] == want["übe*"] == want["éta*"] == [a]
    native(monkeypatch)
    assert want == {term: found(desk, desk.alice, term) for term in want}


def test_a_beginning_of_too_many_words_is_left_to_fts5(sqlite_desk: Desk, monkeypatch) -> None:
    desk = sqlite_desk
    seeded(desk)
    monkeypatch.setattr(search, "PREFIX_WORDS", 2)
    with desk.store.sql() as q:
        got = search.expand_prefixes(q, search.parse("certif* colo*"))
    assert got == {1: ["colour", "colours"]}  # four words begin with certif: FTS5 expands it
    before = found(desk, desk.alice, "certif* colo*"), found(desk, desk.alice, "cert*")
    native(monkeypatch)
    assert before == (found(desk, desk.alice, "certif* colo*"), found(desk, desk.alice, "cert*"))


def test_the_words_are_made_by_the_index_s_own_tokenizer(sqlite_desk: Desk) -> None:
    with sqlite_desk.store.sql() as q:
        table = q.value("SELECT sql FROM sqlite_master WHERE name = :name",
                        {"name": search.FTS_TABLE})
    assert f"tokenize='{search.FTS_TOKENIZER}'" in table


def test_new_words_are_found_at_once(sqlite_desk: Desk) -> None:
    desk = sqlite_desk
    assert found(desk, desk.alice, "zebr*") == []
    a = desk.open(subject="Zebra crossing")
    assert found(desk, desk.alice, "zebr*") == [a]
    b = desk.open(subject="Zebrafish tank")
    assert found(desk, desk.alice, "zebr*") == [b, a]


WORDS = ["cert", "certif", "certificate", "certified", "cart", "care", "carefully", "cat",
         "category", "catalog", "co", "com", "colour", "color", "comma", "x1", "x12", "x123"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_beginning_finds_what_fts5_finds(sqlite_desk: Desk, monkeypatch, data) -> None:
    desk = sqlite_desk
    with desk.store.sql() as q:
        empty = q.value("SELECT count(*) FROM tickets") == 0
    if empty:
        for i in range(30):
            words = [WORDS[(i * 7 + k * 5) % len(WORDS)] for k in range(1 + i % 4)]
            desk.open(subject=" ".join(words[:2]), body=".".join(words))
    chunks = data.draw(st.lists(st.sampled_from(WORDS).map(lambda w: w[:max(3, len(w) - 2)] + "*")
                                | st.sampled_from(WORDS), min_size=1, max_size=3))
    term = " ".join(chunks)
    with monkeypatch.context() as m:
        expanded = found(desk, desk.alice, term), found(desk, desk.john, term, "queue")
        m.setattr(search, "expand_prefixes", lambda q, query: {})
        assert expanded == (found(desk, desk.alice, term), found(desk, desk.john, term, "queue"))
