"""A small help desk for the service tests: two departments, staff in each, an admin, a client."""

from __future__ import annotations

from dataclasses import dataclass

from store import admin
from store import service as sv
from store.actors import ClientActor, StaffActor, client_actor, staff_actor
from store.db import Store


@dataclass
class Desk:
    store: Store
    root: StaffActor  # administrator
    alice: StaffActor  # Technical support
    carol: StaffActor  # Technical support, head
    bob: StaffActor  # Billing
    john: ClientActor
    mary: ClientActor
    domain_service: int

    def open(self, subject: str = "Site down", body: str = "example.com is down",
             department: str = "Technical support", client: ClientActor | None = None) -> int:
        return sv.open_ticket(self.store, client or self.john, department, subject, body)

    def taken(self, staff: StaffActor | None = None, **kw) -> tuple[int, str]:
        tid = self.open(**kw)
        return tid, sv.take(self.store, staff or self.alice, tid).token


def make_desk(store: Store) -> Desk:
    admin.add_department(store, "Technical support", per_incident=True)
    admin.add_department(store, "Billing")
    admin.add_staff(store, "root", "Root Admin", admin=True)
    admin.add_staff(store, "alice", "Alice Smith", ["Technical support"])
    admin.add_staff(store, "carol", "Carol Jones", ["Technical support"], head=True)
    admin.add_staff(store, "bob", "Bob Brown", ["Billing"])
    admin.add_client(store, "john@example.com", "John Doe", "pays late")
    admin.add_client(store, "mary@example.org", "Mary Major")
    svc = admin.add_service(store, "john@example.com", "example.com", "domain", "example.com")
    return Desk(
        store, staff_actor(store, "root"), staff_actor(store, "alice"), staff_actor(store, "carol"),
        staff_actor(store, "bob"), client_actor(store, "john@example.com"),
        client_actor(store, "mary@example.org"), svc.id,
    )
