"""Undo send: a staff reply is held `send_delay_seconds` before its client sees it.

What a send does to the ticket (holders an Ok closes, the lock it releases, the waiting state,
incidents, priority...) happens at once, as without a delay: staff see the reply, marked held,
and the ticket as it now is. What reaches the client waits: the message is invisible to the
client (and its own login, on PostgreSQL: migration 0011) and to the mail channel
(`messages.held_until`, which an outbox honours) and the client's unread count goes up only
when it is released.

Release: store/service/held_release.py.

Undo (the author only, while held) deletes the reply and the internal comment sent with it,
puts their text back into the author's draft, and restores the ticket from held_sends: the
columns the send changed, the holders an Ok closed, the lock an Ok released, the incidents used.
It is refused once anything came after the send that a restore would undo too: a newer message,
the client archiving the ticket, someone else's lock.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import delete, select, text

from .. import settings
from ..actors import Actor, StaffActor
from ..db import Store
from ..errors import LockedByOther, NotAllowed
from ..models import Client, Draft, HeldSend, Holder, Message, Staff, Ticket
from ._common import (
    check_visible, load_ticket, lock_sentence, now, on_postgresql, open_holder, record,
    require_staff,
)

# The ticket's columns a send may change, and an undo puts back.
RESTORED = ("awaiting_staff", "waiting_since", "priority", "placed_first", "incidents",
            "updated_at", "locked_by_id", "lock_token", "locked_at")
_TIMES = ("waiting_since", "updated_at", "locked_at")


class UndoneSend(NamedTuple):
    ticket_id: int
    body: str
    internal_comment: str


def hold_until(s, at: datetime) -> datetime | None:
    """When a reply sent now is released; None when the setting is 0 (sent at once)."""
    delay = settings.get(s, "send_delay_seconds")
    return at + timedelta(seconds=delay) if delay > 0 else None


def before_send(s, ticket: Ticket) -> dict:
    """The ticket as a send finds it: its restorable columns and its open holders."""
    state = {name: getattr(ticket, name) for name in RESTORED}
    for name in _TIMES:
        state[name] = state[name].isoformat() if state[name] is not None else None
    state["open_holders"] = sorted(s.scalars(select(Holder.id).where(
        Holder.ticket_id == ticket.id, Holder.is_open)))
    return state


def keep(s, staff: StaffActor, ticket: Ticket, before: dict, reply_id: int,
         internal_id: int | None, incidents_used: int) -> None:
    """After the send, in its transaction: what its undo needs (the holders it closed)."""
    s.flush()
    still_open = set(s.scalars(select(Holder.id).where(Holder.ticket_id == ticket.id,
                                                       Holder.is_open)))
    before = dict(before, closed_holders=[h for h in before.pop("open_holders")
                                          if h not in still_open])
    s.add(HeldSend(message_id=reply_id, ticket_id=ticket.id, staff_id=staff.id,
                   internal_id=internal_id, incidents_used=incidents_used,
                   before=json.dumps(before)))


def undo_send(store: Store, actor: Actor, ticket_id: int) -> UndoneSend:
    """Undo the author's latest held reply to the ticket: see the module's docstring."""
    staff = require_staff(actor, "undo a sent reply")
    with store.write() as s:
        ticket = load_ticket(s, ticket_id)
        check_visible(s, staff, ticket)
        at = now()
        held = s.execute(
            select(HeldSend, Message).join(Message, Message.id == HeldSend.message_id)
            # (a held reply a Split moved to another ticket is released on time, never undone)
            .where(HeldSend.ticket_id == ticket.id, Message.ticket_id == ticket.id,
                   Message.held_until > at)
            .order_by(HeldSend.message_id.desc()).limit(1)).first()
        if held is None:
            raise NotAllowed(f"No reply to ticket #{ticket.id} is held any more: it is too late "
                             "to undo.")
        send, reply = held
        if send.staff_id != staff.id:
            author = s.get(Staff, send.staff_id)
            raise NotAllowed(f"Only {author.login} ({author.name}) can undo the reply they sent "
                             f"to ticket #{ticket.id}.")
        _refuse_if_overtaken(s, staff, ticket, send)
        internal = s.get(Message, send.internal_id) if send.internal_id else None
        before = json.loads(send.before)
        _restore(s, staff, ticket, send, before, at)
        body, comment = reply.body, internal.body if internal is not None else ""
        _back_into_draft(s, staff, ticket, body, comment, at)
        _unsend(s, ticket, send, reply, internal, at)
        record(s, staff, ticket, "undo_send", f"message #{reply.id}", at=at, activity=False)
        return UndoneSend(ticket.id, body, comment)


def _unsend(s, ticket: Ticket, send: HeldSend, reply: Message, internal: Message | None,
            at: datetime) -> None:
    """The reply and its internal comment go, the incidents they used come back. On PostgreSQL
    the database does it (ticket_tui_unsend, migration 0011): a staff login deletes no message
    and writes no client row itself."""
    if on_postgresql(s):
        s.execute(text("SELECT ticket_tui_unsend(current_user, :message, :at)"),
                  {"message": reply.id, "at": at})
        return
    s.get(Client, ticket.client_id).incidents_left += send.incidents_used
    s.execute(delete(HeldSend).where(HeldSend.message_id == reply.id))
    s.execute(delete(Message).where(Message.id.in_(
        [reply.id] + ([internal.id] if internal is not None else []))))


def _back_into_draft(s, staff: StaffActor, ticket: Ticket, body: str, comment: str,
                     at: datetime) -> None:
    """The undone text becomes the author's draft (before whatever they typed since: the
    reply pane was empty after the send, and nothing typed is lost)."""
    draft = s.scalar(select(Draft).where(Draft.ticket_id == ticket.id, Draft.staff_id == staff.id))
    if draft is None:
        s.add(Draft(ticket_id=ticket.id, staff_id=staff.id, body=body, internal_comment=comment,
                    updated_at=at))
        return
    draft.body = "\n\n".join(t for t in (body, draft.body) if t)
    draft.internal_comment = "\n\n".join(t for t in (comment, draft.internal_comment) if t)
    draft.updated_at = at


def _refuse_if_overtaken(s, staff: StaffActor, ticket: Ticket, send: HeldSend) -> None:
    """An undo puts the ticket back as the send found it: refused once someone else acted on
    it in a way that restore would undo too."""
    newer = s.scalar(select(Message.id).where(
        Message.ticket_id == ticket.id, Message.id > send.message_id,
        Message.id != (send.internal_id or 0)).limit(1))
    if newer is not None:
        raise NotAllowed(f"Ticket #{ticket.id} has a newer message than your reply, which can "
                         "no longer be undone.")
    if ticket.archived_at is not None:
        raise NotAllowed(f"The client archived ticket #{ticket.id} after your reply, which can "
                         "no longer be undone.")
    if ticket.locked_by_id not in (None, staff.id):
        raise LockedByOther(lock_sentence(s, ticket) + " Your reply can no longer be undone.")


def _restore(s, staff: StaffActor, ticket: Ticket, send: HeldSend, before: dict,
             at: datetime) -> None:
    for name in _TIMES:
        if before[name] is not None:
            before[name] = datetime.fromisoformat(before[name])
    if ticket.locked_by_id is None and before["locked_by_id"] == staff.id:
        # An Ok (or a Close since) released the lock: it comes back first (on PostgreSQL, as a
        # free lock is taken), so what follows is written under it; its holder is open, as a
        # take makes it.
        ticket.locked_by_id, ticket.lock_token = staff.id, before["lock_token"]
        ticket.locked_at = before["locked_at"]
        s.flush()
        open_holder(s, ticket, at, staff_id=staff.id)
    for holder in s.scalars(select(Holder).where(Holder.id.in_(before["closed_holders"] or [0]))):
        holder.is_open, holder.closed_at = True, None
    if before["closed_holders"]:
        ticket.is_open = True
    for name in ("awaiting_staff", "waiting_since", "priority", "placed_first", "incidents",
                 "updated_at"):
        setattr(ticket, name, before[name])
