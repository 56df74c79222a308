"""Send reply, Ok, Close and Save parameters: the actions that need the lock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import delete, text

from .. import settings, validate
from ..actors import Actor, StaffActor
from ..db import Store
from ..errors import BadInput
from ..mail.outbox import queue_reply
from ..models import Charge, Client, Department, Draft, Service, Ticket
from ..status import parse_priority
from ..views import NewAttachment
from ..db import plain_in
from . import locking
from ._common import (
    check_visible, load_ticket, now, on_postgresql, record, require_lock, require_staff,
)
from ._posting import add_message, check_attachments, check_body
from . import held


class ReplyResult(NamedTuple):
    reply_id: int | None
    internal_id: int | None
    closed: bool
    charge_id: int | None
    held_until: datetime | None = None  # the reply is held until then (undo send)


def reply(
    store: Store, actor: Actor, ticket_id: int, body: str = "", *, internal: str = "",
    close: bool = False, attachments: Sequence[NewAttachment] = (),
    charge: str | int | None = None, incidents: int | None = None, top: bool | None = None,
    priority: str | int | None = None, token: str | None = None,
) -> ReplyResult:
    """Send reply (close=False) or Ok (close=True), with the reply pane's fields.

    The reply and the internal comment are posted, the charge made, the incidents counted and
    the parameters set in one transaction, under a re-checked lock; then Ok closes the ticket
    for this staff member and releases the lock. The staff member's draft is dropped.
    With the setting send_delay_seconds, the reply is held that long before the client sees
    it, and its author may undo it meanwhile (store/service/held.py); a reply with a charge is
    sent at once (money moves when it is charged).
    """
    staff = require_staff(actor, "send a staff reply")
    has_reply, has_internal = bool(body.strip()), bool(internal.strip())
    if not (has_reply or has_internal or attachments or close):
        raise BadInput("Write a reply or an internal comment first.")
    if attachments and not (has_reply or has_internal):
        raise BadInput("Attachments go with a reply or an internal comment; write one.")
    amount = validate.amount_cents(charge, "charge") if charge is not None else None
    if incidents is not None:
        validate.count(incidents, "number of support incidents", minimum=0, maximum=1000)
    with store.write() as s:
        ticket = load_ticket(s, ticket_id)
        check_visible(s, staff, ticket)
        require_lock(s, staff, ticket, token)
        check_body(s, body, "reply")
        check_body(s, internal, "internal comment")
        files = check_attachments(s, attachments)
        level = _checked_priority(s, priority)
        department = s.get(Department, ticket.department_id)
        if incidents is not None and not department.per_incident:
            raise BadInput(f"The department {department.name} does not use per-incident support.")
        at = now()
        reply_id = internal_id = charge_id = None
        held_until = held.hold_until(s, at) if has_reply and amount is None else None
        before = held.before_send(s, ticket) if held_until else None
        used = 0
        if has_reply:
            reply_id = add_message(s, ticket, "staff", body, at, staff_id=staff.id,
                                   attachments=files, held_until=held_until).id
            # its mail, committed with it or not at all; held, it leaves once released
            queue_reply(s, ticket, reply_id, not_before=held_until)
            if held_until is None:  # else when it is released
                ticket.client_unread += 1
            ticket.awaiting_staff, ticket.waiting_since = False, at
            if department.per_incident:
                used = 1 if incidents is None else incidents
                ticket.incidents += used
                _use_incidents(s, staff, ticket, used)
        if has_internal:
            internal_id = add_message(s, ticket, "internal", internal, at, staff_id=staff.id,
                                      attachments=() if has_reply else files,
                                      held_until=held_until).id
        if amount is not None:
            charge_id = _charge(s, staff, ticket, amount, at)
        if top is not None:
            ticket.placed_first = top
        if level is not None:
            ticket.priority = level
        s.execute(delete(Draft).where(Draft.ticket_id == ticket.id, Draft.staff_id == staff.id))
        if has_reply or has_internal:
            record(s, staff, ticket, "reply" if has_reply else "internal_comment",
                   f"message #{reply_id or internal_id}", at=at)
        if used:  # reports sum the support incidents used in a period
            record(s, staff, ticket, "incidents", str(used), at=at, activity=False)
        if close:
            _close(s, staff, ticket, at, "ok")
        if held_until is not None:
            held.keep(s, staff, ticket, before, reply_id, internal_id, used)
        return ReplyResult(reply_id, internal_id, close, charge_id, held_until)


# The client's balance and incidents left are the client's: on PostgreSQL a staff login changes
# them only through the database's functions, which check the lock (migration 0004).
def _charge(s, staff: StaffActor, ticket: Ticket, cents: int, at) -> int:
    """A charge record; the client's balance goes down by as much."""
    if on_postgresql(s):
        charge_id = s.scalar(
            text("SELECT ticket_tui_charge(current_user, :ticket, :staff, :cents, :at)"),
            {"ticket": ticket.id, "staff": staff.id, "cents": cents, "at": at})
    else:
        charge = Charge(ticket_id=ticket.id, client_id=ticket.client_id, staff_id=staff.id,
                        amount_cents=cents, created_at=at)
        s.add(charge)
        s.get(Client, ticket.client_id).balance_cents -= cents
        s.flush()
        charge_id = charge.id
    record(s, staff, ticket, "charge", f"{cents / 100:.2f}", at=at)
    return charge_id


