"""The help desk every example of the state machine starts from: departments, staff and clients."""

from __future__ import annotations

from dataclasses import dataclass

from store import admin
from store.actors import ClientActor, StaffActor, client_actor, staff_actor
from store.db import Store
from store.macros import add_macro

DEPARTMENTS = {"Technical support": True, "Billing": False, "Sales": False}  # name: per-incident
STAFF = [  # login, name, departments, head, admin
    ("root", "Root Admin", [], False, True),
    ("alice", "Alice Smith", ["Technical support"], False, False),
    ("carol", "Carol Jones", ["Technical support"], True, False),
    ("bob", "Bob Brown", ["Billing"], False, False),
    ("dave", "Dave Dual", ["Billing", "Sales"], False, False),
    ("erin", "Erin Head", ["Sales"], True, False),
    ("frank", "Frank Free", [], False, False),  # in no department: sees only what he holds
]
CLIENTS = [("john@example.com", "John Doe"), ("mary@example.org", "Mary Major")]
LOGINS = [s[0] for s in STAFF]
MACRO, MACRO_NOTE = "Fixed", "Closed with the macro Fixed."  # everyone's (macro_rules.py)


def macro_reply(ticket_id: int) -> str:
    return f"Fixed: ticket #{ticket_id} works again."
EMAILS = [c[0] for c in CLIENTS]


@dataclass(frozen=True)
class Desk:
    staff: dict[str, StaffActor]
    clients: dict[str, ClientActor]
    dept_ids: dict[str, int]
    dept_names: dict[int, str]
    per_incident: dict[int, bool]
    staff_by_id: dict[int, StaffActor]
    client_by_id: dict[int, ClientActor]


def populate(store: Store) -> Desk:
    depts = {name: admin.add_department(store, name, per_incident=pi) for name, pi in DEPARTMENTS.items()}
    for login, name, departments, head, is_admin in STAFF:
        admin.add_staff(store, login, name, departments, head=head, admin=is_admin)
    for email, name in CLIENTS:
        admin.add_client(store, email, name)
    admin.add_service(store, EMAILS[0], "example.com", "domain", "example.com")
    admin.add_reply_template(store, MACRO, "Fixed: ticket #{ticket.id} works again.")
    add_macro(store, MACRO, MACRO, close=True, comment=MACRO_NOTE)
    staff = {login: staff_actor(store, login) for login in LOGINS}
    clients = {email: client_actor(store, email) for email in EMAILS}
    return Desk(
        staff, clients, {n: d.id for n, d in depts.items()}, {d.id: n for n, d in depts.items()},
        {d.id: d.per_incident for d in depts.values()}, {a.id: a for a in staff.values()},
        {c.id: c for c in clients.values()},
    )
