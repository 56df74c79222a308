"""Client ratings of staff replies: the rules, on SQLite and (as each person's own login role)
on PostgreSQL."""

from __future__ import annotations

import pytest

from store import service as sv
from store.errors import BadInput, NotAllowed, NotFound, Refused
from store.reports import desk_report
from tests.desk import make_desk
from tests.personal import own_store


@pytest.fixture
def desk(store):
    return make_desk(store)


def answered(desk, client=None):
    """A ticket of john's (or client's) with alice's reply and internal comment."""
    tid = desk.open(client=client)
    token = sv.take(desk.store, desk.alice, tid).token
    result = sv.reply(desk.store, desk.alice, tid, "Fixed.", internal="ops paged", token=token)
    return tid, result.reply_id, result.internal_id


def test_a_client_rates_a_reply_and_rating_again_replaces_it(desk) -> None:
    tid, reply, _ = answered(desk)
    sv.rate(desk.store, desk.john, reply, "good")
    sv.rate(desk.store, desk.john, reply, "BAD", "  Slow answer.  ")
    assert sv.my_ratings(desk.store, desk.john, tid) == {reply: sv.Rating(reply, False, "Slow answer.")}
    assert [r.good for r in sv.ticket_ratings(desk.store, desk.root, tid).values()] == [False]


def test_what_is_refused(desk) -> None:
    tid, reply, internal = answered(desk)
    with pytest.raises(NotFound):  # an internal comment is not the client's to see
        sv.rate(desk.store, desk.john, internal, "good")
    with desk.store.sql() as q:
        first = q.value("SELECT min(id) FROM messages WHERE ticket_id = :t", {"t": tid})
    with pytest.raises(NotAllowed):  # their own message
        sv.rate(desk.store, desk.john, first, "good")
    with pytest.raises(Refused):  # another client's ticket
        sv.rate(desk.store, desk.mary, reply, "good")
    with pytest.raises(NotAllowed):  # staff don't rate
        sv.rate(desk.store, desk.alice, reply, "good")
    with pytest.raises(BadInput):
        sv.rate(desk.store, desk.john, reply, "meh")
    with pytest.raises(BadInput):
        sv.rate(desk.store, desk.john, reply, "good", "x" * 1001)
    with pytest.raises(BadInput):
        sv.rate(desk.store, desk.john, reply, "good", "nul \x00 byte")
    with pytest.raises(NotFound):
        sv.rate(desk.store, desk.john, 10**12, "good")
    assert sv.my_ratings(desk.store, desk.john, tid) == {}


def test_who_reads_a_ticket_s_ratings(desk) -> None:
    tid, reply, _ = answered(desk)
    sv.rate(desk.store, desk.john, reply, "good", "Thanks")
    assert sv.ticket_ratings(desk.store, desk.alice, tid) == {}  # the author
    assert list(sv.ticket_ratings(desk.store, desk.carol, tid)) == [reply]  # the head
    assert list(sv.ticket_ratings(desk.store, desk.root, tid)) == [reply]  # an admin


def test_the_report_in_person(desk) -> None:
    """On PostgreSQL each viewer's report reads through their own login's row security."""
    tid, reply, _ = answered(desk)
    sv.rate(desk.store, desk.john, reply, "bad")
    sv.close(desk.store, desk.alice, tid)
    for viewer, good_bad in ((desk.root, (0, 1)), (desk.carol, (0, 1)), (desk.alice, (None, None))):
        report = desk_report(own_store(desk.store, viewer), viewer)
        tech = next(r for r in report.departments if r.name == "Technical support")
        assert (tech.opened, tech.first_responded, tech.closed, tech.replies) == (1, 1, 1, 1)
        assert (tech.ratings_good, tech.ratings_bad) == good_bad
        assert [d.backlog for d in report.days][-1] == 0
