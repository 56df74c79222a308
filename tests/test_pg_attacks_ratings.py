"""Client ratings at psql (migration 0014): a client rates only staff replies on their own
tickets, as themselves, at the server's time; staff only read, and only as an administrator or
a head of the ticket's department, never the ratings of their own replies.

The desk is tests/pg_attacks.py's: alice replied on john's t_locked (and wrote an internal
comment there); carol is made head of Tech here.
"""

from __future__ import annotations

import pytest

from tests.pg_attacks import desk  # noqa: F401 - the fixture
from tests.pg_attacks import AttackDesk, recent, refused, refused_or_nothing

pytestmark = pytest.mark.pg

RATE = ("INSERT INTO message_ratings (message_id, client_id, good, comment, rated_at) "
        "VALUES (%s, %s, true, '', now())")


def message(desk: AttackDesk, kind: str, ticket: int) -> int:
    return desk.id_of("SELECT min(id) FROM messages WHERE kind = :k AND ticket_id = :t",
                      k=kind, t=ticket)


def rated(desk: AttackDesk) -> int:
    """john rates alice's reply on t_locked, as the client area does; the reply's id."""
    reply = message(desk, "staff", desk.t_locked)
    assert desk.attempt("john@example.com", RATE, (reply, desk.john.id)) is None
    return reply


def test_a_client_rates_only_staff_replies_of_their_own_tickets(desk: AttackDesk) -> None:
    reply = message(desk, "staff", desk.t_locked)
    refused(desk, "mary@example.com", RATE, (reply, desk.mary.id))  # john's ticket
    refused(desk, "mary@example.com", RATE, (reply, desk.john.id))  # in john's name
    refused(desk, "john@example.com", RATE, (reply, desk.mary.id))  # in mary's name
    refused(desk, "john@example.com", RATE, (message(desk, "internal", desk.t_locked), desk.john.id))
    refused(desk, "john@example.com", RATE, (message(desk, "client", desk.t_locked), desk.john.id))
    refused(desk, "mary@example.com", RATE, (message(desk, "internal", desk.t_hidden), desk.mary.id))
    refused(desk, "alice", RATE, (reply, desk.john.id))  # staff write no ratings


def test_the_server_stamps_the_moment_and_the_rest_stays_put(desk: AttackDesk) -> None:
    john = "john@example.com"
    reply = message(desk, "staff", desk.t_locked)
    assert desk.attempt(john, RATE.replace("now()", "'2001-01-01'"), (reply, desk.john.id)) is None
    (at,), = desk.rows("SELECT rated_at FROM message_ratings")
    assert recent(at)
    assert desk.attempt(john, "UPDATE message_ratings SET good = false, rated_at = '2001-01-01'") is None
    assert [(good, recent(at)) for good, at in desk.rows("SELECT good, rated_at FROM message_ratings")] \
        == [(False, True)]
    other = message(desk, "staff", desk.t_closed)
    refused(desk, john, "UPDATE message_ratings SET message_id = %s", (other,))
    refused(desk, john, "UPDATE message_ratings SET client_id = %s", (desk.mary.id,))
    refused(desk, john, "DELETE FROM message_ratings")
    refused(desk, "root", "UPDATE message_ratings SET good = true")


def test_who_reads_ratings(desk: AttackDesk) -> None:
    rated(desk)
    with desk.store.sql(write=True) as q:
        q.run("UPDATE memberships SET is_head = true WHERE staff_id IN "
              "(SELECT id FROM staff WHERE login IN ('carol', 'alice'))")
    seen = {}
    for person in ("alice", "carol", "bob", "eve", "root", "john@example.com", "mary@example.com"):
        with desk.login(person) as conn:
            seen[person] = conn.execute("SELECT count(*) FROM message_ratings").fetchone()[0]
    # alice wrote the reply: head or not, she reads no rating of it; carol heads Tech.
    assert seen == {"alice": 0, "carol": 1, "bob": 0, "eve": 0, "root": 1,
                    "john@example.com": 1, "mary@example.com": 0}


def test_another_clients_rating_is_out_of_reach(desk: AttackDesk) -> None:
    reply = rated(desk)
    mary = "mary@example.com"
    refused_or_nothing(desk, mary, "UPDATE message_ratings SET good = false, comment = 'spite'")
    refused_or_nothing(desk, mary, "DELETE FROM message_ratings")
    # Rating it herself (over john's row) is refused, not a takeover.
    assert desk.attempt(mary, RATE + " ON CONFLICT (message_id) DO UPDATE SET good = false",
                        (reply, desk.mary.id)) is not None
    assert desk.rows("SELECT good, client_id FROM message_ratings") == [(True, desk.john.id)]
