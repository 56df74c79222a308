"""Migration 0016 on a desk with due times: the rows 0015's Python step wrote (as each person's
login) stay, and the database's trigger carries them on; the logins lose their write on
ticket_sla, and get it back if the migration goes down again."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from store import service as sv
from store.errors import RefusedByDatabase
from store.sla import policy, python_step_runs, step
from tests.personal import own_store, personal_desk
from tests.test_mail_migration import _migrate

pytestmark = pytest.mark.pg


def _rows(store) -> dict:
    with store.sql() as q:
        return {t: step.load(q, t) for t, in q.rows("SELECT ticket_id FROM ticket_sla ORDER BY 1")}


def _alice_may_write(desk) -> bool:
    try:
        with own_store(desk.store, desk.alice).sql(write=True) as q:
            q.run("UPDATE ticket_sla SET breached = breached")
    except RefusedByDatabase:
        return False
    return True


def test_0016_carries_on_from_the_rows_the_python_step_wrote(pg_url, monkeypatch) -> None:
    desk = personal_desk(pg_url, monkeypatch)
    store = desk.store
    try:
        policy.set_policy(store, "Technical support", None, 60, 30, 480)
        _migrate(store, "0015")
        monkeypatch.setattr(step, "python_step_runs", lambda dialect: True)  # 0015's interim step
        monkeypatch.setattr(step, "FIRST_REPLY", "m.kind = 'staff'")  # (before 0018's column)
        monkeypatch.setattr(step, "APPLIED_INPUT", "NULL")  # (before 0019's columns)
        monkeypatch.setattr(step, "COLUMNS", tuple(c for c in step.COLUMNS if c != step.APPLIED))
        answered, token = desk.taken()
        sv.reply(store, desk.alice, answered, "Fixed.", token=token)
        waiting = desk.open()
        before = _rows(store)
        assert before[answered]["first_met"] is True and before[waiting]["first_at"] is None
        assert _alice_may_write(desk)

        monkeypatch.setattr(step, "python_step_runs", python_step_runs)
        _migrate(store, "head")
        assert _rows(store) == before and not _alice_may_write(desk)
        sv.client_reply(store, desk.john, answered, "Not quite.")
        token = sv.take(store, desk.alice, waiting).token
        sv.reply(store, desk.alice, waiting, "On it.", token=token)
        after = _rows(store)
        now = datetime.now(timezone.utc)
        assert now < after[answered]["next_due"] <= now + timedelta(minutes=30)
        assert after[waiting]["first_met"] is True and now - after[waiting]["first_at"] < timedelta(minutes=1)
        assert after[answered]["first_due"] == before[answered]["first_due"]

        _migrate(store, "0015")
        assert _alice_may_write(desk)
        _migrate(store, "head")
        assert not _alice_may_write(desk)
    finally:
        store.close()
