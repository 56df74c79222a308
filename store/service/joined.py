"""A store whose write() and sql() are a transaction already open, so that several of the
service's calls make one transaction (a bulk step, a macro's reply and actions)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..db import plain_in

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..sql import Sql


class InTransaction:
    """A store whose write() and sql() are a transaction already open: the service's calls made
    through it join it, so they commit or roll back together."""

    def __init__(self, session: "Session") -> None:
        self._session = session

    @contextmanager
    def write(self) -> Iterator["Session"]:
        yield self._session

    @contextmanager
    def sql(self, *, write: bool = False) -> Iterator["Sql"]:
        yield plain_in(self._session)
        self._session.expire_all()  # plain SQL changed what the session may have loaded
