"""The mail service's own PostgreSQL login: a LOGIN role in the group ticket_tui_mail
(migration 0007), which may do what the intake does and nothing else."""

from __future__ import annotations

from ..db import Store
from ..errors import BadInput, NotAllowed
from ..logins import (
    CANT_CREATE_ROLES, RESERVED_NAMES, RESERVED_PREFIXES, _quote_ident, _refusal, _require_postgresql,
    check_password, grant_connect, set_password,
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
    if role.lower().startswith(RESERVED_PREFIXES) or role.lower() in RESERVED_NAMES:
        raise NotAllowed(f"'{role}' is a name kept for PostgreSQL's and ticket-tui's own roles.")
    from sqlalchemy import text

    with store.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        groups = conn.execute(text(
            "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = :r"), {"r": role}).scalars().all()
        exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"),
                              {"r": role}).first() is not None
        if exists and set(groups) != {MAIL_ROLE}:
            raise NotAllowed(f"A PostgreSQL role named '{role}' exists already and is not a "
                             "mail service login; choose another name.")
        quoted = _quote_ident(raw, role)
        try:
            if not exists:
                conn.exec_driver_sql(f"CREATE ROLE {quoted} LOGIN IN ROLE {MAIL_ROLE}")
            set_password(conn, role, password)
            grant_connect(conn, quoted)
            conn.commit()
        except Exception as exc:  # noqa: BLE001 - the database's refusal, as a sentence
            _refusal(exc, CANT_CREATE_ROLES)
            raise
    return role
