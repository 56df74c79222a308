"""Each person acts through their own PostgreSQL login role, as on a team's shared store.

The store tests set their desk up as the operator (departments, staff, clients: no actor), then
call the service as staff members and clients. On PostgreSQL the `store` fixture is a
PersonalStore and `act_in_person` wraps every service function, so a call made for an actor runs
on a store connected with that actor's own login role (granted on first use): row security,
privileges and the write rules of migrations 0003 to 0006 see every action the tests take.
"""

from __future__ import annotations

import functools

from sqlalchemy.engine import make_url

from store import logins
from store import service as sv
from store.actors import ClientActor, StaffActor
from store.db import Store


class PersonalStore(Store):
    """The operator's store, which hands each actor a store of their own login role."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self._people: dict[tuple[str, int], Store] = {}

    def as_person(self, actor: StaffActor | ClientActor) -> Store:
        key = ("client" if isinstance(actor, ClientActor) else "staff", actor.id)
        found = self._people.get(key)
        if found is None:
            if isinstance(actor, ClientActor):
                role = logins.grant_login(self, actor.email, client=True).role
            else:
                role = logins.grant_login(self, actor.login).role
            url = make_url(self.url).set(username=role).render_as_string(hide_password=False)
            found = self._people[key] = Store.open(url, migrate=False)
        return found

    def close(self) -> None:
        for person in self._people.values():
            person.close()
        self._people.clear()
        super().close()


def _in_person(fn):
    @functools.wraps(fn)
    def call(store, *args, **kwargs):
        actor = args[0] if args else kwargs.get("actor")
        if isinstance(store, PersonalStore) and isinstance(actor, (StaffActor, ClientActor)):
            store = store.as_person(actor)
        return fn(store, *args, **kwargs)

    return call


def act_in_person(monkeypatch) -> None:
    """Every service function called with a PersonalStore runs as its actor's own role."""
    for name in sv.__all__:
        value = getattr(sv, name)
        if callable(value) and not isinstance(value, type) and name != "ListSpec":
            monkeypatch.setattr(sv, name, _in_person(value))


def personal_desk(pg_url: str, monkeypatch):
    """tests/desk.py's desk on PostgreSQL, every service call made in person."""
    from tests.desk import make_desk

    act_in_person(monkeypatch)
    return make_desk(PersonalStore.open(pg_url))


def own_store(store: Store, actor: StaffActor | ClientActor) -> Store:
    """The store an app opened by `actor` would have: their own login role's on PostgreSQL."""
    return store.as_person(actor) if isinstance(store, PersonalStore) else store
