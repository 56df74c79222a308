"""Time while the demo is built: a fake clock that replaces store.clock.utcnow, and the helpers
the scripts count time with."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from .. import clock as wall


class Clock:
    """The store's time while the demo is built: moves only forward, never past `end`."""

    def __init__(self, start: datetime, end: datetime) -> None:
        self.current = start
        self.end = end
        self.clamped = 0  # how many times a step wanted to go past the end (a script too long)

    def now(self) -> datetime:
        return self.current

    def at(self, when: datetime) -> None:
        if when > self.end:
            self.clamped += 1
            when = self.end
        self.current = max(self.current, when)

    def advance(self, seconds: float) -> None:
        self.at(self.current + timedelta(seconds=seconds))


@contextmanager
def fake_clock(start: datetime, end: datetime) -> Iterator[Clock]:
    """Replaces store.clock.utcnow with the clock's time until the block ends.

    It is a module global: don't build a demo while other threads use the same process's store.
    """
    clock = Clock(start, end)
    original = wall.utcnow
    wall.utcnow = clock.now
    try:
        yield clock
    finally:
        wall.utcnow = original


def mins(n: float) -> timedelta:
    return timedelta(minutes=n)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def days(n: float) -> timedelta:
    return timedelta(days=n)
