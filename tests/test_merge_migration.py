"""Migration 0010 on a desk with data: down to 0007 and up again on both databases, the tickets
and messages kept, and a merge works on the upgraded desk (on PostgreSQL as a staff login)."""

from __future__ import annotations

from store import service as sv
from store.db import HEAD, Store
from tests.desk import make_desk
from tests.test_mail_migration import _migrate


def _messages(store: Store) -> list[tuple]:
    with store.sql() as q:
        return q.rows("SELECT id, ticket_id, body FROM messages ORDER BY id")


def test_0010_goes_down_to_0007_and_up_again_with_the_desk_kept(store) -> None:
    desk = make_desk(store)
    first, second = desk.open(body="one"), desk.open(body="two")
    before = _messages(store)
    _migrate(store, "0007")
    assert store.current_revision() == "0007"
    if store.dialect == "postgresql":
        with store.sql() as q:
            assert q.value("SELECT count(*) FROM pg_proc WHERE proname = 'ticket_tui_merge'") == 0
    _migrate(store, "head")
    assert store.current_revision() == HEAD and _messages(store) == before
    sv.merge(store, desk.root, second, first)
    assert [m.body for m in sv.show(store, desk.root, first).messages][:2] == ["one", "two"]
