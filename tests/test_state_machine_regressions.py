"""Minimal reproductions of the store bugs the state machine (tests/test_state_machine.py) found,
on SQLite and PostgreSQL: all fixed; each docstring says what went wrong before."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest

from store import admin
from store import service as sv
from store.clock import utcnow
from store.db import Store
from store.errors import BadInput, StoreError
from store.views import NewAttachment
from tests.state_machine.help_desk import EMAILS, Desk, populate
from tests.state_machine.tables import snapshot


@pytest.fixture
def desk(store: Store) -> Desk:
    return populate(store)


def _open(store: Store, desk: Desk, subject: str = "Site down", body: str = "It is down.") -> int:
    return sv.open_ticket(store, desk.clients[EMAILS[0]], "Billing", subject, body)


NUL_WRITES = {
    "set_summary": lambda store, d, tid: sv.set_summary(store, d.staff["bob"], tid, "a\x00b"),
    "register_abuse": lambda store, d, tid: sv.register_abuse(store, d.staff["bob"], tid, "spam", "a\x00b"),
    "set_client_comment": lambda store, d, tid: sv.set_client_comment(store, d.staff["bob"], tid, "a\x00b"),
    "add_client": lambda store, d, tid: admin.add_client(store, "nul@example.com", "Nul", "a\x00b"),
    "add_reply_template": lambda store, d, tid: admin.add_reply_template(store, "Title", "a\x00b"),
}


@pytest.mark.parametrize("action", sorted(NUL_WRITES))
def test_text_with_nul_is_refused_not_a_crash(store: Store, desk: Desk, action: str) -> None:
    """Messages and drafts refuse a NUL with BadInput; these texts don't check: PostgreSQL then
    fails with sqlalchemy.exc.DataError ("text fields cannot contain NUL"), not a StoreError,
    and SQLite stores the NUL."""
    tid = _open(store, desk)
    before = snapshot(store)
    with pytest.raises(BadInput):
        NUL_WRITES[action](store, desk, tid)
    assert snapshot(store) == before


@pytest.mark.parametrize("spec", [sv.ListSpec("all", search="a\x00b"),
                                  sv.ListSpec("all", client_email="a\x00@example.com")],
                         ids=["search", "client_email"])
def test_list_filters_with_nul_are_refused_not_a_crash(store: Store, desk: Desk, spec) -> None:
    """A NUL typed into the client filter: PostgreSQL raises DataError ("text fields cannot
    contain NUL"), not a StoreError. (The same in the search box was fixed meanwhile.)"""
    _open(store, desk)
    try:
        sv.list_tickets(store, desk.staff["root"], spec)
    except StoreError:
        pass


def test_attachment_content_type_with_nul_is_not_a_crash(store: Store, desk: Desk) -> None:
    """The file name is cleaned of control characters, the content type is not: PostgreSQL
    raises DataError for the whole client message."""
    tid = _open(store, desk)
    try:
        sv.client_reply(store, desk.clients[EMAILS[0]], tid, "see file",
                        [NewAttachment("a.txt", b"x", "text/\x00plain")])
    except StoreError:
        pass


def test_delay_history_shows_the_end_in_utc(store: Store, desk: Desk) -> None:
    """delay() records fmt_time(until) without converting to UTC: a date given at -10:00 is
    written in the history ten hours early, labelled "UTC"."""
    tid = _open(store, desk)
    until = (utcnow() + timedelta(days=1)).astimezone(timezone(timedelta(hours=-10)))
    sv.delay(store, desk.staff["root"], tid, until)
    event = sv.history(store, desk.staff["root"], tid)[-1]
    ends = until.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    assert (event.action, event.detail) == ("delay", ends)


def test_search_finds_non_ascii_words_as_typed(store: Store, desk: Desk) -> None:
    """(Fixed meanwhile by the word search of store/search.py.) The term was lower-cased by
    Python and the columns by SQL lower(), which folds only ASCII on SQLite: a word with a
    non-ASCII capital was never found, not even typed exactly as written."""
    tid = _open(store, desk, subject="Ошибка оплаты", body="Ошибка: ÉTÉ")
    for term in ("Ошибка", "ÉTÉ"):
        found = [r.id for r in sv.list_tickets(store, desk.staff["root"], sv.ListSpec("all", search=term))]
        assert found == [tid], f"searching {term!r}"


def test_split_keeps_each_tickets_own_unread_replies(store: Store, desk: Desk) -> None:
    """(Fixed meanwhile.) Split gave the old ticket min(unread, its trailing staff replies):
    a reply the client had read still showed "New messages" after the unread one moved out."""
    john, bob = desk.clients[EMAILS[0]], desk.staff["bob"]
    tid = _open(store, desk)
    tok = sv.take(store, bob, tid).token
    sv.reply(store, bob, tid, "answer A", token=tok)
    sv.show(store, john, tid)  # John reads A
    unread = sv.reply(store, bob, tid, "answer B", token=tok).reply_id
    new = sv.split(store, bob, tid, unread, token=tok)
    assert (sv.peek(store, john, tid).status, sv.peek(store, john, new).status) == ("In progress", "New messages")


BIG_ID = 2**40  # beyond PostgreSQL's integer columns
BIG_IDS = {
    "open_ticket service": lambda store, d, tid, tok: sv.open_ticket(
        store, d.clients[EMAILS[0]], "Billing", "S", "b", service_id=BIG_ID),
    "open_ticket department": lambda store, d, tid, tok: sv.open_ticket(
        store, d.clients[EMAILS[0]], BIG_ID, "S", "b"),
    "save_parameters service": lambda store, d, tid, tok: sv.save_parameters(
        store, d.staff["bob"], tid, service_id=BIG_ID, token=tok),
}


@pytest.mark.parametrize("action", sorted(BIG_IDS))
def test_out_of_range_ids_are_refused_not_a_crash(store: Store, desk: Desk, action: str) -> None:
    """Ticket, message and attachment ids are checked with validate.is_id; service and department
    ids are not: on PostgreSQL a too large id raises DataError ("integer out of range")."""
    tid = _open(store, desk)
    tok = sv.take(store, desk.staff["bob"], tid).token
    before = snapshot(store)
    with pytest.raises(StoreError):
        BIG_IDS[action](store, desk, tid, tok)
    assert snapshot(store) == before
