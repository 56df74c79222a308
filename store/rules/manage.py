"""Setting response rules up: add, list, remove, move, test; and who is away (the round-robin's
business). Only administrators manage rules: a staff actor who is not one is refused here, and
on PostgreSQL the database refuses a non-administrator's login the same (migration 0017). No
actor (None) is the operator, as for macros (store/macros.py).

Each function is one transaction that validates first and writes nothing when it refuses; bad
input (an unknown department, two assignees...) is one sentence, BadInput.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import validate
from ..actors import StaffActor
from ..admin import department_by_name, staff_by_login
from ..db import Store, plain_in
from ..errors import BadInput, Conflict, NotAllowed, NotFound
from ..models import SERVICE_KINDS, Client, ReplyTemplate
from ..status import parse_priority
from .models import EVENTS, Rule
from .views import RuleView, rule_views

MAX_WORDS = 50


def require_admin(actor: StaffActor | None) -> None:
    if actor is not None and not actor.is_admin:
        raise NotAllowed("Only administrators manage response rules.")


def add_rule(store: Store, actor: StaffActor | None, name: str, *, on: str = "new",
             department: str | None = None, words: Sequence[str] = (), client: str | None = None,
             client_domain: str | None = None, service_kind: str | None = None,
             sender: str | None = None, hours: str | None = None,
             balance_below: str | None = None, incidents_below: int | None = None,
             assign_department: str | None = None, assign_staff: str | None = None,
             round_robin: bool = False, priority: str | None = None, policy: str | None = None,
             top: bool = False,
             reply: str | None = None, comment: str | None = None, favorite: str | None = None,
             stop: bool = False, position: int | None = None) -> RuleView:
    """A new rule, last in the order unless a position (1 = first) is given."""
    require_admin(actor)
    name = validate.text_field(name, "rule name", 100)
    if on not in EVENTS:
        raise BadInput(f"A rule runs on {' or '.join(EVENTS)}, not '{on}'.")
    if assign_staff and round_robin:
        raise BadInput("A rule assigns to one staff member or round-robin, not both.")
    if hours not in (None, "inside", "outside"):
        raise BadInput("Business hours are 'inside' or 'outside'.")
    if service_kind is not None and service_kind not in SERVICE_KINDS:
        raise BadInput(f"A service kind is one of: {', '.join(SERVICE_KINDS)}.")
    if position is not None:
        validate.count(position, "position", minimum=1, maximum=100_000)
    with store.write() as s:
        if s.scalar(select(Rule.id).where(func.lower(Rule.name) == name.lower())):
            raise Conflict(f"A rule named '{name}' exists already.")
        with _as_bad_input():
            conditions = _conditions(s, department, words, client, client_domain, service_kind,
                                     sender, hours, balance_below, incidents_below)
            actions = _actions(s, assign_department, assign_staff, round_robin, priority, top,
                               reply, comment, favorite, policy)
        if not actions and not stop:
            raise BadInput("A rule needs at least one action (--then-...), or stop here (--stop).")
        last = s.scalar(select(func.max(Rule.position))) or 0
        rule = Rule(name=name, on_event=on, position=last + 1, conditions=json.dumps(conditions),
                    actions=json.dumps(actions), stop=stop)
        s.add(rule)
        s.flush()
        if position is not None:
            _place(s, rule, position)
        return rule_views(plain_in(s), rule.id)[0]


class _as_bad_input:
    """A name that is not found, while a rule is being set up, is bad input (exit 2)."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, trace):
        if isinstance(error, NotFound):
            raise BadInput(str(error)) from error
        return False


def _conditions(s: Session, department, words, client, client_domain, service_kind, sender,
                hours, balance_below, incidents_below) -> dict:
    out: dict = {}
    if department:
        out["department"] = department_by_name(s, department).id
    if client:
        email = validate.email(client)
        found = s.scalar(select(Client.id).where(Client.email == email))
        if found is None:
            raise NotFound(f"There is no client with the email '{email}'.")
        out["client"] = found
    if client_domain:
        out["client_domain"] = validate.domain(client_domain.lstrip("@"))
    if service_kind:
        out["service_kind"] = service_kind
    cleaned = [validate.text_field(w, "word", 100) for w in words]
    if len(cleaned) > MAX_WORDS:
        raise BadInput(f"A rule watches {MAX_WORDS} words at most.")
    if cleaned:
        out["words"] = cleaned
    if sender:
        out["sender"] = validate.text_field(sender, "sender pattern", 254).lower()
    if hours:
        out["hours"] = hours
    if balance_below is not None:
        out["balance_below"] = _cents(balance_below)
    if incidents_below is not None:
        out["incidents_below"] = validate.count(incidents_below, "number of incidents",
                                                minimum=0, maximum=1_000_000)
    return out


