"""PostgreSQL login roles: one per staff member (or client), and who a connection acts as.

The roles (migration 0003 makes the first three; they belong to the whole server):
- `ticket_tui_owner` (NOLOGIN) owns every table and the policy functions. The operator's own
  login role is made a member of it by the first `ticket-tui init` (run as a superuser, or as a
  role with CREATEROLE that owns the database); later `init`s, `staff add`, `seed` and
  `admin grant-login` run as that operator role. Row security is FORCEd, and the owner's
  policies let it (and its members) see and write everything, unchecked.
- `ticket_tui_staff` / `ticket_tui_client` (NOLOGIN) carry the GRANTs, the policies and the
  write rules (migrations 0003 to 0006).
- One LOGIN role per staff member, named by their login, member of ticket_tui_staff; or per
  client, with an opaque name (`ttc_` and 16 hex digits, mapped to the client in the owner's
  table client_logins, so the role list, which any login reads, names no client), member of
  ticket_tui_client. `grant_login` makes them and says the name. A connection made with such a
  role acts as that staff member (or client) and nobody else: the database itself shows it
  only what that person may see, and refuses any write the app would refuse them.
- A role is a person only if it belongs to the group and is not one of the project's group
  roles: a staff login named like one (or with PostgreSQL's own pg_ prefix, or a client role's
  ttc_) is refused here, and the database's identity functions ignore ticket_tui_... roles.

Nothing here needs a superuser at run time: only granting logins needs CREATEROLE.
"""

from __future__ import annotations

from typing import NamedTuple

from . import validate
from .db import Store
from .errors import BadInput, NotAllowed

OWNER_ROLE = "ticket_tui_owner"
STAFF_ROLE = "ticket_tui_staff"
CLIENT_ROLE = "ticket_tui_client"
CLIENT_ROLE_PREFIX = "ttc_"
# Names a staff login role may not take: the project's group roles and its client roles,
# PostgreSQL's own roles, and the words PostgreSQL reads as a role of its own.
RESERVED_PREFIXES = ("ticket_tui_", CLIENT_ROLE_PREFIX, "pg_")
RESERVED_NAMES = ("public", "current_role", "current_user", "session_user", "none")
MAX_PASSWORD = 1000


class ConnectedAs(NamedTuple):
    """A connection made with a ticket-tui login role: the staff login or client email."""

    kind: str  # "staff" or "client"
    name: str


class LoginGranted(NamedTuple):
    role: str  # the name to connect with
    kind: str
    created: bool  # False: the role existed already (its password, if given, was changed)
    person: str  # the staff login or the client's email


def _require_postgresql(store: Store) -> None:
    if store.dialect != "postgresql":
        raise NotAllowed("Logins are PostgreSQL roles; a SQLite store is used by one person "
                         "and has none (use --as).")


# Which ticket-tui group a role belongs to directly (plain SQL and SQLAlchemy's text() alike).
# ROLE_GROUPS: every group a role belongs to directly.
ROLE_GROUPS = ("SELECT g.rolname FROM pg_auth_members m "
               "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member "
               "WHERE u.rolname = :role")
_MEMBERSHIP = ROLE_GROUPS + " AND g.rolname IN (:staff, :client)"


def _group(names) -> str | None:
    if STAFF_ROLE in names:
        return "staff"
    if CLIENT_ROLE in names:
        return "client"
    return None


def _membership(conn, role: str) -> str | None:
    """Which ticket-tui group `role` belongs to directly: 'staff', 'client' or None."""
    from sqlalchemy import text

    return _group(conn.execute(text(_MEMBERSHIP), _membership_params(role)).scalars().all())


def _membership_params(role: str) -> dict:
    return {"role": role, "staff": STAFF_ROLE, "client": CLIENT_ROLE}


def connected_as(store: Store) -> ConnectedAs | None:
    """Who this store's connections act as, when their role is a ticket-tui login; else None
    (SQLite, or an operator / superuser role, which chooses its identity with --as)."""
    if store.dialect != "postgresql":
        return None
    cached = getattr(store, "_connected_as", False)
    if cached is not False:
        return cached
    with store.sql() as q:
        user = q.value("SELECT current_user")
        kind = _group([name for name, in q.rows(_MEMBERSHIP, _membership_params(user))])
        if kind == "client":  # the role's name is opaque: the client is who the database says
            user = q.value("SELECT email FROM clients WHERE id = ticket_tui_client_id(current_user)")
    found = ConnectedAs(kind, user) if kind and user else None
    store._connected_as = found  # the role of a store's connections never changes
    return found


