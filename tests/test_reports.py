"""Reports against a small desk computed by hand (docs/reports.md defines every figure).

The desk, UTC, period 2026-11-02 .. 2026-11-04 (T0 opened the day before, still open):
  day 1  09:00 john opens T1 (Technical support)      09:30 alice takes, replies (1 incident)
         10:00 alice Ok on T1 (closed: 60 min)        12:00 mary opens T2 (Billing)
  day 2  08:00 bob takes T2, replies with a 12.50 charge and Ok (first response and resolution
         1200 min)                                    09:00 john writes to T1: reopened
         10:00 carol takes T1, replies, Ok: closed for her and the department, but T1 stays
         open for alice (john's message reopened her holder too: she was responsible)
  day 3  09:00 john opens T3                          09:10 carol takes, replies (10 min)
         10:00 john rates alice's reply good, carol's bad; mary rates bob's good
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from store import service as sv
from store.errors import NotAllowed, NotFound
from store.reports import desk_report
from tests.desk import make_desk
from tests.snapshot_apps import install_clock

FIRST, LAST = date(2026, 11, 2), date(2026, 11, 4)
NOW = datetime(2026, 11, 4, 12, 0, tzinfo=timezone.utc)


def at(day: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 11, 1 + day, hh, mm, tzinfo=timezone.utc)


def build(store, clock):
    """The desk of the module's docstring; returns it and the reply ids (alice, carol, bob)."""
    desk = make_desk(store)
    clock.freeze(at(0, 10))
    desk.open("T0")
    clock.freeze(at(1, 9))
    t1 = desk.open("T1")
    clock.freeze(at(1, 9, 30))
    token = sv.take(store, desk.alice, t1).token
    alice_reply = sv.reply(store, desk.alice, t1, "Restarted nginx.", token=token).reply_id
    clock.freeze(at(1, 10))
    sv.close(store, desk.alice, t1, token=token)
    clock.freeze(at(1, 12))
    t2 = desk.open("T2", department="Billing", client=desk.mary)
    clock.freeze(at(2, 8))
    token = sv.take(store, desk.bob, t2).token
    bob_reply = sv.reply(store, desk.bob, t2, "Refunded.", charge="12.50", close=True,
                         token=token).reply_id
    clock.freeze(at(2, 9))
    sv.client_reply(store, desk.john, t1, "Down again.")
    clock.freeze(at(2, 10))
    token = sv.take(store, desk.carol, t1).token
    carol_reply = sv.reply(store, desk.carol, t1, "Fixed for good.", close=True, token=token).reply_id
    clock.freeze(at(3, 9))
    t3 = desk.open("T3")
    clock.freeze(at(3, 9, 10))
    sv.reply(store, desk.carol, t3, "Looking.", token=sv.take(store, desk.carol, t3).token)
    clock.freeze(at(3, 10))
    sv.rate(store, desk.john, alice_reply, "good")
    sv.rate(store, desk.john, carol_reply, "bad", "Took a day.")
    sv.rate(store, desk.mary, bob_reply, "good")
    clock.freeze(NOW)
    return desk


@pytest.fixture
def desk(sqlite_url, monkeypatch):
    from store.db import Store

    store = Store.open(sqlite_url)
    yield build(store, install_clock(monkeypatch))
    store.close()


def rows(report, part: str) -> dict[str, dict]:
    return {r.name: r.as_dict() for r in getattr(report, part)}


