"""Every row of every table, and what changed between two such snapshots."""

from __future__ import annotations

from sqlalchemy import select

from store.db import Store
from store.models import Base


def snapshot(store: Store) -> dict[str, list]:
    """Every row of every table, in primary-key order (rows compare as tuples)."""
    with store.engine.connect() as conn:
        out = {table.name: conn.execute(select(table).order_by(*table.primary_key.columns)).all()
               for table in Base.metadata.sorted_tables}
        conn.rollback()
    return out


def diff(before: dict, after: dict) -> str:
    lines = []
    for name in before:
        if before[name] != after[name]:
            gone = [r for r in before[name] if r not in after[name]][:3]
            new = [r for r in after[name] if r not in before[name]][:3]
            lines.append(f"{name}: removed/changed {gone!r} -> added/changed {new!r}")
    return "; ".join(lines)
