"""A rule as people read it: its conditions and actions with names, not ids (`rule list`, the
Rules screen)."""

from __future__ import annotations

import json
from typing import NamedTuple

from ..sql import Sql
from ..status import PRIORITIES


class RuleView(NamedTuple):
    id: int
    name: str
    on: str
    position: int
    conditions: dict
    actions: dict
    stop: bool

    def json(self) -> dict:
        return {"id": self.id, "name": self.name, "on": self.on, "position": self.position,
                "conditions": self.conditions, "actions": self.actions, "stop": self.stop}

    def when(self) -> str:
        """'if department is Billing and words ssl, cert' (or 'always')."""
        parts = [_CONDITION_WORDS[k].format(_shown(v)) for k, v in self.conditions.items()]
        return "if " + " and ".join(parts) if parts else "always"

    def then(self) -> str:
        parts = [_ACTION_WORDS[k].format(_shown(v)) for k, v in self.actions.items()]
        if self.stop:
            parts.append("stop here")
        return ", ".join(parts)


_CONDITION_WORDS = {
    "department": "department is {}", "client": "client is {}", "client_domain": "client's domain is {}",
    "service_kind": "service kind is {}", "words": "words {}", "sender": "sender matches {}",
    "hours": "{} business hours", "balance_below": "balance below {}",
    "incidents_below": "incidents left below {}",
}
_ACTION_WORDS = {
    "assign_department": "assign to {}", "assign_staff": "assign to {}",
    "round_robin": "round-robin", "priority": "priority {}", "policy": "apply policy \"{}\"",
    "top": "place first",
    "comment": "comment \"{}\"", "favorite": "favorite of {}", "reply": "answer with \"{}\"",
}


def _shown(value) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    return "" if value is True else str(value)


def rule_views(q: Sql, rule_id: int | None = None) -> list[RuleView]:
    """Every rule in order (or the one), ids turned into names."""
    where = "WHERE id = :id " if rule_id is not None else ""
    rows = q.rows(f"SELECT id, name, on_event, position, conditions, actions, stop FROM rules "
                  f"{where}ORDER BY position, id", {"id": rule_id})
    names = _Names(q)
    return [RuleView(r[0], r[1], r[2], r[3], names.conditions(json.loads(r[4])),
                     names.actions(json.loads(r[5])), bool(r[6])) for r in rows]


class _Names:
    def __init__(self, q: Sql) -> None:
        self.q = q

    def _one(self, query: str, key: int) -> str:
        return self.q.value(query, {"id": key}) or f"#{key} (gone)"

    def conditions(self, found: dict) -> dict:
        out = dict(found)
        if "department" in out:
            out["department"] = self._one("SELECT name FROM departments WHERE id = :id", out["department"])
        if "client" in out:
            out["client"] = self._one("SELECT email FROM clients WHERE id = :id", out["client"])
        if "balance_below" in out:
            out["balance_below"] = f"{out['balance_below'] / 100:.2f}"
        return out

    def actions(self, found: dict) -> dict:
        out = dict(found)
        if "assign_department" in out:
            out["assign_department"] = self._one("SELECT name FROM departments WHERE id = :id",
                                                 out["assign_department"])
        for key in ("assign_staff", "favorite"):
            if key in out:
                out[key] = self._one("SELECT login FROM staff WHERE id = :id", out[key])
        if "priority" in out:
            out["priority"] = PRIORITIES.get(out["priority"], str(out["priority"]))
        if "policy" in out:
            from ..sla.policy import policy_name

            out["policy"] = policy_name(self.q, out["policy"]) or f"#{out['policy']} (gone)"
        if "reply" in out:
            out["reply"] = self._one("SELECT title FROM reply_templates WHERE id = :id", out["reply"])
        return out
