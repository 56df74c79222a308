"""The recompute check of SLA_SPEC.md: a ticket's ticket_sla row computed again from its
timeline alone, another way than the step (store/sla/clocks.py), for the property test
(tests/test_sla_property.py) to compare with the row the step kept.

The timeline is the ticket's inputs after each transaction that recorded an event for it, with
that transaction's moment. Where the step keeps a due moment or the minutes left, this walk keeps
per clock the business minutes *used* and the moment it counts from (`since`: None while the
ticket is closed, the delay's end while delayed, so a delay that runs out needs no event), and
adds the business time of each interval in which the clock counted. Whole minutes are taken where
the step takes them (a pause, a change of policy: the step stores whole minutes left), rounding
the minutes used up, so the two agree to the microsecond.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .calendar import Calendar
from .clocks import APPLIED, COLUMNS, CLOCKS, Inputs, Targets, policy_key

MINUTE = timedelta(minutes=1)


@dataclass
class _Clock:
    target: int
    used: int = 0
    since: datetime | None = None  # counting from here (a future moment: paused until then)

    def counting(self, at: datetime) -> bool:
        return self.since is not None and self.since <= at

    def left(self) -> int:
        return max(0, self.target - self.used)

    def take_used(self, at: datetime, cal: Calendar, *, late: bool = False) -> None:
        """Adds the business time counted from `since` to `at`, in whole minutes up, up to the
        target; with `late` (a change of policy) the whole minutes past the target count too."""
        if self.since is not None and self.since < at:
            total = self.used * MINUTE + cal.open_time(self.since, at)
            over = total - self.target * MINUTE
            if late and over > timedelta():
                self.used = self.target + over // MINUTE
            else:
                self.used = min(self.target, -(-total // MINUTE))
            self.since = at

    def due(self, cal: Calendar) -> datetime | None:
        return None if self.since is None else cal.add(self.since, self.left())

    def met(self, moment: datetime, at: datetime, cal: Calendar) -> bool:
        return moment <= self.due(cal) if self.counting(at) else self.left() > 0


def replay(timeline: Iterable[tuple[datetime, Inputs]], calendar_of: Callable[[int], Calendar],
           policy_of: Callable[[int, int, int | None], Targets | None]) -> dict | None:
    """The row after the last step of `timeline` ((moment, inputs) in order), or None when no
    policy ever applied."""
    walk = _Walk(calendar_of, policy_of)
    for at, i in timeline:
        walk.step(at, i)
    return walk.row()


class _Walk:
    def __init__(self, calendar_of, policy_of) -> None:
        self.calendar_of, self.policy_of = calendar_of, policy_of
        self.started = False
        self.clocks: dict[str, _Clock | None] = dict.fromkeys(CLOCKS)
        self.targets = Targets(None, None, None)
        self.first_at = self.first_met = self.first_due_kept = self.resolution_met = None
        self.breached = False
        self.last: Inputs | None = None
        self.at: datetime | None = None

    def _resume_from(self, i: Inputs, at: datetime) -> datetime | None:
        """Where a clock counts from when it (re)starts now."""
        if not i.is_open:
            return None
        return i.delayed_until if i.delayed_until is not None and i.delayed_until > at else at

    def step(self, at: datetime, i: Inputs) -> None:
        if not self.started:
            p = self.policy_of(*policy_key(i))
            if p is not None:
                self._start(at, i, p)
            return
        s, cal_old = self.last, self.calendar_of(self.last.department_id)
        if s.delayed_until != i.delayed_until:
            delayed = i.delayed_until is not None and i.delayed_until > at
            for c in self._active():
                if c.since is None:  # closed: the delay changes nothing
                    continue
                if delayed:  # a new delay: the minutes used so far are taken
                    c.take_used(at, cal_old)
                    c.since = i.delayed_until
                elif c.since > at:  # the delay in effect ended early
                    c.since = at
        if policy_key(s) != policy_key(i):
            self._new_policy(at, i, cal_old)
        cal = self.calendar_of(i.department_id)
        first = self.clocks["first"]
        if self.first_at is None and i.first_reply is not None and first is not None:
            self.first_met = first.met(i.first_reply, at, cal)
            self.first_at, self.first_due_kept = i.first_reply, first.due(cal)
            self.breached |= not self.first_met
            self.clocks["first"] = None
        nxt = self.clocks["next"]
        if nxt is not None and not i.awaiting_staff:
            self.breached |= not nxt.met(at, at, cal)
            self.clocks["next"] = None
        elif (nxt is None and i.awaiting_staff and not s.awaiting_staff
              and self.first_at is not None and self.targets.next):
            since = self._resume_from(i, at) if s.is_open else None
            self.clocks["next"] = _Clock(self.targets.next, 0, since)
        if s.is_open and not i.is_open:
            resolution = self.clocks["resolution"]
            if resolution is not None:
                self.resolution_met = resolution.met(at, at, cal)
                self.breached |= not self.resolution_met
            for c in self._active():
                c.take_used(at, cal)
                c.since = None
        elif not s.is_open and i.is_open:
            self.resolution_met = None
            for c in self._active():
                c.since = self._resume_from(i, at)
        self.last, self.at = i, at

    def _active(self) -> list[_Clock]:
        return [c for c in self.clocks.values() if c is not None]

    def _start(self, at: datetime, i: Inputs, p: Targets) -> None:
        self.started, self.targets = True, p
        since = self._resume_from(i, at)
        if i.first_reply is None:
            self.clocks["first"] = _Clock(p.first, 0, since)
        if i.is_open and p.resolution:
            self.clocks["resolution"] = _Clock(p.resolution, 0, since)
        if i.first_reply is not None and i.awaiting_staff and p.next:
            self.clocks["next"] = _Clock(p.next, 0, since)
        self.last, self.at = i, at

    def _new_policy(self, at: datetime, i: Inputs, cal_old: Calendar) -> None:
        p = self.policy_of(*policy_key(i)) or Targets(None, None, None)
        for name, c in self.clocks.items():
            if c is None:
                continue
            c.take_used(at, cal_old, late=True)
            target = getattr(p, name)
            if target is None:
                self.clocks[name] = None
            else:
                c.used, c.target = min(c.used, target), target
        self.targets = p

    def row(self) -> dict | None:
        if not self.started:
            return None
        i, at = self.last, self.at
        cal = self.calendar_of(i.department_id)
        r = dict.fromkeys(COLUMNS)
        for name in ("department_id", "priority", "is_open", "awaiting_staff", "delayed_until"):
            r[name] = getattr(i, name)
        r[APPLIED] = i.policy_id
        r["first_target"], r["next_target"], r["resolution_target"] = self.targets
        r["first_at"], r["first_met"], r["first_due"] = self.first_at, self.first_met, self.first_due_kept
        r["resolution_met"], r["breached"] = self.resolution_met, self.breached
        dues = []
        for name, c in self.clocks.items():
            if c is None:
                continue
            r[f"{name}_due"] = c.due(cal)
            if not c.counting(at):
                r[f"{name}_left"] = c.left()
            if r[f"{name}_due"] is not None:
                dues.append(r[f"{name}_due"])
        r["due"] = min(dues) if dues and i.is_open else None
        return r
