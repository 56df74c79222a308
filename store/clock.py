"""The store's clock: aware UTC, the only kind of time the store takes or gives."""

from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
