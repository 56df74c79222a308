"""The desk's secret for signed Message-IDs (store.mail.signing).

Generated once by migration 0008 and kept in the database (table mail_secret: on PostgreSQL
only the operator and the mail service read it). $TICKET_TUI_MAIL_SECRET overrides it: a desk
that signed with that variable before keeps its threads by keeping it set.
"""

from __future__ import annotations

import os

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..db import Store
from ..errors import StoreError

SECRET_ENV = "TICKET_TUI_MAIL_SECRET"


def secret_in(s: Session) -> str | None:
    """The secret, read in the caller's transaction (the environment's first)."""
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV]
    return s.execute(text("SELECT secret FROM mail_secret ORDER BY id LIMIT 1")).scalar()


def desk_secret(store: Store) -> str | None:
    """The secret, or None for a login that may not read it (a staff member on PostgreSQL):
    the intake then trusts only the ids it has recorded."""
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV]
    try:
        with store.read() as s:
            return secret_in(s)
    except StoreError:
        return None
