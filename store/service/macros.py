"""Applying a macro: its predefined reply (variables filled in) and its actions, in one
transaction on the ticket under the usual lock rules.

A macro is offered to a staff member on a ticket when it is everyone's, theirs, or the ticket's
department's and they are a member of that department. The actions run through the service's
own calls (reply, delay, assign, close), joined into one transaction: a refusal anywhere (a
variable that can't be filled in, priorities turned off, an archived ticket to assign) rolls
everything back, so a macro is done whole or not at all.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import false, func, or_

from .. import settings
from ..actors import Actor, StaffActor
from ..db import Store
from ..errors import NotAllowed, NotFound
from ..macro_models import Macro
from ..macros import MacroView, macro_views
from ..models import Ticket
from . import actions, replies
from ._common import check_visible, load_ticket, now, record, require_lock, require_staff
from .joined import InTransaction
from .drafts import ticket_values
from .variables import Expansion, expand, refuse_problems


class MacroResult(NamedTuple):
    reply_id: int | None
    internal_id: int | None
    closed: bool
    done: str  # what the macro did, in the help desk's words
    held_until: datetime | None = None  # its reply is held until then (undo send)


def _offered(staff: StaffActor, ticket: Ticket | None):
    """The macros offered to this staff member (on this ticket, when given)."""
    scopes = [(Macro.department_id.is_(None) & Macro.staff_id.is_(None)), Macro.staff_id == staff.id]
    if ticket is None:
        departments = staff.department_ids
    else:
        departments = {ticket.department_id} & set(staff.department_ids)
    scopes.append(Macro.department_id.in_(departments) if departments else false())
    return or_(*scopes)


def macros_for(store: Store, actor: Actor, ticket_id: int | None = None) -> list[MacroView]:
    """The macros this staff member may apply (to this ticket, when given), by name."""
    staff = require_staff(actor, "use macros")
    with store.read() as s:
        ticket = None
        if ticket_id is not None:
            ticket = load_ticket(s, ticket_id, for_write=False)
            check_visible(s, staff, ticket)
        return macro_views(s, _offered(staff, ticket))


def _macro(s, staff: StaffActor, ticket: Ticket | None, macro: str | int) -> MacroView:
    named = Macro.id == macro if isinstance(macro, int) else func.lower(Macro.name) == macro.strip().lower()
    found = macro_views(s, named & _offered(staff, ticket))
    if not found:
        where = f" on ticket #{ticket.id}" if ticket is not None else ""
        label = f"#{macro}" if isinstance(macro, int) else f"named '{macro.strip()}'"
        # On a ticket, a refusal of this ticket (bulk names it so), not a ticket not found.
        raise (NotFound if ticket is None else NotAllowed)(f"There is no macro {label} for you{where}.")
    return found[0]


def check_macro(store: Store, actor: Actor, macro: str) -> None:
    """Refuses a macro name offered on none of this staff member's tickets (before a bulk run)."""
    staff = require_staff(actor, "use macros")
    with store.read() as s:
        _macro(s, staff, None, macro)


def expand_macro(store: Store, actor: Actor, ticket_id: int, macro: str | int) -> tuple[MacroView, Expansion]:
    """The macro and its text for this ticket, for the agent to review (the reply pane): the
    variables that can't be filled in are listed, left in their braces."""
    staff = require_staff(actor, "use macros")
    with store.read() as s:
        ticket = load_ticket(s, ticket_id, for_write=False)
        check_visible(s, staff, ticket)
        found = _macro(s, staff, ticket, macro)
        return found, expand(found.body, ticket_values(s, staff, ticket))


def apply_macro(
    store: Store, actor: Actor, ticket_id: int, macro: str | int, body: str = "", *,
    reviewed: bool = False, internal: str = "", close: bool = False, token: str | None = None,
    **fields,
) -> MacroResult:
    """Sends the macro's reply and does its actions, in one transaction under the lock.

    body follows the macro's text (the command line's --body); reviewed=True means body and
    internal are the agent's reviewed text, which holds the macro's reply and comment already
    (the reply pane). fields are the reply pane's other fields (replies.reply's). close=True
    closes even when the macro doesn't (bulk reply --close).
    """
    staff = require_staff(actor, "apply a macro")
    with store.write() as s:
        joined = InTransaction(s)
        ticket = load_ticket(s, ticket_id)
        check_visible(s, staff, ticket)
        require_lock(s, staff, ticket, token)
        found = _macro(s, staff, ticket, macro)
        if found.priority and not settings.get(s, "use_priority"):
            raise NotAllowed(f"The macro '{found.name}' sets the priority, but priorities are not "
                             "used in tickets (the setting use_priority is off); nothing was done.")
        if not reviewed:
            text = refuse_problems(expand(found.body, ticket_values(s, staff, ticket)))
            body = f"{text}\n\n{body}" if body.strip() else text
            internal = "\n\n".join(t for t in (found.comment, internal) if t.strip())
        sent = replies.reply(joined, staff, ticket_id, body, internal=internal, token=token,
                             **{**fields, "priority": found.priority or fields.get("priority")})
        at = now()
        if found.delay_days:
            actions.delay(joined, staff, ticket_id, at + timedelta(days=found.delay_days))
        if found.assign_department or found.assign_staff:
            actions.assign(joined, staff, ticket_id, department=found.assign_department,
                           staff=found.assign_staff)
        closed = found.close or close
        record(s, staff, ticket, "macro", found.name, at=at)
        if closed:
            replies.close(joined, staff, ticket_id, token=token)
        done = found.actions() if closed == found.close else found.actions()[:-1] + ["close (Ok)"]
        return MacroResult(sent.reply_id, sent.internal_id, closed, f"{found.name}: {', '.join(done)}",
                           sent.held_until)
