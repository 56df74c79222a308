"""One event's run of the response rules, inside the transaction that wrote the event.

An event is a client message: the first of a ticket is `new`, a later one `client-message`.
The rules watching it run in position order, each once per (rule, ticket, event, message): a
rule_runs row is written BEFORE its actions, on a unique key, so a second run of the same event
(a second delivery, two workers) finds it and does nothing. A rule that fires writes a system
message naming it and what it did, and a ticket event; "stop here" ends the run (the rules
after it are recorded as not run). Assignments made by rules are not events.

Where it runs (docs/rules.md): on SQLite inline, in the event's own transaction. On PostgreSQL
the database queues the event (migration 0017's trigger) and the queue is worked off by the
operator (`ticket-tui rule run`, store/rules/queue.py), or inline when the session writing the
event is the operator's: a client's or the mail service's login can't do what rules do.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import NamedTuple

from sqlalchemy.orm import Session

from .. import clock
from ..db import plain_in
from ..sql import Sql
from .actions import apply
from .conditions import Facts, holds, load_facts


class Fired(NamedTuple):
    rule: str
    did: tuple[str, ...]


def _rules(q: Sql, event: str) -> list[tuple]:
    return q.rows("SELECT id, name, conditions, actions, stop FROM rules WHERE on_event = :e "
                  "ORDER BY position, id", {"e": event})


def run_event(s: Session, ticket_id: int, event: str, message_id: int,
              at: datetime | None = None) -> list[Fired]:
    """Runs the rules watching this event of this ticket; what fired."""
    q = plain_in(s)
    rules = _rules(q, event)
    facts = load_facts(q, ticket_id, message_id, at or clock.utcnow()) if rules else None
    if facts is None:
        return []
    fired: list[Fired] = []
    stopped = False
    for rule_id, name, conditions, actions, stop in rules:
        if not _claim(q, rule_id, facts, event):
            continue  # this rule ran for this event already
        if stopped or not holds(q, json.loads(conditions), facts):
            continue
        did = tuple(apply(s, rule_id, json.loads(actions), facts)) or ("nothing to do",)
        _note(q, rule_id, name, did, facts, event)
        fired.append(Fired(name, did))
        stopped = stop
    return fired


def _claim(q: Sql, rule_id: int, facts: Facts, event: str) -> bool:
    """The rule's run of this event is recorded (not fired yet); False if it was already."""
    made = q.value(
        "INSERT INTO rule_runs (rule_id, ticket_id, event, message_id, fired, detail, ran_at) "
        "VALUES (:r, :t, :e, :m, FALSE, '', :at) ON CONFLICT (rule_id, ticket_id, event, "
        "message_id) DO NOTHING RETURNING id",
        {"r": rule_id, "t": facts.ticket_id, "e": event, "m": facts.message_id,
         "at": q.db_time(facts.at)})
    return made is not None


def _note(q: Sql, rule_id: int, name: str, did: tuple[str, ...], facts: Facts,
          event: str) -> None:
    from ..service.locking import record, system_message

    detail = "; ".join(did)
    q.run("UPDATE rule_runs SET fired = TRUE, detail = :d WHERE rule_id = :r AND ticket_id = :t "
          "AND event = :e AND message_id = :m",
          {"d": detail, "r": rule_id, "t": facts.ticket_id, "e": event, "m": facts.message_id})
    system_message(q, facts.ticket_id, f'Rule "{name}": {detail}.', facts.at)
    record(q, None, facts.ticket_id, "rule", f"{name}: {detail}", at=facts.at)


def would_fire(s: Session, ticket_id: int, event: str, message_id: int) -> list[str]:
    """The names of the rules that would fire if this event happened now; writes nothing (a
    rule's move to another department is followed, as the run would)."""
    q = plain_in(s)
    facts = load_facts(q, ticket_id, message_id, clock.utcnow())
    names: list[str] = []
    for _rule_id, name, conditions, actions, stop in (_rules(q, event) if facts else ()):
        if holds(q, json.loads(conditions), facts):
            names.append(name)
            moved = json.loads(actions).get("assign_department")
            if moved is not None:
                facts.department_id = moved
            if stop:
                break
    return names
