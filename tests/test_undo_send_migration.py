"""Migration 0011 (undo send) goes down to 0007 and up again on both databases with data in
it: the tickets and messages stay, a held reply is released by the downgrade's loss of its
hold (its message stays), and after the upgrade replies are held and undone again."""

from __future__ import annotations

from store import admin
from store import service as sv
from store.db import Store
from tests.desk import make_desk
from tests.test_mail_migration import _migrate


def test_0011_goes_down_to_0007_and_up_again_with_data(db_url: str) -> None:
    store = Store.open(db_url)
    try:
        desk = make_desk(store)
        admin.set_setting(store, "send_delay_seconds", "10")
        tid, token = desk.taken()
        sv.reply(store, desk.alice, tid, "held answer", token=token)
        _migrate(store, "0007")
        assert store.current_revision() == "0007"
        assert "held_sends" not in store.table_names()
        with store.sql() as q:
            assert q.value("SELECT count(*) FROM messages WHERE ticket_id = :t", {"t": tid}) == 2
        _migrate(store, "head")
        assert "held_sends" in store.table_names()
        assert [m.body for m in sv.peek(store, desk.john, tid).messages][-1] == "held answer"
        sv.reply(store, desk.alice, tid, "second", token=token)
        assert sv.peek(store, desk.john, tid).messages[-1].body == "held answer"
        assert sv.undo_send(store, desk.alice, tid).body == "second"
        if store.dialect == "postgresql":
            with store.sql() as q:
                assert q.value("SELECT count(*) FROM pg_proc WHERE proname = "
                               "'ticket_tui_release_held'") == 1
    finally:
        store.close()
