"""The scheduler: runs the demo's scripts interleaved in time order, the clock at each step's
time, so ticket numbers grow with their opening time as they would."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from datetime import datetime, timedelta

from .desk import Desk, Script


def run_scripts(desk: Desk, plan: list[tuple[datetime, Script]]) -> None:
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
