"""Response targets at psql (migration 0016): due times are the database's own work.

ticket_sla is written by the owner's SECURITY DEFINER step alone, run by a deferred trigger on
ticket events, with the event's moment (the server's clock for a login). A staff member or a
client with psql and their own login tries to write the due times, to run the step with a moment
of their choosing, to change the hours or the targets, and to make a ticket look answered.

The desk is tests/pg_attacks.py's, with a policy for Tech set by the operator here: alice (Tech)
holds t_locked (john's, answered), t_free is john's and unanswered.
"""

from __future__ import annotations

import pytest

from store import service as sv
from store.sla.policy import set_policy
from tests.pg_attacks import desk  # noqa: F401 - the fixture
from tests.pg_attacks import AttackDesk, refused, refused_or_nothing

pytestmark = pytest.mark.pg

SLA = ("SELECT ticket_id, first_due, first_at, first_met, next_due, resolution_due, due, breached "
       "FROM ticket_sla ORDER BY ticket_id")


def with_policy(desk: AttackDesk) -> int:
    """Tech promises a first response in 60 minutes; john opens a ticket there: its id."""
    set_policy(desk.store, "Tech", None, 60, 30, 480)
    return sv.open_ticket(desk.store, desk.john, "Tech", "Printer", "on fire")


def test_the_trigger_writes_the_due_times(desk: AttackDesk) -> None:
    ticket = with_policy(desk)
    rows = desk.rows("SELECT first_due - (SELECT created_at FROM tickets WHERE id = :t), "
                     "first_at, due IS NOT NULL FROM ticket_sla WHERE ticket_id = :t", t=ticket)
    assert [(str(a), b, c) for a, b, c in rows] == [("1:00:00", None, True)]
