"""Waiting for a Textual app under Pilot: poll a condition, never sleep a fixed long time."""

from __future__ import annotations

from textual.css.query import NoMatches


async def until(pilot, condition, timeout: float = 10.0) -> None:
    """Polls the condition while workers land on their own time. A screen that is current but
    not composed yet (NoMatches) is "not yet", not a failure."""
    waited = 0.0
    while not _holds(condition):
        await pilot.pause(0.05)
        waited += 0.05
        if waited > timeout:
            raise AssertionError("the UI did not reach the expected state in time")


def _holds(condition) -> bool:
    try:
        return bool(condition())
    except NoMatches:
        return False
