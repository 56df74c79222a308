"""Client ratings of staff replies (quality control): a client rates each staff reply on their
own tickets good or bad, with an optional comment; rating again replaces the rating.

Who reads them: administrators all; a head of the ticket's department those of the other staff
members' replies (never their own); nobody else, not the reply's author. On PostgreSQL the
database holds the same rules (migration 0014)."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select

from .. import validate
from ..actors import Actor, StaffActor
from ..db import Store
from ..errors import BadInput, NotAllowed, NotFound
from ..models import Message, MessageRating
from ._common import check_visible, load_ticket, now, upsert
from .rules import require_client, require_staff

COMMENT_MAX = 1000
VERDICTS = {"good": True, "bad": False}


class Rating(NamedTuple):
    message_id: int
    good: bool
    comment: str


def parse_verdict(value: str) -> bool:
    verdict = VERDICTS.get((value or "").strip().lower())
    if verdict is None:
        raise BadInput(f"'{value}' is not a rating; say good or bad.")
    return verdict


def check_comment(comment: str | None) -> str:
    comment = validate.storable((comment or "").strip(), "comment")
    if len(comment) > COMMENT_MAX:
        raise BadInput(f"The comment is {len(comment)} characters long; the limit is {COMMENT_MAX}.")
    return comment


def rate(store: Store, actor: Actor, message_id: int, verdict: str | bool,
         comment: str | None = None) -> Rating:
    """The client's rating of a staff reply on one of their tickets (replacing an earlier one)."""
    client = require_client(actor, "rate a reply")
    good = verdict if isinstance(verdict, bool) else parse_verdict(verdict)
    comment = check_comment(comment)
    if not validate.is_id(message_id):
        raise NotFound(f"There is no message #{message_id}.")
    with store.write() as s:
        message = s.get(Message, message_id)  # a client's login reads its tickets' public ones
        if message is None or message.kind not in ("client", "staff"):  # as on PostgreSQL
            raise NotFound(f"There is no message #{message_id}.")
        ticket = load_ticket(s, message.ticket_id, for_write=False, reader=client)
        check_visible(s, client, ticket)
        if message.kind != "staff":
            raise NotAllowed(f"Message #{message_id} is not a staff reply; only replies are rated.")
        upsert(s, MessageRating, {"message_id": message_id, "client_id": client.id, "good": good,
                                  "comment": comment, "rated_at": now()},
               ["message_id"], ["good", "comment", "rated_at"])
        return Rating(message_id, good, comment)


def my_ratings(store: Store, actor: Actor, ticket_id: int) -> dict[int, Rating]:
    """The client's own ratings on one of their tickets, by message id."""
    client = require_client(actor, "read their ratings")
    with store.read() as s:
        check_visible(s, client, load_ticket(s, ticket_id, for_write=False, reader=client))
        rows = s.execute(
            select(MessageRating).join(Message, Message.id == MessageRating.message_id)
            .where(Message.ticket_id == ticket_id, MessageRating.client_id == client.id))
        return {r.message_id: Rating(r.message_id, r.good, r.comment) for (r,) in rows}


def sees_ratings_of(staff: StaffActor, department_id: int, author_id: int | None) -> bool:
    """The rule: administrators; heads of the department, but not for their own replies."""
    return staff.is_admin or (department_id in staff.head_of and author_id != staff.id)


def ticket_ratings(store: Store, actor: Actor, ticket_id: int) -> dict[int, Rating]:
    """The ratings of a ticket's staff replies the staff member may see (see the module)."""
    staff = require_staff(actor, "read ratings")
    with store.read() as s:
        ticket = load_ticket(s, ticket_id, for_write=False)
        check_visible(s, staff, ticket)
        if not (staff.is_admin or ticket.department_id in staff.head_of):
            return {}
        rows = s.execute(
            select(MessageRating, Message.author_staff_id)
            .join(Message, Message.id == MessageRating.message_id)
            .where(Message.ticket_id == ticket_id))
        return {r.message_id: Rating(r.message_id, r.good, r.comment) for r, author in rows
                if sees_ratings_of(staff, ticket.department_id, author)}

