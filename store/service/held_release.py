"""Releasing held replies (undo send, store/service/held.py), and the author's countdown.

Plain SQL (store/sql.py): the TUI asks every second, and opening the app must not load the
writes' SQLAlchemy for it.

Release is a step, not only a time comparison, because the client's unread count is a stored
counter: one conditional UPDATE (`held_until = NULL WHERE ... held_until <= now`) decides which
transaction releases a message, and only that one adds the unread count and the event. On
SQLite writers take turns (BEGIN IMMEDIATE); on PostgreSQL a second UPDATE of the same row
waits for the first, then finds it released and skips it (ticket_tui_release_held, migration
0011, which any login may call and which goes by the server's clock). So two processes racing
release each message once. A client's visibility is the released state, so what a client sees
and its unread count always agree.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from ..actors import Actor
from ..db import Store
from ..sla import step as sla_step
from ..sql import utc
from .rules import now, require_staff


class HeldReply(NamedTuple):
    """A reply of the author's still held: the TUI's countdown."""

    ticket_id: int
    message_id: int
    held_until: datetime


def release_due(store: Store) -> int:
    """Releases every held reply whose time has come; returns how many. Cheap when none is
    due: one probe of a partial index."""
    at = now()
    if store.dialect == "postgresql":
        with store.sql(write=True) as q:
            return q.value("SELECT ticket_tui_release_held(current_user, :at)",
                           {"at": q.db_time(at)})
    due_sql = "FROM messages WHERE held_until IS NOT NULL AND held_until <= :at"
    with store.sql() as q:
        if not q.value(f"SELECT EXISTS (SELECT 1 {due_sql})", {"at": q.db_time(at)}):
            return 0
    released = 0
    with store.sql(write=True) as q:
        stamp = q.db_time(at)
        for message, ticket, kind, author in q.rows(
                f"SELECT id, ticket_id, kind, author_staff_id {due_sql} ORDER BY id", {"at": stamp}):
            q.run("UPDATE messages SET held_until = NULL WHERE id = :id", {"id": message})
            if kind == "staff":
                q.run("UPDATE tickets SET client_unread = client_unread + 1 WHERE id = :ticket",
                      {"ticket": ticket})
                q.run("INSERT INTO ticket_events (ticket_id, staff_id, action, detail, created_at) "
                      "VALUES (:ticket, :staff, 'reply_released', :detail, :at)",
                      {"ticket": ticket, "staff": author, "detail": f"message #{message}",
                       "at": stamp})
                # The reply counts as a response from now on (at its own time): the event's
                # step (on PostgreSQL the event's trigger, at the commit, sees it released).
                sla_step.touch(q, ticket, at)  # (the step runs before this commit)
            q.run("DELETE FROM held_sends WHERE message_id = :id", {"id": message})
            released += 1
    return released


def my_held_replies(store: Store, actor: Actor) -> list[HeldReply]:
    """The actor's replies still held, soonest released first."""
    staff = require_staff(actor, "have held replies")
    with store.sql() as q:
        rows = q.rows("SELECT h.ticket_id, h.message_id, m.held_until FROM held_sends h "
                      "JOIN messages m ON m.id = h.message_id WHERE h.staff_id = :me "
                      "AND m.held_until > :at ORDER BY m.held_until, h.message_id",
                      {"me": staff.id, "at": q.db_time(now())})
    return [HeldReply(t, m, utc(u)) for t, m, u in rows]
