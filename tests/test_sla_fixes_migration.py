"""Migration 0018 on a desk with data, on both databases: down to 0017 and up again, the
messages kept, a rule's earlier answer marked automatic and a desk answer from a mail history
not, and on PostgreSQL the step's text 0016 released back while down."""

from __future__ import annotations

from store import admin
from store import service as sv
from store.db import HEAD
from store.sla import policy
from tests.desk import make_desk
from tests.rules_desk import TS, opened, rule
from tests.test_merge_migration import _messages, _migrate


def _automatic(store) -> list[tuple]:
    with store.sql() as q:
        return q.rows("SELECT body, automatic FROM messages WHERE kind = 'staff' ORDER BY id")


def _step_reads_automatic(store) -> bool:
    with store.sql() as q:
        return "automatic" in q.value("SELECT prosrc FROM pg_proc WHERE proname = "
                                      "'ticket_tui_sla_refresh'")


def test_0018_goes_down_and_up_again_with_the_answers_marked(store) -> None:
    desk = make_desk(store)
    policy.set_policy(store, TS, None, 60)
    admin.add_reply_template(store, "Night", "We read it in the morning.")
    rule(desk, "Night answer", reply="Night")
    tid = opened(desk)
    token = sv.take(store, desk.alice, tid).token
    sv.reply(store, desk.alice, tid, "Looking now.", token=token)
    with store.sql(write=True) as q:  # what `mail import`'s _desk_answer writes
        mid = q.value("INSERT INTO messages (ticket_id, kind, body, created_at) VALUES "
                      "(:t, 'staff', 'By mail.', CURRENT_TIMESTAMP) RETURNING id", {"t": tid})
        q.run("INSERT INTO ticket_events (ticket_id, action, detail, created_at) VALUES "
              "(:t, 'reply', :d, CURRENT_TIMESTAMP)",
              {"t": tid, "d": f"message #{mid}, from the mail history"})
    marked = [("We read it in the morning.", True), ("Looking now.", False), ("By mail.", False)]
    assert _automatic(store) == marked
    before = _messages(store)
    _migrate(store, "0017")
    assert store.current_revision() == "0017"
    if store.dialect == "postgresql":
        assert not _step_reads_automatic(store)
    _migrate(store, "head")
    assert store.current_revision() == HEAD and _messages(store) == before
    assert _automatic(store) == marked
    if store.dialect == "postgresql":
        assert _step_reads_automatic(store)
