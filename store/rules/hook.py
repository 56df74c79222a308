"""Where a new event's rules run: called by the service right after it wrote a client message
(store/service/client_side.py). SQLite: inline, in the same transaction. PostgreSQL: the
database's trigger has queued the event; the operator's own session runs it inline, anyone
else's leaves it to `ticket-tui rule run` (docs/rules.md says why)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..sql import Sql
from .engine import run_event
from .queue import run_queued

OWNER = "ticket_tui_owner"


def after_client_message(s: Session, ticket_id: int, message_id: int, event: str) -> None:
    """Called by the service right after it wrote a client message (store/service/client_side)."""
    if s.get_bind().dialect.name == "sqlite":
        if run_event(s, ticket_id, event, message_id):
            s.expire_all()  # the rules wrote past the session's objects
        return
    trusted = s.scalar(text(f"SELECT pg_has_role(current_user, '{OWNER}', 'MEMBER')"))
    if trusted:
        taken = run_queued(s, message_id)
        if taken and taken[1]:
            s.expire_all()


def skip_rules(q: Sql) -> None:
    """No rules for what this transaction writes (the import of a mail history): on PostgreSQL
    the database's trigger queues nothing (it honours this for the operator and the mail
    service only); on SQLite nothing runs them (the import writes below the service)."""
    if not q.sqlite:
        q.run("SELECT set_config('ticket_tui.no_rules', 'on', true)")
