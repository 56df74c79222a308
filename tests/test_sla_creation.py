"""Every way a ticket comes to be passes through the response targets' step, on SQLite and
PostgreSQL (there as each actor's own login, the mail service's included): a mail, a split,
and a merge's target; and a bulk close pauses the clocks."""

from __future__ import annotations

from store import service as sv
from store.mail.intake import receive
from store.sla import policy, step
from tests.mail_desk import mail, mail_desk, mail_store


def _row(store, tid: int):
    with store.sql() as q:
        return step.load(q, tid)


def test_a_mail_a_split_and_a_merge_get_due_times(store) -> None:
    desk = mail_desk(store)
    policy.set_policy(store, "Technical support", None, 60, 30, 480)
    mailed = receive(mail_store(store), mail("Our shop shows a 502.")).ticket_id
    assert _row(store, mailed)["first_due"] is not None
    tid, token = desk.taken()
    sv.reply(store, desk.alice, tid, "Looking.", token=token)
    moved = sv.client_reply(store, desk.john, tid, "Also, my invoice is wrong.")
    new = sv.split(store, desk.alice, tid, moved)
    assert _row(store, new) is not None and _row(store, new)["department_id"] == _row(store, tid)["department_id"]
    other, _ = desk.taken(body="and another thing")
    sv.merge(store, desk.alice, other, tid)
    assert _row(store, tid)["is_open"] and _row(store, other) is not None


def test_a_bulk_close_pauses_every_clock(store) -> None:
    desk = mail_desk(store)
    policy.set_policy(store, "Technical support", None, 60, 30, 480)
    ids = [desk.open(subject=f"Outage {i}") for i in range(3)]
    result = sv.run_bulk(store, desk.alice, sv.Selection.of_ids(ids), sv.BulkAction("close"))
    assert len(result.done) == 3
    for tid in ids:
        row = _row(store, tid)
        assert not row["is_open"] and row["due"] is None and row["first_left"] is not None
