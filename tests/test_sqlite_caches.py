"""SQLite page caches (store/sql.py): the plain connections the reads use keep small ones; the
SQLAlchemy engine (bulk writes, migrations) keeps SQLite's default. Lists and searches read
through caches of a few pages find the same tickets."""

from __future__ import annotations

from store import sql
from store import service as sv
from store.db import Store
from tests.desk import make_desk


def test_plain_connections_keep_small_page_caches(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    try:
        with store.sql() as q:
            assert q.value("PRAGMA main.cache_size") == -sql.SQLITE_CACHE_KIB
            assert q.value("PRAGMA temp.cache_size") == -sql.SQLITE_TEMP_CACHE_KIB
        with store.sql(write=True) as q:  # the same pool: small writes (marking a ticket seen)
            assert q.value("PRAGMA main.cache_size") == -sql.SQLITE_CACHE_KIB
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA main.cache_size").scalar() == -2000
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        store.close()


def test_caches_of_a_few_pages_find_the_same_tickets(sqlite_url: str, monkeypatch) -> None:
    store = Store.open(sqlite_url)
    try:
        desk = make_desk(store)
        made = [desk.open(subject=f"Router {i} reboot", body="router reboot loop") for i in range(150)]
        spec = sv.ListSpec("all", search="router reboot*")
        want = [r.id for r in sv.list_tickets(store, desk.alice, spec, limit=500)]
        assert sorted(want) == sorted(made)
        pages = [r.id for r in sv.list_tickets(store, desk.alice, sv.ListSpec("queue"), limit=500)]
        store.plain.close()  # new connections, with caches of SQLite's smallest size
        monkeypatch.setattr(sql, "SQLITE_TEMP_CACHE_KIB", 1)
        monkeypatch.setattr(sql, "SQLITE_CACHE_KIB", 1)
        with store.sql() as q:
            assert q.value("PRAGMA main.cache_size") == -1
        assert [r.id for r in sv.list_tickets(store, desk.alice, sv.ListSpec("queue"), limit=500)] == pages
        assert [r.id for r in sv.list_tickets(store, desk.alice, spec, limit=500)] == want
        assert sv.count_tickets(store, desk.alice, spec) == len(want)
    finally:
        store.close()
