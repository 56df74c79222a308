"""Bulk actions in the store (issue 20), on SQLite and PostgreSQL (each person's own login role):
each action, the tickets skipped and why, nothing half-done, stopping, and running a run again."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from store import admin
from store import service as sv
from store.clock import utcnow
from store.errors import BadInput
from tests.desk import Desk, make_desk


@pytest.fixture
def desk(store) -> Desk:
    return make_desk(store)


def run(desk: Desk, actor, ids, name: str, **options):
    return sv.run_bulk(desk.store, actor, sv.Selection.of_ids(ids), sv.BulkAction(name, **options))


def peek(desk: Desk, tid: int):
    return sv.peek(desk.store, desk.root, tid)


def staff_replies(desk: Desk, tid: int) -> list[str]:
    return [m.body for m in peek(desk, tid).messages if m.kind == "staff"]


def test_close_takes_each_free_ticket_and_closes_it(desk: Desk) -> None:
    tids = [desk.open(subject=f"outage {i}") for i in range(3)]
    result = run(desk, desk.alice, tids, "close")
    assert list(result.done) == tids and result.refused == ()
    assert result.summary() == "3 closed"
    for tid in tids:
        t = peek(desk, tid)
        assert (t.status, t.locked_by, t.responsible_staff) == (
            "Awaiting response from client", None, "alice")


def test_reply_answers_each_ticket_once_and_ok_closes_it(desk: Desk) -> None:
    tids = [desk.open() for _ in range(2)]
    result = run(desk, desk.alice, tids, "reply", body="Fixed: the router restarted.", close=True)
    assert result.summary() == "2 answered and closed"
    for tid in tids:
        assert staff_replies(desk, tid) == ["Fixed: the router restarted."]
        assert (peek(desk, tid).status, peek(desk, tid).locked_by) == ("Awaiting response from client", None)


def test_reply_without_close_keeps_the_lock_as_send_reply_does(desk: Desk) -> None:
    tid = desk.open()
    run(desk, desk.alice, [tid], "reply", body="Looking into it.")
    assert (peek(desk, tid).status, peek(desk, tid).locked_by) == ("In progress", "alice")


def test_reply_with_a_predefined_reply_fills_it_in_per_ticket(desk: Desk) -> None:
    admin.add_reply_template(desk.store, "Outage", "Hello {client_name}, #{ticket_id} is fixed.")
    tids = [desk.open(), desk.open(client=desk.mary)]
    result = run(desk, desk.alice, tids, "reply", template="outage", body="Sorry for the wait.")
    assert result.summary() == "2 answered"
    assert staff_replies(desk, tids[0]) == [f"Hello John Doe, #{tids[0]} is fixed.\n\nSorry for the wait."]
    assert staff_replies(desk, tids[1]) == [f"Hello Mary Major, #{tids[1]} is fixed.\n\nSorry for the wait."]


def test_an_unknown_predefined_reply_refuses_the_run_before_any_ticket(desk: Desk) -> None:
    tid = desk.open()
    with pytest.raises(Exception, match="no predefined reply titled 'Nope'"):
        run(desk, desk.alice, [tid], "reply", template="Nope")
    assert peek(desk, tid).locked_by is None


def test_take_favorite_unfavorite_delay_assign(desk: Desk) -> None:
    tids = [desk.open() for _ in range(2)]
    assert run(desk, desk.alice, tids, "take").summary() == "2 taken"
    assert [peek(desk, t).locked_by for t in tids] == ["alice", "alice"]
    assert run(desk, desk.alice, tids, "favorite").summary() == "2 added to favorites"
    assert sorted(r.id for r in sv.list_tickets(desk.store, desk.alice, sv.ListSpec("favorites"))) == tids
    assert run(desk, desk.alice, tids, "unfavorite").summary() == "2 removed from favorites"
    assert sv.list_tickets(desk.store, desk.alice, sv.ListSpec("favorites")) == []
    until = utcnow() + timedelta(days=2)
    assert run(desk, desk.alice, tids, "delay", until=until).summary() == "2 delayed"
    assert sorted(r.id for r in sv.list_tickets(desk.store, desk.alice, sv.ListSpec("delayed"))) == tids
    assert run(desk, desk.alice, tids, "assign", department="Billing").summary() == "2 assigned to Billing"
    assert all(peek(desk, t).department == "Billing" for t in tids)
    assert run(desk, desk.alice, tids, "assign", staff="bob").summary() == "2 assigned to bob"
    assert all(peek(desk, t).responsible_staff == "bob" for t in tids)


def test_priority_takes_a_free_ticket_only_for_the_change(desk: Desk) -> None:
    admin.set_setting(desk.store, "use_priority", "true")
    free, mine = desk.open(), desk.taken(desk.alice)[0]
    result = run(desk, desk.alice, [free, mine], "priority", priority="urgent")
    assert result.summary() == "2 given urgent priority"
    assert [peek(desk, t).priority for t in (free, mine)] == [4, 4]
    assert (peek(desk, free).locked_by, peek(desk, mine).locked_by) == (None, "alice")


def test_priority_off_refuses_the_run_and_leaves_the_ticket_as_it_was(desk: Desk) -> None:
    tid = desk.open()
    with pytest.raises(BadInput, match="use_priority"):
        run(desk, desk.alice, [tid], "priority", priority="high")
    t = peek(desk, tid)
    assert (t.locked_by, t.responsible_staff) == (None, None)  # the take was rolled back with it


def test_locked_and_invisible_tickets_are_skipped_and_named(desk: Desk) -> None:
    free = desk.open()
    by_carol = desk.taken(desk.carol)[0]
    billing = desk.open(department="Billing")
    result = run(desk, desk.alice, [free, by_carol, billing, 999], "close")
    assert list(result.done) == [free]
    assert [(r.id, r.kind, r.holder) for r in result.refused] == [
        (by_carol, "locked", "carol"), (billing, "not visible", None), (999, "not visible", None)]
    assert result.refused[0].reason.startswith(f"Ticket #{by_carol} is locked by carol (Carol Jones) since")
    assert result.summary() == (f"1 closed, 1 locked by others: #{by_carol} (carol); "
                                f"2 not visible to you: #{billing}, #999")
    t = peek(desk, by_carol)
    assert (t.status, t.locked_by) == ("In progress", "carol")  # untouched
    assert peek(desk, billing).status == "In progress"


def test_an_administrator_skips_anothers_lock_too(desk: Desk) -> None:
    tid = desk.taken(desk.alice)[0]
    result = run(desk, desk.root, [tid], "reply", body="hi")
    assert [(r.id, r.holder) for r in result.refused] == [(tid, "alice")]
    assert staff_replies(desk, tid) == []


def test_a_step_refused_half_way_leaves_its_ticket_untouched(desk: Desk) -> None:
    """An archived ticket: favorite works, assign is refused whole."""
    tid = desk.open()
    sv.close(desk.store, desk.alice, tid, token=sv.take(desk.store, desk.alice, tid).token)
    sv.archive(desk.store, desk.john, tid)
    before = peek(desk, tid)
    result = run(desk, desk.alice, [tid], "assign", staff="carol")
    assert [(r.id, r.kind) for r in result.refused] == [(tid, "refused")]
    assert "archive" in result.refused[0].reason
    assert peek(desk, tid) == before


def test_a_run_again_with_the_same_run_id_does_only_the_rest(desk: Desk) -> None:
    tids = [desk.open() for _ in range(4)]
    stop = threading.Event()

    def halt_after_two(done: int, total: int) -> None:
        assert total == 4
        if done == 2:
            stop.set()

    first = sv.run_bulk(desk.store, desk.alice, sv.Selection.of_ids(tids),
                        sv.BulkAction("reply", body="Fixed."), run_id="outage-7",
                        progress=halt_after_two, stop=stop)
    assert (list(first.done), first.stopped, first.untouched) == (tids[:2], True, 2)
    assert first.summary() == "2 answered, stopped, 2 not touched"
    assert [staff_replies(desk, t) for t in tids] == [["Fixed."], ["Fixed."], [], []]
    assert [peek(desk, t).locked_by for t in tids] == ["alice", "alice", None, None]
    again = sv.run_bulk(desk.store, desk.alice, sv.Selection.of_ids(tids),
                        sv.BulkAction("reply", body="Fixed."), run_id="outage-7")
    assert (list(again.done), again.earlier) == (tids, 2)
    assert again.summary() == "4 answered (2 of them by the earlier run outage-7)"
    assert [staff_replies(desk, t) for t in tids] == [["Fixed."]] * 4
    other = run(desk, desk.alice, tids[:1], "reply", body="Fixed.")  # a new run: a new answer
    assert other.earlier == 0 and staff_replies(desk, tids[0]) == ["Fixed.", "Fixed."]


def test_progress_returning_false_stops_between_tickets(desk: Desk) -> None:
    tids = [desk.open() for _ in range(3)]
    seen = []

    def once(done: int, total: int) -> bool:
        seen.append((done, total))
        return False

    result = sv.run_bulk(desk.store, desk.alice, sv.Selection.of_ids(tids), sv.BulkAction("close"),
                         progress=once)
    assert (seen, list(result.done), result.untouched) == ([(1, 3)], tids[:1], 2)
    assert [peek(desk, t).status for t in tids] == ["Awaiting response from client", "In progress",
                                                    "In progress"]


def test_a_query_selects_what_the_list_shows(desk: Desk) -> None:
    john = [desk.open(subject="Mail bounces") for _ in range(3)]
    desk.open(subject="Mail bounces", client=desk.mary)
    desk.open(subject="Invoice wrong")
    spec = sv.ListSpec("queue", client_email="john@example.com", search="bounces")
    result = sv.run_bulk(desk.store, desk.alice, sv.Selection.of_list(spec), sv.BulkAction("take"))
    assert sorted(result.done) == john and result.refused == ()


def test_bad_actions_and_selections_are_refused_before_anything(desk: Desk) -> None:
    tid = desk.open()
    for action, words in [(sv.BulkAction("explode"), "not a bulk action"),
                          (sv.BulkAction("assign"), "exactly one"),
                          (sv.BulkAction("priority", priority="huge"), "not a priority"),
                          (sv.BulkAction("reply"), "Write the reply"),
                          (sv.BulkAction("delay"), "Give the date")]:
        with pytest.raises(BadInput, match=words):
            sv.run_bulk(desk.store, desk.alice, sv.Selection.of_ids([tid]), action)
    with pytest.raises(BadInput, match="run id"):
        sv.run_bulk(desk.store, desk.alice, sv.Selection.of_ids([tid]), sv.BulkAction("take"),
                    run_id="no spaces")
    with pytest.raises(BadInput, match="at least one"):
        sv.Selection.of_ids([])
    for neither_or_both in (sv.Selection(), sv.Selection((tid,), sv.ListSpec("all"))):
        with pytest.raises(BadInput, match="one of the two"):
            sv.run_bulk(desk.store, desk.alice, neither_or_both, sv.BulkAction("take"))
    with pytest.raises(Exception, match="Only staff"):
        sv.run_bulk(desk.store, desk.john, sv.Selection.of_ids([tid]), sv.BulkAction("take"))
    assert peek(desk, tid).locked_by is None
