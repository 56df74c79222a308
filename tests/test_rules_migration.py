"""Migration 0017 on a desk with data and rules: down to the revision before it and up again on
both databases, the tickets and messages kept, the rules' tables and (PostgreSQL) the trigger
gone and back; then a new ticket runs a new rule (on PostgreSQL queued by its client's login)."""

from __future__ import annotations

from importlib import import_module

from store.db import HEAD
from tests.desk import make_desk
from tests.rules_desk import opened, rule, system_lines
from tests.test_merge_migration import _messages, _migrate
from tests.test_reports_migration import _tables

BEFORE = import_module("store.migrations.versions.0017_rules").down_revision
TABLES = {"rules", "rule_runs", "rule_queue", "staff_away"}


def _trigger(store) -> bool:
    with store.sql() as q:
        return bool(q.value("SELECT count(*) FROM pg_trigger WHERE tgname = 'ticket_tui_rules'"))


def test_0017_goes_down_and_up_again_with_the_desk_kept(store) -> None:
    desk = make_desk(store)
    rule(desk, "top", top=True)
    first = opened(desk)
    assert system_lines(store, first) == ['Rule "top": placed at the beginning of the queue.']
    before = _messages(store)
    _migrate(store, BEFORE)
    assert store.current_revision() == BEFORE and not TABLES & _tables(store)
    if store.dialect == "postgresql":
        assert not _trigger(store)
    _migrate(store, "head")
    assert store.current_revision() == HEAD and TABLES <= _tables(store)
    assert _messages(store)[:len(before)] == before
    if store.dialect == "postgresql":
        assert _trigger(store)
    rule(desk, "again", comment="back")
    assert system_lines(store, opened(desk)) == ['Rule "again": internal comment added.']
