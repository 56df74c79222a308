"""What a rule does: its actions, a JSON object, done in this order:
assign_department (id: the ticket moves there), assign_staff (id) or round_robin (the next of
the department's staff who are not away, after the one this rule last chose), priority (1-4),
policy (a response-target policy's id: it wins over the ticket's own lookup, docs/sla.md), top (place at the beginning of the queue), comment (an internal comment), favorite (a staff
member's id), reply (a predefined reply's id, its variables filled in: an automatic answer).

Each returns the phrase the rule's system message says ("assigned to Billing"). Nothing here is
an event: an assignment made by a rule triggers no rules (only client messages do), so two rules
that send a ticket to each other's department each run once and stop.

An automatic answer keeps the mail channel's loop rules (store/mail/loops.py, the intake's
record of them): never to a ticket whose opening mail, or the mail that is this event, was
automatic (an auto-responder, a list, a bounce), and no more than mail_auto_per_hour automatic
mails an hour to one address (store/mail/outbox.py, shared with the acknowledgements).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..db import plain_in
from ..models import Ticket
from ..service.variables import expand
from ..sql import Sql
from ..status import PRIORITIES
from .conditions import Facts

KEYS = ("assign_department", "assign_staff", "round_robin", "priority", "policy", "top", "comment",
        "favorite", "reply")


def apply(s: Session, rule_id: int, actions: dict, facts: Facts) -> list[str]:
    """Does the actions on the ticket; what was done, as phrases."""
    q = plain_in(s)
    done: list[str] = []
    at, tid = facts.at, facts.ticket_id
    if "assign_department" in actions:
        done.append(_move(q, facts, actions["assign_department"]))
    if "assign_staff" in actions:
        done.append(_to_staff(q, tid, actions["assign_staff"], at))
    elif actions.get("round_robin"):
        done.append(_round_robin(q, rule_id, facts))
    if "priority" in actions:
        q.run("UPDATE tickets SET priority = :p WHERE id = :t", {"p": actions["priority"], "t": tid})
        done.append(f"priority set to {PRIORITIES[actions['priority']]}")
    if "policy" in actions:
        done.append(_apply_policy(q, tid, actions["policy"]))
    if actions.get("top"):
        q.run("UPDATE tickets SET placed_first = TRUE WHERE id = :t", {"t": tid})
        done.append("placed at the beginning of the queue")
    if actions.get("comment"):
        q.run("INSERT INTO messages (ticket_id, kind, body, created_at) "
              "VALUES (:t, 'internal', :b, :at)", {"t": tid, "b": actions["comment"],
                                                   "at": q.db_time(at)})
        done.append("internal comment added")
    if "favorite" in actions:
        login = q.value("SELECT login FROM staff WHERE id = :s", {"s": actions["favorite"]})
        q.run("INSERT INTO favorites (staff_id, ticket_id, created_at) VALUES (:s, :t, :at) "
              "ON CONFLICT (staff_id, ticket_id) DO NOTHING",
              {"s": actions["favorite"], "t": tid, "at": q.db_time(at)})
        done.append(f"added to {login}'s favorites")
    if "reply" in actions:
        done.append(_answer(s, q, actions["reply"], facts))
    return done


def _name(q: Sql, table: str, key: int) -> str:
    return q.value(f"SELECT name FROM {table} WHERE id = :id", {"id": key}) or f"#{key}"


def _move(q: Sql, facts: Facts, department_id: int) -> str:
    """The ticket moves to the department: its holder opens, the old department's closes."""
    from ..service.locking import open_holder

    at, tid = q.db_time(facts.at), facts.ticket_id
    open_holder(q, tid, facts.at, department_id=department_id)
    if facts.department_id != department_id:
        q.run("UPDATE holders SET is_open = FALSE, closed_at = :at WHERE ticket_id = :t "
              "AND department_id = :d AND is_open", {"t": tid, "d": facts.department_id, "at": at})
    q.run("UPDATE tickets SET department_id = :d, is_open = TRUE WHERE id = :t",
          {"d": department_id, "t": tid})
    facts.department_id = department_id
    return f'assigned to "{_name(q, "departments", department_id)}"'


def _apply_policy(q: Sql, ticket_id: int, policy_id: int) -> str:
    """The ticket's response targets are this policy's from now (the rule's event runs the step
    in this transaction); on PostgreSQL only the operator, who runs the rules, may write it."""
    from ..sla.policy import policy_name

    name = policy_name(q, policy_id)
    if name is None:
        return "no policy applied: it is gone"
    q.run("UPDATE tickets SET sla_policy_id = :p WHERE id = :t", {"p": policy_id, "t": ticket_id})
    return f'response targets of "{name}" applied'


