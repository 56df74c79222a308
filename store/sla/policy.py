"""Response target policies: per department, optionally per priority, the minutes of business
time for the first response, the next response (after each client message) and resolution.
`ticket-tui sla set / list / remove`. A ticket's policy is the row of its (department,
priority), else its department's row for any priority, else none (store/sla/step.py).

Changing a policy applies to the tickets it covers at their next event (each keeps the business
time it used, SLA_SPEC.md 2b) and to new tickets at once.
"""

from __future__ import annotations

from typing import NamedTuple

from ..db import Store
from ..errors import BadInput, NotAllowed, NotFound
from ..status import PRIORITIES, parse_priority
from . import step
from .hours import department_id
from . import ANY_PRIORITY

MAX_MINUTES = 10 * 366 * 24 * 60  # ten years of minutes: beyond is a typing slip, not a promise


class Policy(NamedTuple):
    department: str
    priority: int  # 0 = any priority
    first_response: int
    next_response: int | None
    resolution: int | None

    @property
    def priority_name(self) -> str:
        return PRIORITIES.get(self.priority, "any")

    def json(self) -> dict:
        return {"department": self.department, "priority": self.priority_name,
                "first_response_minutes": self.first_response,
                "next_response_minutes": self.next_response,
                "resolution_minutes": self.resolution}

    def line(self) -> str:
        def minutes(value: int | None) -> str:
            return "-" if value is None else f"{value} min"

        return (f"{self.department} [{self.priority_name} priority]: first response "
                f"{minutes(self.first_response)}, next response {minutes(self.next_response)}, "
                f"resolution {minutes(self.resolution)}")


def _minutes(value: int | None, what: str, *, required: bool = False) -> int | None:
    if value is None:
        if required:
            raise BadInput(f"A policy needs the {what} target in minutes.")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_MINUTES:
        raise BadInput(f"The {what} target is a whole number of minutes from 1 to {MAX_MINUTES}.")
    return value


def _priority(priority: str | int | None) -> int:
    if priority is None or str(priority).strip().lower() == "any":
        return ANY_PRIORITY
    return parse_priority(priority)


def set_policy(store: Store, department: str, priority: str | int | None, first_response: int,
               next_response: int | None = None, resolution: int | None = None) -> Policy:
    """Adds or replaces the department's policy for the priority (None/"any": any priority)."""
    level = _priority(priority)
    first = _minutes(first_response, "first response", required=True)
    nxt = _minutes(next_response, "next response")
    res = _minutes(resolution, "resolution")
    with store.sql(write=True) as q:
        dept, name = department_id(q, department)
        params = {"d": dept, "p": level, "f": first, "n": nxt, "r": res}
        if q.value("SELECT id FROM sla_policies WHERE department_id = :d AND priority = :p", params):
            _written(q.rows("UPDATE sla_policies SET first_response = :f, next_response = :n, "
                            "resolution = :r WHERE department_id = :d AND priority = :p "
                            "RETURNING id", params))
        else:
            q.run("INSERT INTO sla_policies (department_id, priority, first_response, "
                  "next_response, resolution) VALUES (:d, :p, :f, :n, :r)", params)
        step.forget_unused()  # this process's connections see the policy at once
        return Policy(name, level, first, nxt, res)


def _written(rows: list) -> None:
    """On PostgreSQL row security skips a row the login may read but not change: say so."""
    if not rows:
        raise NotAllowed("Only an administrator may change response targets.")


def list_policies(store: Store) -> list[Policy]:
    with store.sql() as q:
        rows = q.rows("SELECT d.name, p.priority, p.first_response, p.next_response, p.resolution "
                      "FROM sla_policies p JOIN departments d ON d.id = p.department_id "
                      "ORDER BY d.name, p.priority")
    return [Policy(*row) for row in rows]


def remove_policy(store: Store, department: str, priority: str | int | None) -> Policy:
    level = _priority(priority)
    with store.sql(write=True) as q:
        dept, name = department_id(q, department)
        found = q.row("SELECT first_response, next_response, resolution FROM sla_policies "
                      "WHERE department_id = :d AND priority = :p", {"d": dept, "p": level})
        if found is None:
            which = "any priority" if level == ANY_PRIORITY else f"{PRIORITIES[level]} priority"
            raise NotFound(f"{name} has no policy for {which}.")
        _written(q.rows("DELETE FROM sla_policies WHERE department_id = :d AND priority = :p "
                        "RETURNING id", {"d": dept, "p": level}))
        return Policy(name, level, *found)


def named_policy(q, which: str) -> int:
    """The id of the policy named "DEPARTMENT" (its any-priority policy) or "DEPARTMENT/PRIORITY"
    (`rule add --then-policy`); NotFound when there is none."""
    department, _, level = which.strip().rpartition("/")
    if not department or level.strip().lower() not in {*PRIORITIES.values(), "any"}:
        department, level = which.strip(), None  # a department whose name holds a "/"
    level = _priority(level)
    dept, name = department_id(q, department)
    found = q.value("SELECT id FROM sla_policies WHERE department_id = :d AND priority = :p",
                    {"d": dept, "p": level})
    if found is None:
        which_one = "any priority" if level == ANY_PRIORITY else f"{PRIORITIES[level]} priority"
        raise NotFound(f"{name} has no response-target policy for {which_one}.")
    return found


def policy_name(q, policy_id: int) -> str | None:
    """"Billing" (any priority) or "Billing/urgent"; None when the policy is gone."""
    found = q.row("SELECT d.name, p.priority FROM sla_policies p JOIN departments d "
                  "ON d.id = p.department_id WHERE p.id = :i", {"i": policy_id})
    if found is None:
        return None
    return found[0] if found[1] == ANY_PRIORITY else f"{found[0]}/{PRIORITIES[found[1]]}"
