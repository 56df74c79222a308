"""Undo send on PostgreSQL, at psql with one's own login (migration 0011): a held reply is
invisible to its client in SQL, released only by the server's clock, undone (deleted) only by
its author while held, and its hold time is the server's."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from store import admin
from store import service as sv
from tests.pg_attacks import desk  # noqa: F401 - the fixture
from tests.pg_attacks import AttackDesk, refused, refused_or_nothing

pytestmark = pytest.mark.pg
JOHN = "john@example.com"


@pytest.fixture
def held(desk: AttackDesk) -> int:
    """alice's held reply (with a file) to john's t_free; returns its message id."""
    from store.views import NewAttachment

    admin.set_setting(desk.store, "send_delay_seconds", "600")
    alice = desk.staff["alice"]
    token = sv.take(desk.store, alice, desk.t_free).token
    result = sv.reply(desk.store, alice, desk.t_free, "secret until released", token=token,
                      attachments=[NewAttachment("plan.txt", b"the plan", "text/plain")])
    assert result.held_until is not None
    return result.reply_id


def test_the_client_reads_nothing_of_a_held_reply(desk: AttackDesk, held: int) -> None:
    with desk.login(JOHN) as conn:
        assert conn.execute("SELECT count(*) FROM messages WHERE id = %s", (held,)).fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM messages WHERE held_until IS NOT NULL "
                            "OR body LIKE 'secret%%'").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM attachments WHERE name = 'plan.txt'").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM messages WHERE search_vector @@ "
                            "to_tsquery('simple', 'secret')").fetchone() == (0,)
        assert conn.execute("SELECT client_unread FROM tickets WHERE id = %s",
                            (desk.t_free,)).fetchone() == (0,)
    refused(desk, JOHN, "SELECT * FROM held_sends")


def test_nobody_releases_early(desk: AttackDesk, held: int) -> None:
    far = "SELECT ticket_tui_release_held(current_user, now() + interval '1 day')"
    for person in (JOHN, "alice", "carol"):
        refused_or_nothing(desk, person, far)
    refused(desk, JOHN, "SELECT ticket_tui_release_held(%s, now() + interval '1 day')",
            (desk.roles["alice"],))
    refused(desk, "alice", "UPDATE messages SET held_until = now() - interval '1 s' WHERE id = %s",
            (held,))
    with desk.login(JOHN) as conn:
        assert conn.execute("SELECT count(*) FROM messages WHERE id = %s", (held,)).fetchone() == (0,)


def test_only_the_author_takes_back_and_only_while_held(desk: AttackDesk, held: int) -> None:
    for person in ("alice", "carol", "root", JOHN):  # nobody deletes a message, held or not
        refused(desk, person, "DELETE FROM messages WHERE id = %s", (held,))
    refused(desk, "carol", "DELETE FROM held_sends")
    unsend = "SELECT ticket_tui_unsend(current_user, %s, NULL)"
    for person in ("carol", "root", JOHN):
        refused(desk, person, unsend, (held,))
    released = desk.id_of("SELECT id FROM messages WHERE ticket_id = :t AND kind = 'staff' "
                          "AND held_until IS NULL", t=desk.t_locked)
    refused(desk, "alice", unsend, (released,))
    sv.unlock(desk.store, desk.staff["root"], desk.t_free)
    refused(desk, "alice", unsend, (held,))  # not under her lock
    sv.take(desk.store, desk.staff["alice"], desk.t_free)
    refused(desk, "alice", "SELECT ticket_tui_unsend(%s, %s, NULL)", (desk.roles["carol"], held))
    assert desk.attempt("alice", unsend, (held,)) is None  # her own, while held: the undo's
    assert desk.rows("SELECT count(*) FROM messages WHERE id = :m", m=held) == [(0,)]


def test_the_hold_is_the_servers(desk: AttackDesk) -> None:
    admin.set_setting(desk.store, "send_delay_seconds", "30")
    token = sv.take(desk.store, desk.staff["alice"], desk.t_free).token
    assert token
    insert = ("INSERT INTO messages (ticket_id, kind, body, author_staff_id, author_client_id, "
              "created_at, held_until) VALUES (%s, %s, 'x', %s, %s, now(), %s)")
    alice = desk.id_of("SELECT id FROM staff WHERE login = 'alice'")
    assert desk.attempt("alice", insert, (desk.t_free, "staff", alice, None, "infinity")) is None
    (until,), = desk.rows("SELECT held_until FROM messages ORDER BY id DESC LIMIT 1")
    assert timedelta(seconds=25) < until - datetime.now(timezone.utc) < timedelta(seconds=35)
    john = desk.john.id
    assert desk.attempt(JOHN, insert, (desk.t_free, "client", None, john, "infinity")) is None
    assert desk.rows("SELECT kind, held_until FROM messages ORDER BY id DESC LIMIT 1") == [
        ("client", None)]  # a client's message is never held (it would hide it from its writer)