def _to_staff(q: Sql, ticket_id: int, staff_id: int, at: datetime) -> str:
    from ..service.locking import open_holder

    open_holder(q, ticket_id, at, staff_id=staff_id)
    q.run("UPDATE tickets SET responsible_staff_id = :s, is_open = TRUE WHERE id = :t",
          {"s": staff_id, "t": ticket_id})
    return f'assigned to "{_name(q, "staff", staff_id)}"'


def _round_robin(q: Sql, rule_id: int, facts: Facts) -> str:
    """The next of the department's staff who are not away, after the one this rule chose last
    (by id, around). The rule's row is locked first: two runs at once take turns, and each
    sees the other's choice. FOR NO KEY UPDATE, not FOR UPDATE: both runs already hold the
    row's key share (their rule_runs rows refer to it), which FOR UPDATE would wait for: a
    deadlock."""
    lock = " FOR NO KEY UPDATE" if q.dialect == "postgresql" else ""
    last = q.value(f"SELECT last_assigned_id FROM rules WHERE id = :r{lock}", {"r": rule_id})
    present = [r[0] for r in q.rows(
        "SELECT m.staff_id FROM memberships m WHERE m.department_id = :d AND NOT EXISTS "
        "(SELECT 1 FROM staff_away a WHERE a.staff_id = m.staff_id) ORDER BY m.staff_id",
        {"d": facts.department_id})]
    if not present:
        return f'no one to assign to in "{_name(q, "departments", facts.department_id)}" ' \
               "(everyone is away)"
    chosen = next((s for s in present if last is not None and s > last), present[0])
    q.run("UPDATE rules SET last_assigned_id = :s WHERE id = :r", {"s": chosen, "r": rule_id})
    return _to_staff(q, facts.ticket_id, chosen, facts.at)


def _answer(s: Session, q: Sql, template_id: int, facts: Facts) -> str:
    """The predefined reply as a staff answer from the desk (no author, `automatic`: it is no
    response to the response targets or the reports), mailed when the department has a
    mailbox; refused by the loop rules, or when a variable can't be filled."""
    from ..mail.outbox import queue_reply, under_hourly_limit

    title, body = q.row("SELECT title, body FROM reply_templates WHERE id = :i",
                        {"i": template_id}) or (None, None)
    if title is None:
        return "no automatic answer: its predefined reply is gone"
    automatic = q.value(
        "SELECT automatic_reason FROM mail_ids WHERE direction = 'in' AND automatic_reason "
        "IS NOT NULL AND (message_id = :m OR message_id = (SELECT min(id) FROM messages "
        "WHERE ticket_id = :t AND kind = 'client'))", {"m": facts.message_id, "t": facts.ticket_id})
    if automatic:
        return f"no automatic answer to automatic mail ({automatic})"
    if not under_hourly_limit(s, facts.client_email):
        return f"no automatic answer: {facts.client_email} had its automatic mails for this hour"
    shown = expand(body, _values(q, facts))
    if shown.problems:
        return f"no automatic answer: '{title}' has {shown.sentence().split(' has ', 1)[1]}"
    at = q.db_time(facts.at)
    message_id = q.value("INSERT INTO messages (ticket_id, kind, body, created_at, automatic) "
                         "VALUES (:t, 'staff', :b, :at, TRUE) RETURNING id",
                         {"t": facts.ticket_id, "b": shown.text, "at": at})
    q.run("UPDATE tickets SET client_unread = client_unread + 1 WHERE id = :t", {"t": facts.ticket_id})
    s.expire_all()
    queue_reply(s, s.get(Ticket, facts.ticket_id), message_id)
    return f"answered with '{title}'"


def _values(q: Sql, facts: Facts) -> dict[str, str]:
    """The variables of store/service/variables.py; the desk's answer is signed {staff.name} by
    the department."""
    row = q.row(
        "SELECT c.name, c.email, t.subject, d.name, sv.name, sv.domain FROM tickets t "
        "JOIN clients c ON c.id = t.client_id JOIN departments d ON d.id = t.department_id "
        "LEFT JOIN services sv ON sv.id = t.service_id WHERE t.id = :t", {"t": facts.ticket_id})
    return {"client.name": row[0], "client.email": row[1], "ticket.id": str(facts.ticket_id),
            "ticket.subject": row[2], "staff.name": row[3], "department.name": row[3],
            "service.name": row[4] or "", "service.domain": row[5] or ""}
