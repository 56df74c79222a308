"""Migration 0014 on a desk with data: down to the revision before it and up again on both
databases, the tickets and messages kept; then a client rates a reply (on PostgreSQL as their
own login) and the report counts the desk's earlier work."""

from __future__ import annotations

from importlib import import_module

from store import service as sv
from store.db import HEAD
from store.reports import desk_report
from tests.desk import make_desk
from tests.personal import own_store
from tests.test_merge_migration import _messages, _migrate

BEFORE = import_module("store.migrations.versions.0014_reports_ratings").down_revision


def _tables(store) -> set[str]:
    with store.sql() as q:
        if store.dialect == "sqlite":
            return {n for n, in q.rows("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return {n for n, in q.rows("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}


def test_0014_goes_down_and_up_again_with_the_desk_kept(store) -> None:
    desk = make_desk(store)
    tid, token = desk.taken()
    reply = sv.reply(store, desk.alice, tid, "Fixed.", token=token).reply_id
    sv.rate(store, desk.john, reply, "good")
    before = _messages(store)
    _migrate(store, BEFORE)
    assert store.current_revision() == BEFORE and "message_ratings" not in _tables(store)
    _migrate(store, "head")
    assert store.current_revision() == HEAD and _messages(store) == before
    sv.rate(store, desk.john, reply, "bad", "on second thought")
    report = desk_report(own_store(store, desk.root), desk.root)
    tech = next(r for r in report.departments if r.name == "Technical support")
    assert (tech.opened, tech.replies, tech.ratings_good, tech.ratings_bad) == (1, 1, 0, 1)
