"""response targets, corrected: what counts as a response, a policy change that remembers
lateness, the seeder's session without due times

- messages.automatic (boolean, NOT NULL, default false): a response rule's automatic answer
  (store/rules/actions.py). It is no response: the step's first reply skips it, as the reports
  do, and the outbox marks its mail Auto-Submitted. Staff logins keep 0004's column grants on
  messages (body, edited_at, ticket_id), so no login turns an automatic answer into a reply
  afterwards; a staff login inserting its own reply with automatic = true only makes its reply
  count for nothing (docs/sla.md).
- ticket_tui_sla_refresh (store/sla/pg_refresh.py, revision "0018"), replacing 0016's text:
  the first reply is a staff reply neither automatic nor still held (undo send: it counts at its
  own time once released, whose event runs the step); a running clock past its due keeps the
  whole minutes past the due as used when the policy changes (SLA_SPEC.md 2b capped them);
- ticket_tui_sla_event: the operator's session saying `ticket_tui.no_sla = on` (the seeder)
  makes no due times; a login's setting counts for nothing.
The rules' earlier answers (author-less staff messages that are not desk answers imported from
a mail history) are marked automatic. Downgrade puts 0016's text back and drops the column.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 19:45:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from store.sla import pg_refresh

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

OWNER = "ticket_tui_owner"
IMPORTED = ", from the mail history"  # store/mail/importer.py's _desk_answer's event detail


def upgrade() -> None:
    op.add_column("messages", sa.Column("automatic", sa.Boolean(), nullable=False,
                                        server_default=sa.false()))
    # The answers the rules wrote before: the staff messages without an author, but for the desk
    # answers `mail import` took from a mail history (their event says so). Rows of ticket_sla
    # stay as the step left them; a ticket's next event goes on from there.
    op.execute("UPDATE messages SET automatic = TRUE WHERE kind = 'staff' AND author_staff_id IS "
               "NULL AND NOT EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = "
               "messages.ticket_id AND e.action = 'reply' AND e.detail = "
               f"'message #' || messages.id || '{IMPORTED}')")
    pg_refresh.install(op, OWNER, "0018")


def downgrade() -> None:
    pg_refresh.install(op, OWNER, "0016")
    # (SQLite drops a column in place: a batch copy of messages would lose 0002's triggers)
    op.execute("ALTER TABLE messages DROP COLUMN automatic")