def grant_login(store: Store, name: str, password: str | None = None, *,
                client: bool = False) -> LoginGranted:
    """Makes (or updates) the PostgreSQL login role of staff member `name` (a client's email
    with client=True: its role gets an opaque name, returned). The password is hashed here
    (SCRAM) before it is sent, so it never appears in the server's logs; without one the role
    logs in however pg_hba.conf allows."""
    _require_postgresql(store)
    check_password(password)
    from sqlalchemy import text

    from .admin import client_by_email, staff_by_login

    client_id = None
    with store.read() as s:
        if client:
            found = client_by_email(s, validate.email(name))
            person, client_id = found.email, found.id
            role = s.execute(text("SELECT role FROM client_logins WHERE client_id = :c"),
                             {"c": client_id}).scalar()
        else:
            role = person = staff_by_login(s, name).login
            refuse_reserved(role)
    group = CLIENT_ROLE if client else STAFF_ROLE
    kind = "client" if client else "staff"
    if len(person.encode()) > 63 and not client:
        raise BadInput(f"'{person}' is longer than a PostgreSQL role name may be (63 bytes).")
    with store.engine.connect() as conn:
        exists = role is not None and role_exists(conn, role)
        if exists and _membership(conn, role) != kind:
            raise NotAllowed(
                f"A PostgreSQL role named '{role}' exists already and is not a ticket-tui "
                f"{kind} login; drop or rename it first.")
        if client and not exists:
            import secrets  # (not at import: it loads OpenSSL, which reading never needs)

            role = CLIENT_ROLE_PREFIX + secrets.token_hex(8)

        def map_to_client() -> None:
            conn.execute(text("DELETE FROM client_logins WHERE client_id = :c OR role = :r"),
                         {"c": client_id, "r": role})
            conn.execute(text("INSERT INTO client_logins (role, client_id) VALUES (:r, :c)"),
                         {"r": role, "c": client_id})

        make_login(conn, role, group, password, exists=exists,
                   also=map_to_client if client else None)
    return LoginGranted(role, kind, not exists, person)


def role_exists(conn, role: str) -> bool:
    from sqlalchemy import text

    return conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"),
                        {"r": role}).first() is not None


def make_login(conn, role: str, group: str, password: str | None, *, exists: bool,
               also=None) -> None:
    """Makes `role` a LOGIN member of `group` (unless it exists), runs also() in the same
    transaction, sets the password if one is given, lets it connect, and commits; a role that
    may not create roles is told so in one sentence. Every kind of login is made here."""
    raw = conn.connection.dbapi_connection
    quoted = _quote_ident(raw, role)
    try:
        if not exists:
            conn.exec_driver_sql(f"CREATE ROLE {quoted} LOGIN IN ROLE {group}")
        if also is not None:
            also()
        set_password(conn, role, password)
        grant_connect(conn, quoted)
        conn.commit()
    except Exception as exc:  # noqa: BLE001 - the database's refusal, as a sentence
        _refusal(exc, CANT_CREATE_ROLES)
        raise


CANT_CREATE_ROLES = ("Your database role may not create roles: grant logins as the operator "
                     "role (it needs CREATEROLE).")


def check_password(password: str | None) -> None:
    if password is not None and (not password or "\x00" in password
                                 or len(password) > MAX_PASSWORD):
        raise BadInput("The password must be 1 to 1000 characters, without NUL.")


def set_password(conn, role: str, password: str | None) -> None:
    """Hashed here (SCRAM) before it is sent, so it never appears in the server's logs."""
    if password is None:
        return
    raw = conn.connection.dbapi_connection
    hashed = raw.pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256").decode()
    conn.exec_driver_sql(f"ALTER ROLE {_quote_ident(raw, role)} PASSWORD {_quote_literal(raw, hashed)}")


