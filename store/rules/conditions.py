"""What a rule checks: its conditions, a JSON object of which every key must hold.

- department (id): the ticket is in that department now (after the rules before this one);
- client (id), client_domain ("example.com"): whose ticket it is, by client or email domain;
- service_kind (domain, vps, hosting, other): the kind of the ticket's service;
- words (list): any of them appears in the subject or the event's message as a whole word,
  whatever the case ("ssl" matches "SSL expired" but not "sslv3");
- sender (pattern): the client's address matches a shell pattern, `*@example.com`;
- hours ("inside" / "outside"): the event happened inside or outside the ticket's department's
  business hours (store/sla/hours.py; no hours set means always open);
- balance_below (cents), incidents_below (count): the client's balance or incidents left.
No condition at all: the rule fires on every event it watches.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from datetime import datetime

from ..sql import Sql, utc

KEYS = ("department", "client", "client_domain", "service_kind", "words", "sender", "hours",
        "balance_below", "incidents_below")


@dataclass
class Facts:
    """What the conditions read of a ticket at one event; department_id follows the rules'
    own assignments within the run."""

    ticket_id: int
    message_id: int
    department_id: int
    client_id: int
    client_email: str
    service_kind: str | None
    subject: str
    body: str
    balance_cents: int
    incidents_left: int
    at: datetime  # when the rules run (their writes' moment)
    happened: datetime  # when the event's message was written (business hours are of this)


def load_facts(q: Sql, ticket_id: int, message_id: int, at: datetime) -> Facts | None:
    """The ticket's facts at this event (None: the ticket or message is gone, or the ticket was
    merged into another while its event waited in PostgreSQL's queue: nothing to run on)."""
    row = q.row(
        "SELECT t.department_id, t.client_id, c.email, sv.kind, t.subject, m.body, "
        "c.balance_cents, c.incidents_left, m.created_at FROM tickets t JOIN clients c ON c.id = t.client_id "
        "JOIN messages m ON m.id = :m LEFT JOIN services sv ON sv.id = t.service_id "
        "WHERE t.id = :t AND t.merged_into_id IS NULL", {"t": ticket_id, "m": message_id})
    if row is None:
        return None
    return Facts(ticket_id, message_id, row[0], row[1], row[2] or "", row[3], row[4] or "",
                 row[5] or "", row[6] or 0, row[7] or 0, at, utc(row[8]))


def whole_word(word: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)", re.IGNORECASE)


def holds(q: Sql, conditions: dict, facts: Facts) -> bool:
    """True when every condition holds for these facts."""
    for key, wanted in conditions.items():
        if not _one(q, key, wanted, facts):
            return False
    return True


def _one(q: Sql, key: str, wanted, facts: Facts) -> bool:
    if key == "department":
        return facts.department_id == wanted
    if key == "client":
        return facts.client_id == wanted
    if key == "client_domain":
        return facts.client_email.rpartition("@")[2].lower() == wanted
    if key == "service_kind":
        return facts.service_kind == wanted
    if key == "words":
        text = f"{facts.subject}\n{facts.body}"
        return any(whole_word(w).search(text) for w in wanted)
    if key == "sender":
        return fnmatch.fnmatchcase(facts.client_email.lower(), wanted.lower())
    if key == "hours":
        return _open_at(q, facts) == (wanted == "inside")
    if key == "balance_below":
        return facts.balance_cents < wanted
    if key == "incidents_below":
        return facts.incidents_left < wanted
    raise ValueError(f"unknown condition {key!r}")  # the store writes only known keys


def _open_at(q: Sql, facts: Facts) -> bool:
    """Whether the department's business hours are open at the event (store/sla/hours.py)."""
    from ..sla.hours import calendar_for

    return calendar_for(q, facts.department_id).is_open(facts.happened)
