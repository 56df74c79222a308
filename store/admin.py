"""Setting up a help desk: departments, staff, clients, services, predefined replies, settings.

Each function is one transaction that validates first and writes nothing when it refuses.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import settings as settings_mod
from . import validate
from .db import Store
from .errors import BadInput, Conflict, NotFound
from .models import (
    SERVICE_KINDS, Client, Department, Membership, ReplyTemplate, Service, Staff,
)


class DepartmentInfo(NamedTuple):
    id: int
    name: str
    per_incident: bool


class StaffInfo(NamedTuple):
    id: int
    login: str
    name: str
    is_admin: bool
    departments: tuple[str, ...]
    head_of: tuple[str, ...]


class ClientInfo(NamedTuple):
    id: int
    email: str
    name: str
    registered_at: datetime
    internal_comment: str
    balance_cents: int
    incidents_left: int


class ServiceInfo(NamedTuple):
    id: int
    client_email: str
    name: str
    kind: str
    domain: str | None


class ReplyTemplateInfo(NamedTuple):
    id: int
    title: str
    body: str
    department: str | None
    staff_login: str | None


def department_by_name(session: Session, name: str) -> Department:
    dept = session.scalar(select(Department).where(func.lower(Department.name) == name.strip().lower()))
    if dept is None:
        raise NotFound(f"There is no department named '{name.strip()}'.")
    return dept


def staff_by_login(session: Session, login: str) -> Staff:
    staff = session.scalar(select(Staff).where(Staff.login == login.strip()))
    if staff is None:
        raise NotFound(f"There is no staff member with the login '{login.strip()}'.")
    return staff


def client_by_email(session: Session, email: str) -> Client:
    """The client with this email; an email that can't be one is bad input, not "not found"."""
    email = validate.email(email)
    client = session.scalar(select(Client).where(Client.email == email))
    if client is None:
        raise NotFound(f"There is no client with the email '{email}'.")
    return client


def add_department(store: Store, name: str, per_incident: bool = False) -> DepartmentInfo:
    name = validate.text_field(name, "department name", 100)
    with store.write() as s:
        if s.scalar(select(Department.id).where(func.lower(Department.name) == name.lower())):
            raise Conflict(f"A department named '{name}' exists already.")
        dept = Department(name=name, per_incident=per_incident)
        s.add(dept)
        s.flush()
        return DepartmentInfo(dept.id, dept.name, dept.per_incident)


def add_staff(
    store: Store, login: str, name: str, departments: list[str] = (), head: bool = False,
    admin: bool = False,
) -> StaffInfo:
    login = validate.login(login)
    name = validate.text_field(name, "staff name", 200)
    if head and not departments:
        raise BadInput("A department head needs at least one --department.")
    with store.write() as s:
        if s.scalar(select(Staff.id).where(Staff.login == login)):
            raise Conflict(f"A staff member with the login '{login}' exists already.")
        depts = list({d.id: d for d in (department_by_name(s, name) for name in departments)}.values())
        staff = Staff(login=login, name=name, is_admin=admin)
        s.add(staff)
        s.flush()
        for dept in depts:
            s.add(Membership(staff_id=staff.id, department_id=dept.id, is_head=head))
        names = tuple(d.name for d in depts)
        return StaffInfo(staff.id, login, name, admin, names, names if head else ())


def add_client(store: Store, email: str, name: str, comment: str = "") -> ClientInfo:
    email = validate.email(email)
    name = validate.text_field(name, "client name", 200)
    validate.storable(comment, "internal comment")
    if len(comment) > 10_000:
        raise BadInput("The internal comment is longer than 10000 characters.")
    with store.write() as s:
        if s.scalar(select(Client.id).where(Client.email == email)):
            raise Conflict(f"A client with the email '{email}' exists already.")
        client = Client(email=email, name=name, internal_comment=comment)
        s.add(client)
        s.flush()
        return _client_info(client)


def _client_info(c: Client) -> ClientInfo:
    return ClientInfo(c.id, c.email, c.name, c.registered_at, c.internal_comment,
                      c.balance_cents, c.incidents_left)


def add_service(
    store: Store, client_email: str, name: str, kind: str = "other", domain: str | None = None
) -> ServiceInfo:
    name = validate.text_field(name, "service name", 200)
    if kind not in SERVICE_KINDS:
        raise BadInput(f"'{kind}' is not a service kind; use one of: {', '.join(SERVICE_KINDS)}.")
    if kind == "domain" and not domain:
        raise BadInput("A domain service needs --domain.")
    domain = validate.domain(domain) if domain else None
    with store.write() as s:
        client = client_by_email(s, client_email)
        svc = Service(client_id=client.id, name=name, kind=kind, domain=domain)
        s.add(svc)
        s.flush()
        return ServiceInfo(svc.id, client.email, name, kind, domain)


def add_reply_template(
    store: Store, title: str, body: str, department: str | None = None, staff: str | None = None
) -> ReplyTemplateInfo:
    title = validate.text_field(title, "title", 200)
    if not body or not body.strip():
        raise BadInput("The reply's body can't be empty.")
    validate.storable(body, "reply's body")
    if department and staff:
        raise BadInput("A predefined reply is for a department or for one staff member, not both.")
    with store.write() as s:
        limit = settings_mod.get(s, "message_max_chars")  # it becomes a reply: the same bound
        if len(body) > limit:
            raise BadInput(f"The reply's body is {len(body)} characters long; the limit is {limit}.")
        dept = department_by_name(s, department) if department else None
        member = staff_by_login(s, staff) if staff else None
        tpl = ReplyTemplate(title=title, body=body, department_id=dept and dept.id,
                            staff_id=member and member.id)
        s.add(tpl)
        s.flush()
        return ReplyTemplateInfo(tpl.id, title, body, dept and dept.name, member and member.login)


def get_settings(store: Store, key: str | None = None) -> dict[str, object]:
    with store.read() as s:
        if key is not None:
            return {key: settings_mod.get(s, key)}
        return settings_mod.get_all(s)


def set_setting(store: Store, key: str, raw: str) -> object:
    settings_mod.spec_for(key)
    with store.write() as s:
        return settings_mod.put(s, key, raw)


def list_departments(store: Store) -> list[DepartmentInfo]:
    with store.read() as s:
        return [DepartmentInfo(d.id, d.name, d.per_incident)
                for d in s.scalars(select(Department).order_by(Department.name))]


def list_staff(store: Store) -> list[StaffInfo]:
    with store.read() as s:
        rows = s.execute(
            select(Membership.staff_id, Membership.is_head, Department.name)
            .join(Department, Department.id == Membership.department_id)
        ).all()
        out = []
        for st in s.scalars(select(Staff).order_by(Staff.name)):
            mine = [r for r in rows if r.staff_id == st.id]
            out.append(StaffInfo(st.id, st.login, st.name, st.is_admin,
                                 tuple(r.name for r in mine), tuple(r.name for r in mine if r.is_head)))
        return out
