"""Typed refusals. Each carries one plain sentence meant for the person who asked.

The command line maps BadInput and Unavailable to exit code 2, every Refused to exit code 1, and
ConnectionLost and NotWritable (the database, not the request, failed; nothing was written) to
exit code 3.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base of every error the store raises on purpose; str(error) is the sentence to show."""


class BadInput(StoreError):
    """The input itself is malformed: an empty name, a bad email, a negative amount."""


class Unavailable(StoreError):
    """The database can't be reached or opened."""


class Refused(StoreError):
    """A rule refuses the action; nothing was written."""


class NotFound(Refused):
    pass


class NotVisible(Refused):
    pass


class NotAllowed(Refused):
    pass


class Conflict(Refused):
    """The thing exists already (a duplicate login, department, email)."""


class LockedByOther(Refused):
    """The ticket is locked by another staff member; the sentence says who and since when."""


class ConnectionLost(StoreError):
    """The database went away in the middle of an action (the connection dropped, the server
    restarted, a statement timed out). `saved` is False when the action was certainly rolled
    back, None when the loss came while committing (look before trying again)."""

    def __init__(self, sentence: str, saved: bool | None = False) -> None:
        super().__init__(sentence)
        self.saved = saved


class NotWritable(StoreError):
    """The database can't take a write now: its file is read-only, or its disk is full. The
    transaction was rolled back whole; reading still works."""


class RefusedByDatabase(Refused):
    """The database's own rules (row security, privileges of the login role) refused it."""