def test_departments_as_computed_by_hand(desk) -> None:
    report = desk_report(desk.store, desk.root, first=FIRST, last=LAST, now=NOW)
    tech, billing = rows(report, "departments")["Technical support"], rows(report, "departments")["Billing"]
    assert tech == {
        "name": "Technical support", "opened": 2, "first_responded": 2, "closed": 2, "reopened": 1,
        "overdue": None, "first_response_median_minutes": 20.0, "first_response_p90_minutes": 30.0,
        "resolution_median_minutes": 60.0, "replies": 3, "incidents": 3, "charges": 0,
        "charged": "0.00", "ratings_good": 1, "ratings_bad": 1}
    assert billing == {
        "name": "Billing", "opened": 1, "first_responded": 1, "closed": 1, "reopened": 0,
        "overdue": None, "first_response_median_minutes": 1200.0,
        "first_response_p90_minutes": 1200.0, "resolution_median_minutes": 1200.0, "replies": 1,
        "incidents": 0, "charges": 1, "charged": "12.50", "ratings_good": 1, "ratings_bad": 0}


def test_staff_as_computed_by_hand(desk) -> None:
    staff = rows(desk_report(desk.store, desk.root, first=FIRST, last=LAST, now=NOW), "staff")
    assert sorted(staff) == ["Alice Smith", "Bob Brown", "Carol Jones"]
    pick = ("first_responded", "closed", "replies", "incidents", "charges", "charged",
            "first_response_median_minutes", "resolution_median_minutes", "ratings_good",
            "ratings_bad", "opened", "reopened")
    assert [staff["Alice Smith"][k] for k in pick] == [1, 1, 1, 1, 0, "0.00", 30.0, 60.0, 1, 0, None, None]
    assert [staff["Carol Jones"][k] for k in pick] == [1, 1, 2, 2, 0, "0.00", 10.0, None, 0, 1, None, None]
    assert [staff["Bob Brown"][k] for k in pick] == [1, 1, 1, 0, 1, "12.50", 1200.0, 1200.0, 1, 0, None, None]
    assert staff["Carol Jones"]["login"] == "carol"


def test_days_created_closed_and_backlog(desk) -> None:
    days = desk_report(desk.store, desk.root, first=FIRST, last=LAST, now=NOW).days
    assert [(d.date.day, d.created, d.closed, d.backlog) for d in days] == [
        (2, 2, 1, 2), (3, 0, 2, 2), (4, 1, 0, 3)]


def test_one_department_and_the_period(desk) -> None:
    report = desk_report(desk.store, desk.root, first=FIRST, last=FIRST, department="billing",
                         now=NOW)
    assert [r.name for r in report.departments] == ["Billing"] and report.department == "Billing"
    assert [(d.created, d.closed, d.backlog) for d in report.days] == [(1, 0, 1)]
    assert report.staff == []  # bob's work on T2 was on day 2


def test_who_sees_what(desk) -> None:
    # A head sees ratings of the others' replies in the department she heads, not her own.
    carol = desk_report(desk.store, desk.carol, first=FIRST, last=LAST, now=NOW)
    assert [r.name for r in carol.departments] == ["Technical support"]
    tech = rows(carol, "departments")["Technical support"]
    assert (tech["ratings_good"], tech["ratings_bad"]) == (1, 0)
    staff = rows(carol, "staff")
    assert (staff["Alice Smith"]["ratings_good"], staff["Carol Jones"]["ratings_bad"]) == (1, None)
    # A staff member who heads nothing sees no ratings at all, and only her departments.
    alice = desk_report(desk.store, desk.alice, first=FIRST, last=LAST, now=NOW)
    assert not alice.ratings_shown
    assert all(r.ratings_good is None and r.ratings_bad is None
               for r in alice.departments + alice.staff)
    with pytest.raises(NotAllowed):
        desk_report(desk.store, desk.alice, department="Billing", now=NOW)
    with pytest.raises(NotFound):
        desk_report(desk.store, desk.root, department="Sales", now=NOW)


def test_the_reply_author_and_others_read_no_individual_rating(desk) -> None:
    t1 = 2
    assert sv.ticket_ratings(desk.store, desk.alice, t1) == {}
    carol_sees = sv.ticket_ratings(desk.store, desk.carol, t1)
    assert [r.good for r in carol_sees.values()] == [True]  # alice's, not her own
    assert len(sv.ticket_ratings(desk.store, desk.root, t1)) == 2