def grant_connect(conn, quoted_role: str) -> None:
    """The login may connect to this database (a SQLAlchemy connection, in its transaction)."""
    from sqlalchemy import text

    raw = conn.connection.dbapi_connection
    db = conn.execute(text("SELECT current_database()")).scalar()
    conn.exec_driver_sql(f"GRANT CONNECT ON DATABASE {_quote_ident(raw, db)} TO {quoted_role}")


def refuse_reserved(name: str, why: str = "a staff member with that login can't have a "
                                         "login role") -> None:
    if name.lower().startswith(RESERVED_PREFIXES) or name.lower() in RESERVED_NAMES:
        raise NotAllowed(f"'{name}' is a name kept for PostgreSQL's and ticket-tui's own roles; "
                         f"{why}.")


def _refusal(exc: Exception, sentence: str) -> None:
    """The database's refusal for lack of a privilege, as one sentence."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", "") == "42501":
        raise NotAllowed(sentence) from None


def revoke_login(store: Store, name: str) -> str:
    """Drops the login role of a staff member (named by login) or a client (by email or by
    its role's name): they can no longer connect. Returns the role's name."""
    _require_postgresql(store)
    from sqlalchemy import text

    with store.engine.connect() as conn:
        role = name
        if "@" in name:
            role = conn.execute(text("SELECT l.role FROM client_logins l JOIN clients c "
                                     "ON c.id = l.client_id WHERE c.email = :e"),
                                {"e": name.strip().lower()}).scalar() or name
        if _membership(conn, role) is None:
            raise NotAllowed(f"There is no ticket-tui login named '{name}'.")
        raw = conn.connection.dbapi_connection
        db = conn.execute(text("SELECT current_database()")).scalar()
        try:
            conn.execute(text("DELETE FROM client_logins WHERE role = :r"), {"r": role})
            conn.exec_driver_sql(f"REVOKE CONNECT ON DATABASE {_quote_ident(raw, db)} "
                                 f"FROM {_quote_ident(raw, role)}")
            conn.exec_driver_sql(f"DROP ROLE {_quote_ident(raw, role)}")
            conn.commit()
        except Exception as exc:  # noqa: BLE001 - the database's refusal, as a sentence
            _refusal(exc, "Your database role may not drop roles: revoke logins as the operator "
                          "role (it needs CREATEROLE).")
            from sqlalchemy.exc import DBAPIError

            if isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", "") == "2BP01":
                raise NotAllowed(f"The role '{role}' still has rights in another database of "
                                 "this server; revoke its login there first.") from None
            raise
    return role


def staff_login_for(store: Store, given: str | None, *, explicit: bool = True) -> str | None:
    """The staff login to act as: on a ticket-tui staff login role, the role itself (`given`
    must match it when it was asked for explicitly); elsewhere `given` as it is."""
    who = connected_as(store)
    if who is None:
        return given
    if who.kind == "client":
        raise NotAllowed(f"You are connected to PostgreSQL as the client {who.name}; "
                         "staff actions need a staff login.")
    if given is not None and given != who.name and explicit:
        raise NotAllowed(f"You are connected to PostgreSQL as {who.name}, so you act as "
                         f"{who.name}, not {given}.")
    return who.name


def client_email_for(store: Store, given: str | None) -> str | None:
    """The client to act as: on a ticket-tui client login role, that client (and no other)."""
    who = connected_as(store)
    if who is None:
        return given
    if who.kind == "staff":
        raise NotAllowed(f"You are connected to PostgreSQL as the staff member {who.name}; "
                         "a client's actions need the client's own login.")
    if given is not None and given.strip().lower() != who.name:
        raise NotAllowed(f"You are connected to PostgreSQL as {who.name}, so you act as "
                         f"{who.name}, not {given}.")
    return who.name


def _quote_ident(raw, name: str) -> str:
    from psycopg import sql

    return sql.Identifier(name).as_string(raw)


def _quote_literal(raw, value: str) -> str:
    from psycopg import sql

    return sql.Literal(value).as_string(raw)


__all__ = ["ConnectedAs", "LoginGranted", "client_email_for", "connected_as", "grant_login",
           "revoke_login", "staff_login_for"]
