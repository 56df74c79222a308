"""A store whose write() is a transaction already open, so that several of the service's calls
make one transaction (a bulk step, a macro's reply and actions)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class InTransaction:
    """A store whose write() is a transaction already open: the service's calls made through it
    join it, so they commit or roll back together."""

    def __init__(self, session: "Session") -> None:
        self._session = session

    @contextmanager
    def write(self) -> Iterator["Session"]:
        yield self._session
