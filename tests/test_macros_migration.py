"""Migration 0009 (macros) on a desk with data in it, down to 0007 and up, on both databases: the table
comes (with row security on PostgreSQL), the desk's tickets and predefined replies are kept,
a macro works at once; and it goes down to 0007 again."""

from __future__ import annotations

from store import admin
from store import service as sv
from store.db import HEAD, Store
from store.macros import add_macro, list_macros
from tests.desk import make_desk
from tests.test_mail_migration import _migrate


def test_0009_upgrades_a_desk_with_data_and_goes_down_again(db_url: str) -> None:
    store = Store.open(db_url)
    try:
        # The desk is made with today's models, then taken down to 0007 (later migrations add
        # columns the ORM writes) and up again.
        desk = make_desk(store)
        tpl = admin.add_reply_template(store, "Hi", "Hi {client_name}, {client.email}.")
        tid, token = desk.taken()
        _migrate(store, "0007")
        assert "macros" not in set(store.table_names())
        _migrate(store, "head")
        assert store.current_revision() == HEAD and "macros" in set(store.table_names())
        if store.dialect == "postgresql":
            with store.sql() as q:
                assert q.value("SELECT relrowsecurity AND relforcerowsecurity FROM pg_class "
                               "WHERE relname = 'macros'") is True
                assert q.value("SELECT pg_get_userbyid(relowner) FROM pg_class "
                               "WHERE relname = 'macros'") == "ticket_tui_owner"
        assert sv.render_template(store, desk.alice, tpl.id, tid) == "Hi John Doe, john@example.com."
        add_macro(store, "Hi", "Hi", close=True)
        assert sv.apply_macro(store, desk.alice, tid, "Hi", token=token).closed
        _migrate(store, "0007")
        assert "macros" not in set(store.table_names())
        _migrate(store, "head")
        assert list_macros(store) == []
    finally:
        store.close()
