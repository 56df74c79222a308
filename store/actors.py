"""Who is acting: a staff member or a client. Every service call takes one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from .admin import client_by_email, staff_by_login
from .db import Store
from .models import Membership


@dataclass(frozen=True)
class StaffActor:
    id: int
    login: str
    name: str
    is_admin: bool
    department_ids: frozenset[int]
    head_of: frozenset[int]


@dataclass(frozen=True)
class ClientActor:
    id: int
    email: str
    name: str


Actor = StaffActor | ClientActor


def staff_actor(store: Store, login: str) -> StaffActor:
    with store.read() as s:
        staff = staff_by_login(s, login)
        rows = s.execute(
            select(Membership.department_id, Membership.is_head).where(Membership.staff_id == staff.id)
        ).all()
        return StaffActor(
            staff.id, staff.login, staff.name, staff.is_admin,
            frozenset(r.department_id for r in rows),
            frozenset(r.department_id for r in rows if r.is_head),
        )


def client_actor(store: Store, email: str) -> ClientActor:
    with store.read() as s:
        client = client_by_email(s, email)
        return ClientActor(client.id, client.email, client.name)
