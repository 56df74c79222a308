"""Merge at psql (migration 0010): a staff login can't move another ticket's rows into one it
holds, nor set merged_into by hand, nor call the merge function outside its rules; a client
login can't merge at all. tests/pg_attacks.py's desk: alice holds the lock of t_locked (john's,
Tech); t_free is john's and unlocked; t_hidden is mary's, Billing's, locked by bob."""

from __future__ import annotations

import pytest

from store import service as sv
from tests.pg_attacks import desk  # noqa: F401 - the fixture
from tests.pg_attacks import AttackDesk, refused

pytestmark = pytest.mark.pg

MERGE = "SELECT ticket_tui_merge(%s, %s, %s, %s, %s)"


def merge_as(desk: AttackDesk, person: str, source: int, target: int, *, staff: str | None = None,
             confirmed: bool = False, viewer: str | None = None) -> None:
    """Calls the merge function the way the app does, with what the attacker chooses."""
    staff_id = desk.staff[staff or person].id
    refused(desk, person, MERGE, (viewer or desk.roles[person], source, target, staff_id, confirmed))


def test_rows_of_a_ticket_not_held_are_not_moved_into_one_held(desk: AttackDesk) -> None:
    refused(desk, "alice", "UPDATE messages SET ticket_id = %s WHERE ticket_id = %s",
            (desk.t_locked, desk.t_free))
    refused(desk, "alice", "UPDATE messages SET merged_from_ticket_id = %s WHERE ticket_id = %s",
            (desk.t_free, desk.t_locked))
    refused(desk, "alice", "UPDATE charges SET ticket_id = %s", (desk.t_locked,))
    refused(desk, "alice", "UPDATE holders SET ticket_id = %s WHERE ticket_id = %s",
            (desk.t_locked, desk.t_free))


def test_merged_into_is_not_set_by_hand(desk: AttackDesk) -> None:
    for person, ticket in (("alice", desk.t_locked), ("root", desk.t_free),
                           ("john@example.com", desk.t_free)):
        refused(desk, person, "UPDATE tickets SET merged_into_id = %s WHERE id = %s",
                (desk.t_closed, ticket))


def test_the_merge_function_keeps_the_lock_admin_and_client_rules(desk: AttackDesk) -> None:
    merge_as(desk, "alice", desk.t_free, desk.t_locked)  # no lock on the source
    merge_as(desk, "alice", desk.t_locked, desk.t_locked)  # into itself
    merge_as(desk, "alice", desk.t_hidden, desk.t_locked, confirmed=True)  # unseen, two clients
    merge_as(desk, "eve", desk.t_locked, desk.t_free)  # sees it, holds neither lock
    merge_as(desk, "alice", desk.t_free, desk.t_locked, staff="root")  # as someone else
    merge_as(desk, "alice", desk.t_free, desk.t_locked, staff="root", viewer=desk.roles["root"])
    merge_as(desk, "root", desk.t_hidden, desk.t_locked)  # two clients, not confirmed
    merge_as(desk, "root", desk.t_locked, desk.t_archived)  # into the archive
    refused(desk, "john@example.com", MERGE,
            (desk.roles["john@example.com"], desk.t_free, desk.t_locked, desk.staff["root"].id, True))
    refused(desk, "john@example.com", "SELECT ticket_tui_mail_live_ticket(%s, %s)",
            (desk.roles["john@example.com"], desk.t_free))


def test_with_both_locks_the_function_merges_and_then_refuses_the_stub(desk: AttackDesk) -> None:
    sv.take(desk.store, desk.staff["alice"], desk.t_free)
    alice = desk.staff["alice"].id
    with desk.login("alice") as conn:
        conn.execute(MERGE, (desk.roles["alice"], desk.t_free, desk.t_locked, alice, False))
    assert desk.rows("SELECT merged_into_id FROM tickets WHERE id = :t", t=desk.t_free) == [
        (desk.t_locked,)]
    assert desk.rows("SELECT count(*) FROM messages WHERE ticket_id = :t", t=desk.t_free) == [(1,)]
    merge_as(desk, "alice", desk.t_free, desk.t_locked)  # a stub again
    merge_as(desk, "alice", desk.t_locked, desk.t_free)  # into the stub: a cycle