def _use_incidents(s, staff: StaffActor, ticket: Ticket, used: int) -> None:
    """A reply in a per-incident department: the client's incidents left go down."""
    if on_postgresql(s):
        s.execute(text("SELECT ticket_tui_use_incidents(current_user, :ticket, :staff, :used)"),
                  {"ticket": ticket.id, "staff": staff.id, "used": used})
    else:
        s.get(Client, ticket.client_id).incidents_left -= used


def _checked_priority(s, priority: str | int | None) -> int | None:
    if priority is None:
        return None
    if not settings.get(s, "use_priority"):
        raise BadInput("Priorities are not used in tickets; turn on the setting use_priority first.")
    return parse_priority(priority)


def _close(s, staff: StaffActor, ticket: Ticket, at, action: str) -> None:
    locking.close(plain_in(s), staff, ticket.id, at, action)
    s.expire(ticket)  # changed by plain SQL: read again if asked


def close(store: Store, actor: Actor, ticket_id: int, *, token: str | None = None) -> None:
    """Close: the actor's holders (an administrator's: all); releases the actor's lock. The rule
    is locking.close, in one plain transaction."""
    staff = require_staff(actor, "close a ticket")
    with store.sql(write=True) as q:
        ticket = locking.load_visible(q, staff, ticket_id)
        locking.require_lock(q, staff, ticket, token)
        locking.close(q, staff, ticket_id, now(), "close")


def save_parameters(
    store: Store, actor: Actor, ticket_id: int, *, subject: str | None = None,
    service_id: int | None | bool = False, priority: str | int | None = None,
    placed_first: bool | None = None, incidents: int | None = None, token: str | None = None,
) -> list[str]:
    """Applies only the fields given (service_id=None clears the service; False leaves it).
    Sends nothing. Returns the names of the fields that changed."""
    staff = require_staff(actor, "change a ticket's parameters")
    if subject is not None:
        subject = validate.text_field(subject, "subject", 200)
    if incidents is not None:
        validate.count(incidents, "number of support incidents", minimum=0, maximum=100_000)
    with store.write() as s:
        ticket = load_ticket(s, ticket_id)
        check_visible(s, staff, ticket)
        require_lock(s, staff, ticket, token)
        changed: list[str] = []
        if subject is not None and subject != ticket.subject:
            ticket.subject = subject
            changed.append("subject")
        if service_id is not False and service_id != ticket.service_id:
            if service_id is not None:
                svc = s.get(Service, service_id) if validate.is_id(service_id) else None
                if svc is None or svc.client_id != ticket.client_id:
                    raise BadInput(f"Service #{service_id} does not belong to this ticket's client.")
            ticket.service_id = service_id
            changed.append("service")
        level = _checked_priority(s, priority)
        if level is not None and level != ticket.priority:
            ticket.priority = level
            changed.append("priority")
        if placed_first is not None and placed_first != ticket.placed_first:
            ticket.placed_first = placed_first
            changed.append("placed first")
        if incidents is not None and incidents != ticket.incidents:
            ticket.incidents = incidents
            changed.append("support incidents")
        if changed:
            record(s, staff, ticket, "save_parameters", ", ".join(changed), at=now())
        return changed
