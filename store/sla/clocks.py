"""The step of SLA_SPEC.md on a ticket's row, without the database: `start` makes the row of a
ticket a policy applies to for the first time, `advance` moves an existing row to the ticket's
inputs now. store/sla/step.py reads and writes; the PostgreSQL trigger is the same step in
PL/pgSQL.

A row is a dict of ticket_sla's columns. Per clock (first, next, resolution): running = X_due set
and X_left NULL; paused = X_left set (X_due the projected due while a delay is the pause, NULL
while the ticket is closed); stopped = both NULL (the first clock, once answered, keeps first_due
for display with first_at set).

Beyond SLA_SPEC.md's words, two things its model needs (docs/sla.md, "Delay that runs out"):
a delay usually ends by its date passing, with no event, so (0.) a row whose last delay is over
by `at` takes its paused clocks as resumed at that date (their projected due is the due), and
(3.) `due` counts the projected due of clocks paused by a delay, so a ticket whose delay ran out
unanswered becomes overdue without waiting for an event.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from .calendar import Calendar

CLOCKS = ("first", "next", "resolution")
INPUTS = ("department_id", "priority", "is_open", "awaiting_staff", "delayed_until")
# The applied policy (a rule's, tickets.sla_policy_id; migration 0019) is an input too, kept
# apart from INPUTS: 0016's triggers watch INPUTS, and no login writes it.
APPLIED = "policy_id"
COLUMNS = INPUTS + (APPLIED,) + (
    "first_target", "next_target", "resolution_target",
    "first_due", "first_left", "first_at", "first_met",
    "next_due", "next_left",
    "resolution_due", "resolution_left", "resolution_met",
    "due", "breached", "breach_noted")
TIMES = frozenset({"delayed_until", "first_due", "first_at", "next_due", "resolution_due", "due",
                   "breach_noted"})


class Inputs(NamedTuple):
    """What the step reads of a ticket now."""

    department_id: int
    priority: int
    is_open: bool
    awaiting_staff: bool
    delayed_until: datetime | None
    first_reply: datetime | None  # the earliest staff reply's time
    policy_id: int | None = None  # the policy a rule applied: wins over the lookup


class Targets(NamedTuple):
    """A policy's minutes (None: no such target)."""

    first: int | None
    next: int | None
    resolution: int | None


NO_TARGETS = Targets(None, None, None)
Row = dict
CalendarOf = Callable[[int], Calendar]
PolicyOf = Callable[[int, int, "int | None"], "Targets | None"]


def policy_key(i: Inputs) -> tuple:
    """What chooses the ticket's policy: a change of it is a change of policy (2b)."""
    return (i.department_id, i.priority, i.policy_id)


def delayed(i: Inputs, at: datetime) -> bool:
    return i.delayed_until is not None and i.delayed_until > at


def running(r: Row, c: str) -> bool:
    if r[f"{c}_due"] is None or r[f"{c}_left"] is not None:
        return False
    if c == "first":
        return r["first_at"] is None
    return c != "resolution" or r["resolution_met"] is None


def paused(r: Row, c: str) -> bool:
    return r[f"{c}_left"] is not None


def active(r: Row, c: str) -> bool:
    return running(r, c) or paused(r, c)


def met(r: Row, c: str, moment: datetime) -> bool:
    """Was the clock's target met by `moment`? A paused clock: if it had time left."""
    return r[f"{c}_left"] > 0 if paused(r, c) else moment <= r[f"{c}_due"]


def _stop(r: Row, c: str) -> None:
    r[f"{c}_due"] = r[f"{c}_left"] = None


def _set_targets(r: Row, p: Targets) -> None:
    r["first_target"], r["next_target"], r["resolution_target"] = p


def _targets(r: Row) -> Targets:
    return Targets(r["first_target"], r["next_target"], r["resolution_target"])


def start(i: Inputs, p: Targets, at: datetime, cal: Calendar) -> Row:
    """Step 1: the row of a ticket a policy applies to now."""
    r: Row = dict.fromkeys(COLUMNS)
    r["breached"] = False
    _set_targets(r, p)
    if i.first_reply is None:
        r["first_due"] = cal.add(at, p.first)
    if i.is_open and p.resolution:
        r["resolution_due"] = cal.add(at, p.resolution)
    if i.first_reply is not None and i.awaiting_staff and p.next:
        r["next_due"] = cal.add(at, p.next)
    if delayed(i, at):
        _pause_running(r, at, cal, i.delayed_until)
    if not i.is_open:
        _close(r, at, cal)
    _finish(r, i, at)
    return r


