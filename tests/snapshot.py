"""A whole-database snapshot, to assert that a refused action wrote nothing."""

from __future__ import annotations

from sqlalchemy import select

from store.db import Store
from store.models import Base


# Who may log in, not what they did: on PostgreSQL the tests grant a person's login role on
# their first action (tests/personal.py), refused or not.
NOT_DESK_DATA = ("client_logins",)


def snapshot(store: Store) -> dict[str, list[tuple]]:
    out = {}
    with store.read() as s:
        for table in Base.metadata.sorted_tables:
            if table.name in NOT_DESK_DATA:
                continue
            rows = s.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(r) for r in rows]
    return out
