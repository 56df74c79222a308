"""A whole-database snapshot, to assert that a refused action wrote nothing."""

from __future__ import annotations

from sqlalchemy import select

from store.db import Store
from store.models import Base


def snapshot(store: Store) -> dict[str, list[tuple]]:
    out = {}
    with store.read() as s:
        for table in Base.metadata.sorted_tables:
            rows = s.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(r) for r in rows]
    return out