def advance(r: Row, i: Inputs, at: datetime, calendar_of: CalendarOf, policy_of: PolicyOf) -> None:
    """Step 2 and 3: the existing row `r` (changed in place) moved to the inputs `i` at `at`."""
    s_open, s_delayed = r["is_open"], r["delayed_until"]
    cal = calendar_of(i.department_id)
    # 0. A delay over by now ended at its date: its paused clocks run since then.
    if s_open and s_delayed is not None and s_delayed <= at:
        for c in CLOCKS:
            if paused(r, c) and r[f"{c}_due"] is not None:
                r[f"{c}_left"] = None
    # a. The delay changed.
    if s_delayed != i.delayed_until:
        old = calendar_of(r["department_id"])
        if s_delayed is not None and s_delayed > at and s_open:
            for c in CLOCKS:
                if paused(r, c):
                    r[f"{c}_due"], r[f"{c}_left"] = old.add(at, r[f"{c}_left"]), None
        if delayed(i, at):
            _pause_running(r, at, old, i.delayed_until)
    # b. The policy changed (another department or priority, a rule's applied policy or its end).
    if (r["department_id"], r["priority"], r[APPLIED]) != policy_key(i):
        _change_policy(r, i, at, calendar_of(r["department_id"]), cal,
                       policy_of(*policy_key(i)), s_open)
    # c. The first response.
    if r["first_at"] is None and i.first_reply is not None and active(r, "first"):
        ok = met(r, "first", i.first_reply)
        r["first_at"], r["first_met"], r["first_left"] = i.first_reply, ok, None
        r["breached"] = r["breached"] or not ok
    # d. The next response: stops when answered, starts when the client writes again.
    if active(r, "next") and not i.awaiting_staff:
        r["breached"] = r["breached"] or not met(r, "next", at)
        _stop(r, "next")
    elif (not active(r, "next") and i.awaiting_staff and not r["awaiting_staff"]
          and r["first_at"] is not None and r["next_target"]):
        _start_clock(r, "next", r["next_target"], at, cal, s_open, i)
    # e. Closed or reopened.
    if s_open and not i.is_open:
        ok = met(r, "resolution", at) if active(r, "resolution") else None
        _close(r, at, cal)
        if ok is not None:
            r["resolution_met"] = ok
            r["breached"] = r["breached"] or not ok
    elif not s_open and i.is_open:
        r["resolution_met"] = None
        for c in CLOCKS:
            if paused(r, c):
                _resume(r, c, at, cal, i)
    _finish(r, i, at)


def _start_clock(r: Row, c: str, minutes: int, at: datetime, cal: Calendar, s_open: bool,
                 i: Inputs) -> None:
    if not s_open:
        r[f"{c}_due"], r[f"{c}_left"] = None, minutes
    elif delayed(i, at):
        r[f"{c}_due"], r[f"{c}_left"] = cal.add(i.delayed_until, minutes), minutes
    else:
        r[f"{c}_due"], r[f"{c}_left"] = cal.add(at, minutes), None


def _resume(r: Row, c: str, at: datetime, cal: Calendar, i: Inputs) -> None:
    """A clock paused by the close runs again (paused on, with its projection, if delayed)."""
    left = r[f"{c}_left"]
    if delayed(i, at):
        r[f"{c}_due"] = cal.add(i.delayed_until, left)
    else:
        r[f"{c}_due"], r[f"{c}_left"] = cal.add(at, left), None


def _pause_running(r: Row, at: datetime, cal: Calendar, until: datetime) -> None:
    for c in CLOCKS:
        if running(r, c):
            left = cal.between(at, r[f"{c}_due"])
            r[f"{c}_left"], r[f"{c}_due"] = left, cal.add(until, left)


def _close(r: Row, at: datetime, cal: Calendar) -> None:
    """Every running clock pauses without a known end; a closed ticket is not overdue."""
    for c in CLOCKS:
        if running(r, c):
            r[f"{c}_left"] = cal.between(at, r[f"{c}_due"])
        if paused(r, c):
            r[f"{c}_due"] = None


def _change_policy(r: Row, i: Inputs, at: datetime, old: Calendar, new: Calendar,
                   p: Targets | None, s_open: bool) -> None:
    """Each running or paused clock keeps the business time it used, against the new target."""
    p = p or NO_TARGETS
    before = _targets(r)._asdict()
    for c in CLOCKS:
        if not active(r, c):
            continue
        was_running = running(r, c)
        left_old = r[f"{c}_left"] if not was_running else old.between(at, r[f"{c}_due"])
        used = max(0, before[c] - left_old)
        if was_running:  # a clock past its due used its target and the whole minutes since
            used += old.between(r[f"{c}_due"], at)
        target = getattr(p, c)
        if target is None:
            _stop(r, c)
            continue
        left = max(0, target - used)
        if was_running:
            r[f"{c}_due"] = new.add(at, left)
        else:
            r[f"{c}_left"] = left
            r[f"{c}_due"] = new.add(i.delayed_until, left) if s_open and delayed(i, at) else None
    _set_targets(r, p)


def _finish(r: Row, i: Inputs, at: datetime) -> None:
    """3. The soonest due of the clocks counting now or when the delay ends; inputs := I."""
    dues = [r[f"{c}_due"] for c in CLOCKS
            if r[f"{c}_due"] is not None and (running(r, c) or paused(r, c))]
    r["due"] = min(dues) if i.is_open and dues else None
    for name in INPUTS:
        r[name] = getattr(i, name)
    r[APPLIED] = i.policy_id
