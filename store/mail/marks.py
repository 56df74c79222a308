"""The delivery marks of a thread's staff replies, read with the thread in its plain
transaction (store.service.reading): no SQLAlchemy, so opening a ticket stays lean
(tests/test_lean_start.py)."""

from __future__ import annotations

from ..sql import Sql


def public_state(state: str) -> str:
    """What a reader is told: a mail being sent is still queued until the server took it."""
    return "queued" if state == "sending" else state


def reply_state(state: str, held: bool) -> str:
    """A reply's delivery as the thread and `ticket show --json` say it: `held` while the reply
    itself is held (undo send) and its mail waits for the release (interface.md)."""
    state = public_state(state)
    return "held" if held and state == "queued" else state


def delivery_marks(q: Sql, ticket_id: int, first_id: int, last_id: int) -> dict[int, tuple[str, str]]:
    """(state, the server's last answer) of the mail of each message of the ticket in this id
    range: the thread's marks, read in the thread's own plain transaction."""
    return {mid: (public_state(state), answer or "") for mid, state, answer in q.rows(
        "SELECT message_id, state, last_answer FROM outbox WHERE ticket_id = :ticket "
        "AND message_id BETWEEN :first AND :last_id",
        {"ticket": ticket_id, "first": first_id, "last_id": last_id})}
