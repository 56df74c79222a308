"""The people seeded tickets need: the departments and staff (made if missing, kept if there),
and the clients with their services, written in chunks; and what the ticket generator knows of
them all (the World)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sqlalchemy import select

from ..db import Store
from ..models import Department, Membership, Staff
from .banks.staff import DEPARTMENTS, STAFF
from .text import client_identity, num, services_for
from .writes import CLIENT_COLS, SERVICE_COLS, Stamper, bulk, take_ids

SPAN = 3 * 365 * 86400  # tickets are spread over the last three years
CLIENT_CHUNK = 20_000


@dataclass(frozen=True)
class DeptInfo:
    id: int
    name: str  # as stored: an existing department may differ in case
    per_incident: bool
    topic: str  # its name in the banks, which picks what its tickets are about


@dataclass
class ClientInfo:
    id: int
    first: str
    name: str
    domain: str
    services: list[tuple[int, str, str | None]]  # (id, kind, domain)
    balance: int


@dataclass
class World:
    depts: list[DeptInfo]
    members: dict[int, list[int]]  # department id -> staff ids
    admins: list[int]
    staff_names: dict[int, str]
    clients: list[ClientInfo] = field(default_factory=list)


def setup_people(store: Store) -> tuple[World, int, int]:
    """Creates the seed departments and staff that are missing; leaves existing ones as they are.
    Returns the world and how many departments and staff members were created."""
    departments_created = staff_created = 0
    with store.write() as s:
        by_name = {d.name.lower(): d for d in s.scalars(select(Department))}
        for name, per_incident, _ in DEPARTMENTS:
            if name.lower() not in by_name:
                by_name[name.lower()] = Department(name=name, per_incident=per_incident)
                s.add(by_name[name.lower()])
                departments_created += 1
        s.flush()
        logins = set(s.scalars(select(Staff.login)))
        for login, name, is_admin, depts, heads in STAFF:
            if login not in logins:
                member = Staff(login=login, name=name, is_admin=is_admin)
                s.add(member)
                s.flush()
                s.add_all(Membership(staff_id=member.id, department_id=by_name[d.lower()].id,
                                     is_head=d in heads) for d in depts)
                staff_created += 1
        s.flush()
        infos = [DeptInfo(d.id, d.name, d.per_incident, n)
                 for n, d in ((n, by_name[n.lower()]) for n, _, _ in DEPARTMENTS)]
        members: dict[int, list[int]] = {d.id: [] for d in infos}
        for staff_id, dept_id in s.execute(select(Membership.staff_id, Membership.department_id)
                                           .order_by(Membership.staff_id)):
            members.setdefault(dept_id, []).append(staff_id)
        admins = list(s.scalars(select(Staff.id).where(Staff.is_admin).order_by(Staff.id)))
        names = {i: n for i, n in s.execute(select(Staff.id, Staff.name))}
        for d in infos:  # a department nobody may answer would make impossible tickets
            if not members[d.id] and not admins:
                s.add(Membership(staff_id=min(names), department_id=d.id))
                members[d.id].append(min(names))
    return World(infos, members, admins, names), departments_created, staff_created


def add_clients(store: Store, rng: random.Random, world: World, count: int,
                now_ts: int) -> tuple[int, int]:
    """Writes `count` clients and their services, adding them to the world; returns how many
    clients and services were written."""
    stamp = Stamper(store.dialect)
    client_count = service_count = 0
    for start in range(0, count, CLIENT_CHUNK):
        with store.write() as s:
            client_ids = take_ids(s, "clients", min(CLIENT_CHUNK, count - start))
            made = [(cid, client_identity(rng, cid)) for cid in client_ids]
            offers = [services_for(rng, identity[3]) for _, identity in made]
            service_ids = iter(take_ids(s, "services", sum(map(len, offers))))
            clients, services = [], []
            for (cid, (first, name, email, domain, comment)), offer in zip(made, offers):
                # Registered before the oldest ticket; a balance that charges can come out of.
                registered = stamp(now_ts - SPAN - num(rng, 86400, 4 * 365 * 86400))
                balance = num(rng, 20, 5000) * 100
                clients.append([cid, email, name, registered, comment, balance, num(rng, 0, 11)])
                owned = [(next(service_ids), kind, dom) for _, kind, dom in offer]
                services += [[sid, cid, svc[0], kind, dom]
                             for (sid, kind, dom), svc in zip(owned, offer)]
                world.clients.append(ClientInfo(cid, first, name, domain, owned, balance))
            bulk(s, "clients", CLIENT_COLS, clients)
            bulk(s, "services", SERVICE_COLS, services)
        client_count += len(clients)
        service_count += len(services)
    return client_count, service_count
