"""The mail service's own PostgreSQL login: a LOGIN role in the group ticket_tui_mail
(migration 0007), which may do what the intake does and nothing else."""

from __future__ import annotations

from ..db import Store
from ..errors import BadInput, NotAllowed
from ..logins import (
    ROLE_GROUPS, _require_postgresql, check_password, make_login, refuse_reserved, role_exists,
)

MAIL_ROLE = "ticket_tui_mail"


def grant_mail_login(store: Store, role: str, password: str | None = None) -> str:
    """Makes the login role `role` a mail service login (making the role if needed), with the
    password if one is given (else it logs in however pg_hba.conf allows). Returns its name."""
    _require_postgresql(store)
    check_password(password)
    role = (role or "").strip()
    if not role or len(role.encode()) > 63:
        raise BadInput("A role name is 1 to 63 bytes long.")
    refuse_reserved(role, "choose another name for the mail service's login")
    from sqlalchemy import text

    with store.engine.connect() as conn:
        groups = conn.execute(text(ROLE_GROUPS), {"role": role}).scalars().all()
        exists = role_exists(conn, role)
        if exists and set(groups) != {MAIL_ROLE}:
            raise NotAllowed(f"A PostgreSQL role named '{role}' exists already and is not a "
                             "mail service login; choose another name.")
        make_login(conn, role, MAIL_ROLE, password, exists=exists)
    return role
