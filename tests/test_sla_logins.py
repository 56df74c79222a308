"""PostgreSQL, each person as their own login: the step runs for a client's and a staff member's
actions (the interim grants of migration 0015), staff see the due times of the tickets they see
and no others, and hours and policies are written by administrators only."""

from __future__ import annotations

import pytest

from store import service as sv
from store.errors import NotAllowed, RefusedByDatabase
from store.sla import hours, policy, step
from tests.personal import own_store, personal_desk

pytestmark = pytest.mark.pg


@pytest.fixture
def desk(pg_url, monkeypatch):
    d = personal_desk(pg_url, monkeypatch)
    policy.set_policy(d.store, "Technical support", None, 60, 30)
    yield d
    d.store.close()


def _row(store, tid):
    with store.sql() as q:
        return step.load(q, tid)


def test_the_step_runs_as_each_persons_login(desk) -> None:
    tid = desk.open()
    assert _row(desk.store, tid)["first_due"] is not None
    tid2, token = desk.taken()
    sv.reply(desk.store, desk.alice, tid2, "Fixed.", token=token)
    sv.client_reply(desk.store, desk.john, tid2, "Not quite.")
    row = _row(desk.store, tid2)
    assert row["first_met"] is True and row["next_due"] is not None


def test_staff_see_the_due_times_of_the_tickets_they_see_only(desk) -> None:
    tid = desk.open()
    with own_store(desk.store, desk.alice).sql() as q:
        assert step.load(q, tid) is not None
    with own_store(desk.store, desk.bob).sql() as q:  # Billing does not see Technical support's
        assert step.load(q, tid) is None


def test_hours_and_policies_are_written_by_administrators_only(desk) -> None:
    alice = own_store(desk.store, desk.alice)
    with pytest.raises(NotAllowed):
        policy.set_policy(alice, "Technical support", None, 1)
    with pytest.raises(NotAllowed):
        policy.remove_policy(alice, "Technical support", None)
    with pytest.raises(RefusedByDatabase):
        policy.set_policy(alice, "Technical support", "urgent", 1)
    with pytest.raises(RefusedByDatabase):
        hours.set_hours(alice, "Technical support", "UTC", ["mon 09:00-10:00"])
    root = own_store(desk.store, desk.root)
    policy.set_policy(root, "Technical support", None, 5)
    hours.set_hours(root, "Technical support", "UTC", ["mon 09:00-10:00"])
    assert [p.first_response for p in policy.list_policies(alice)] == [5]
    assert not hours.get_hours(alice, "Technical support").calendar.always_open


def test_a_login_reaches_no_due_times_of_tickets_it_does_not_see(desk) -> None:
    """The attack with psql: another client's or another department's rows, read or written.
    (Forging one's own tickets' due times is closed by the trigger migration after 0015.)"""
    tid = desk.open()
    mary = own_store(desk.store, desk.mary)
    with mary.sql() as q:
        assert q.rows("SELECT ticket_id FROM ticket_sla") == []
    with pytest.raises(RefusedByDatabase):
        with mary.sql(write=True) as q:
            q.run("INSERT INTO ticket_sla (ticket_id, breached) VALUES (:t, FALSE) "
                  "ON CONFLICT (ticket_id) DO UPDATE SET due = NULL", {"t": tid})
    with pytest.raises(RefusedByDatabase):  # no login writes ticket_sla at all (0016)
        with own_store(desk.store, desk.bob).sql(write=True) as q:
            q.run("UPDATE ticket_sla SET due = NULL WHERE ticket_id = :t", {"t": tid})
    with pytest.raises(RefusedByDatabase):
        with own_store(desk.store, desk.john).sql(write=True) as q:
            q.run("DELETE FROM ticket_sla WHERE ticket_id = :t", {"t": tid})
    assert _row(desk.store, tid)["due"] is not None
