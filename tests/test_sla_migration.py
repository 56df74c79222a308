"""Migration 0015 on a desk with data: down to the revision before it and up again on both
databases, the tickets and messages kept; a ticket from before the migration gets due times at
its next event once a policy is set (on PostgreSQL as the staff member's and client's logins)."""

from __future__ import annotations

from importlib import import_module

from store import service as sv
from store.db import HEAD
from store.sla import policy, step
from tests.desk import make_desk
from tests.test_mail_migration import _migrate
from tests.test_merge_migration import _messages
from tests.test_reports_migration import _tables

BEFORE = import_module("store.migrations.versions.0015_sla").down_revision
TABLES = {"department_hours", "department_spans", "department_holidays", "sla_policies",
          "ticket_sla"}


def test_0015_goes_down_and_up_again_with_the_desk_kept(store) -> None:
    desk = make_desk(store)
    tid, token = desk.taken()
    sv.reply(store, desk.alice, tid, "Looking.", token=token)
    older = desk.open(body="written before the response targets")
    before = _messages(store)
    _migrate(store, BEFORE)
    assert store.current_revision() == BEFORE and not TABLES & _tables(store)
    _migrate(store, "head")
    assert store.current_revision() == HEAD and TABLES <= _tables(store)
    assert _messages(store) == before
    policy.set_policy(store, "Technical support", None, 60, 30)
    with store.sql() as q:
        assert step.load(q, older) is None  # no event since: no targets yet
    sv.client_reply(store, desk.john, older, "Any news?")
    with store.sql() as q:
        row = step.load(q, older)
    assert row is not None and row["first_due"] is not None