def _cents(value: str) -> int:
    """A balance: 12.50, 0, or below zero (-5 means the client owes 5.00)."""
    text = str(value).strip()
    if text.lstrip("-").strip("0.") == "":
        return 0
    if text.startswith("-"):
        return -validate.amount_cents(text[1:], "balance")
    return validate.amount_cents(text, "balance")


def _actions(s: Session, assign_department, assign_staff, round_robin, priority, top, reply,
             comment, favorite, policy=None) -> dict:
    out: dict = {}
    if assign_department:
        out["assign_department"] = department_by_name(s, assign_department).id
    if assign_staff:
        out["assign_staff"] = staff_by_login(s, assign_staff).id
    if round_robin:
        out["round_robin"] = True
    if priority is not None:
        out["priority"] = parse_priority(priority)
    if policy:
        from ..sla.policy import named_policy

        out["policy"] = named_policy(plain_in(s), policy)
    if top:
        out["top"] = True
    if comment is not None:
        text = validate.storable(comment, "internal comment").strip()
        if not text or len(text) > 10_000:
            raise BadInput("The rule's internal comment must be 1 to 10000 characters long.")
        out["comment"] = text
    if favorite:
        out["favorite"] = staff_by_login(s, favorite).id
    if reply:
        out["reply"] = _template(s, reply)
    return out


def _template(s: Session, title: str) -> int:
    """A predefined reply by title; everyone's first, as an automatic answer is the desk's."""
    found = s.scalars(select(ReplyTemplate).where(
        func.lower(ReplyTemplate.title) == title.strip().lower())).all()
    if not found:
        raise NotFound(f"There is no predefined reply titled '{title.strip()}'.")
    return min(found, key=lambda t: (t.department_id is not None or t.staff_id is not None, t.id)).id


def list_rules(store: Store, actor: StaffActor | None = None) -> list[RuleView]:
    require_admin(actor)
    with store.sql() as q:
        return rule_views(q)


def _find(s: Session, name: str) -> Rule:
    rule = s.scalar(select(Rule).where(func.lower(Rule.name) == name.strip().lower()))
    if rule is None:
        raise NotFound(f"There is no rule named '{name.strip()}'.")
    return rule


def remove_rule(store: Store, actor: StaffActor | None, name: str) -> None:
    require_admin(actor)
    with store.write() as s:
        s.delete(_find(s, name))
        s.flush()
        for number, each in enumerate(s.scalars(select(Rule).order_by(Rule.position, Rule.id)), 1):
            each.position = number  # the order's numbers stay 1, 2, 3...


def move_rule(store: Store, actor: StaffActor | None, name: str, position: int) -> RuleView:
    """The rule moves to this place in the order (1 = first; past the end = last)."""
    require_admin(actor)
    validate.count(position, "position", minimum=1, maximum=100_000)
    with store.write() as s:
        rule = _find(s, name)
        _place(s, rule, position)
        return rule_views(plain_in(s), rule.id)[0]


def _place(s: Session, rule: Rule, position: int) -> None:
    """Numbers every rule again, 1, 2, 3..., with this one at the position asked for."""
    others = [r for r in s.scalars(select(Rule).order_by(Rule.position, Rule.id)) if r.id != rule.id]
    others.insert(min(position, len(others) + 1) - 1, rule)
    for number, each in enumerate(others, 1):
        each.position = number
    s.flush()


def rules_that_would_fire(store: Store, actor: StaffActor | None, ticket_id: int,
                  on: str = "new") -> list[str]:
    """`rule test`: the names of the rules that would fire on this ticket's event (its first
    client message for `new`, its last for `client-message`), changing nothing."""
    from ..service.rules import check_id, no_such_ticket
    from .engine import would_fire

    require_admin(actor)
    if on not in EVENTS:
        raise BadInput(f"A rule runs on {' or '.join(EVENTS)}, not '{on}'.")
    check_id(ticket_id)
    with store.read() as s:
        q = plain_in(s)
        pick = "min" if on == "new" else "max"
        message = q.value(f"SELECT {pick}(id) FROM messages WHERE ticket_id = :t AND kind = 'client'",
                          {"t": ticket_id})
        if message is None:
            raise no_such_ticket(ticket_id)
        return would_fire(s, ticket_id, on, message)


def set_away(store: Store, actor: StaffActor | None, login: str, away: bool = True) -> None:
    """The staff member is away (the round-robin passes them by) or back: themselves, or any
    one by an administrator or the operator."""
    with store.write() as s:
        member = staff_by_login(s, login)
        if actor is not None and not actor.is_admin and actor.id != member.id:
            raise NotAllowed("Only administrators mark someone else away or back.")
        q = plain_in(s)
        if away:
            q.run("INSERT INTO staff_away (staff_id, since) VALUES (:s, :at) "
                  "ON CONFLICT (staff_id) DO NOTHING", {"s": member.id, "at": q.db_time(_now())})
        else:
            q.run("DELETE FROM staff_away WHERE staff_id = :s", {"s": member.id})


def _now():
    from .. import clock

    return clock.utcnow()
