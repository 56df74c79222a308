"""The store's clock: aware UTC, the only kind of time the store takes or gives."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone

# A moment every write inside `as_of` is stamped with: a mail history brought in keeps each
# mail's own date (store/mail/importer.py). Unset, the clock is the real one.
_as_of: ContextVar[datetime | None] = ContextVar("ticket_tui_as_of", default=None)


def utcnow() -> datetime:
    fixed = _as_of.get()
    return fixed if fixed is not None else datetime.now(timezone.utc)


@contextmanager
def as_of(moment: datetime) -> Iterator[None]:
    """What is written in this block happens at `moment` (aware)."""
    token = _as_of.set(moment.astimezone(timezone.utc))
    try:
        yield
    finally:
        _as_of.reset(token)
