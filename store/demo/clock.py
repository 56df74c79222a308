"""Time while the demo is built: a fake clock that replaces store.clock.utcnow, the helpers the
scripts count time with, and the scheduler that runs the scripts interleaved in time order."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .. import clock as wall

if TYPE_CHECKING:
    from .desk import Desk


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


Script = Callable[["Desk"], Iterator[timedelta]]


def run_scripts(desk: "Desk", plan: list[tuple[datetime, Script]]) -> None:
    """Runs the scripts interleaved in time order. A script yields how long to wait before its
    next step; its steps run with the clock at their time."""
    queue: list[tuple[datetime, int, Iterator[timedelta]]] = []
    for order, (start, script) in enumerate(plan):
        heapq.heappush(queue, (start, order, script(desk)))
    order = len(plan)
    while queue:
        when, number, steps = heapq.heappop(queue)
        desk.clock.at(when)
        try:
            wait = next(steps)
        except StopIteration:
            wait = None
        if wait is not None:
            heapq.heappush(queue, (desk.clock.current + wait, number, steps))
        for after, script in desk.spawned:
            heapq.heappush(queue, (desk.clock.current + after, order, script(desk)))
            order += 1
        desk.spawned.clear()
