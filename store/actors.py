"""Who is acting: a staff member or a client. Every service call takes one."""

from __future__ import annotations

from typing import NamedTuple

from . import validate
from .db import Store
from .errors import NotFound
from .sql import Sql


class StaffActor(NamedTuple):
    id: int
    login: str
    name: str
    is_admin: bool
    department_ids: frozenset[int]
    head_of: frozenset[int]


class ClientActor(NamedTuple):
    id: int
    email: str
    name: str


Actor = StaffActor | ClientActor


def staff_actor(store: Store, login: str) -> StaffActor:
    login = login.strip()
    with store.sql() as q:
        staff = q.row("SELECT id, login, name, is_admin FROM staff WHERE login = :login",
                      {"login": login})
        if staff is None:
            raise NotFound(f"There is no staff member with the login '{login}'.")
        rows = q.rows("SELECT department_id, is_head FROM memberships WHERE staff_id = :id",
                      {"id": staff[0]})
    return StaffActor(staff[0], staff[1], staff[2], bool(staff[3]),
                      frozenset(d for d, _ in rows), frozenset(d for d, head in rows if head))


def client_actor(store: Store, email: str) -> ClientActor:
    with store.sql() as q:
        return ClientActor(*find_client(q, email))


def find_client(q: Sql, email: str) -> tuple[int, str, str]:
    """The client's id, email and name; an email that can't be one is bad input."""
    email = validate.email(email)
    client = q.row("SELECT id, email, name FROM clients WHERE email = :email", {"email": email})
    if client is None:
        raise NotFound(f"There is no client with the email '{email}'.")
    return client
