"""Reading a ticket: the detail view for staff or client (which marks it seen / read), its
thread page by page, the client's card and the reader's draft.

Plain SQL (store/sql.py): opening a ticket is what a person waits for, and it needs no
SQLAlchemy. A thread is read by its (ticket_id, id) index, the newest messages first, never
the whole of it unless asked.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from ..actors import Actor, ClientActor, StaffActor
from ..db import Store
from ..errors import BadInput, NotFound
from ..mail.marks import delivery_marks, reply_state
from ..sql import Sql, expand, utc
from ..status import admin_status, client_status, merged_status
from ..sla.due import due_times
from ..views import (
    AttachmentView, ChargeView, ClientCard, DraftView, HolderView, MailHead, MessageView,
    ServiceView, TicketDetail,
)
from .rules import check_id, check_visible, mark_seen, no_such_ticket, now, require_staff

CLIENT_KINDS = ("client", "staff")
MAX_MESSAGE_PAGE = 500


class MessagePage(NamedTuple):
    """Some consecutive messages of a thread, oldest first, and how many come before them."""

    messages: tuple[MessageView, ...]
    earlier: int


def show(store: Store, actor: Actor, ticket_id: int, *, last: int | None = None) -> TicketDetail:
    """The ticket as the actor may see it. Staff: marks it seen. Client: marks replies read.

    With `last`, only the thread's last `last` messages are read (a long thread opens as fast
    as a short one); messages_page() fetches the earlier ones when the reader gets there.
    """
    _check_last(last)
    with store.sql(write=True) as q:
        ticket = _visible_ticket(q, actor, ticket_id)
        if isinstance(actor, StaffActor):
            mark_seen(q, actor, ticket_id, max(now(), ticket["updated_at"]))
        elif ticket["client_unread"]:
            q.run("UPDATE tickets SET client_unread = 0 WHERE id = :ticket", {"ticket": ticket_id})
            ticket["client_unread"] = 0
        return _detail(q, actor, ticket, last=last)


def peek(store: Store, actor: Actor, ticket_id: int, *, last: int | None = None) -> TicketDetail:
    """The same view without marking anything (for refreshes and scripts)."""
    _check_last(last)
    with store.sql() as q:
        return _detail(q, actor, _visible_ticket(q, actor, ticket_id), last=last)


def messages_page(store: Store, actor: Actor, ticket_id: int, *, before_id: int | None = None,
                  limit: int = 50) -> MessagePage:
    """Up to `limit` messages just before message `before_id` (the latest ones without it),
    oldest first, as the actor may see them; read by the thread's index, never the whole
    thread. `earlier` counts the visible messages before the first one returned."""
    if not 1 <= limit <= MAX_MESSAGE_PAGE:
        raise BadInput(f"A page holds 1 to {MAX_MESSAGE_PAGE} messages.")
    with store.sql() as q:
        ticket = _visible_ticket(q, actor, ticket_id)
        kinds = CLIENT_KINDS if isinstance(actor, ClientActor) else None
        messages = _messages(q, ticket["id"], kinds, last=limit, before_id=before_id)
        first = messages[0].id if messages else before_id
        return MessagePage(messages, _count_before(q, ticket["id"], kinds, first))


def client_card(store: Store, actor: Actor, ticket_id: int) -> ClientCard:
    """Information: the client's email, registration date, internal comment and services."""
    me = require_staff(actor, "see client information")
    with store.sql() as q:
        return card(q, _visible_ticket(q, me, ticket_id)["client_id"])


def get_draft(store: Store, actor: Actor, ticket_id: int) -> DraftView | None:
    """The actor's unsent reply to the ticket, if any."""
    with store.sql() as q:
        _visible_ticket(q, actor, ticket_id)
        owner = "staff_id" if isinstance(actor, StaffActor) else "client_id"
        row = q.row(f"SELECT body, internal_comment, updated_at FROM drafts "
                    f"WHERE ticket_id = :ticket AND {owner} = :owner",
                    {"ticket": ticket_id, "owner": actor.id})
    return None if row is None else DraftView(ticket_id, row[0], row[1], utc(row[2]))


def card(q: Sql, client_id: int) -> ClientCard:
    c = q.row("SELECT id, email, name, registered_at, internal_comment, balance_cents, "
              "incidents_left FROM clients WHERE id = :client", {"client": client_id})
    if c is None:
        raise NotFound("The ticket's client no longer exists.")
    services = q.rows("SELECT id, name, kind, domain FROM services WHERE client_id = :client "
                      "ORDER BY id", {"client": client_id})
    return ClientCard(c[0], c[1], c[2], utc(c[3]), c[4], c[5], c[6],
                      tuple(ServiceView(*svc) for svc in services))


def _check_last(last: int | None) -> None:
    if last is not None and not 1 <= last <= MAX_MESSAGE_PAGE:
        raise BadInput(f"A page holds 1 to {MAX_MESSAGE_PAGE} messages.")


_TICKET = (
    "SELECT t.id, t.client_id, t.subject, t.summary, t.priority, t.placed_first, "
    "t.delayed_until, t.lock_token, t.locked_at, t.archived_at, t.client_unread, t.incidents, "
    "t.is_open, t.created_at, t.updated_at, t.split_from_id, t.locked_by_id, t.merged_into_id, "
    "c.email, c.name, d.name, d.per_incident, responsible.login, locker.login, locker.name, "
    "svc.id, svc.name, svc.kind, svc.domain "
    "FROM tickets t "
    "LEFT JOIN clients c ON c.id = t.client_id "
    "LEFT JOIN departments d ON d.id = t.department_id "
    "LEFT JOIN staff responsible ON responsible.id = t.responsible_staff_id "
    "LEFT JOIN staff locker ON locker.id = t.locked_by_id "
    "LEFT JOIN services svc ON svc.id = t.service_id "
    "WHERE t.id = :ticket"
)
# A client reads the same without the staff's side (summary, lock, responsible staff member),
# which its own PostgreSQL login may not read (migration 0004).
_CLIENT_TICKET = (
    _TICKET.replace("t.summary,", "NULL,").replace("t.lock_token, t.locked_at,", "NULL, NULL,")
    .replace("t.locked_by_id,", "NULL,").replace("responsible.login, locker.login, locker.name,",
                                                "NULL, NULL, NULL,")
    .replace("LEFT JOIN staff responsible ON responsible.id = t.responsible_staff_id ", "")
    .replace("LEFT JOIN staff locker ON locker.id = t.locked_by_id ", "")
)
_TICKET_FIELDS = (
    "id", "client_id", "subject", "summary", "priority", "placed_first", "delayed_until",
    "lock_token", "locked_at", "archived_at", "client_unread", "incidents", "is_open",
    "created_at", "updated_at", "split_from_id", "locked_by_id", "merged_into_id", "client_email",
    "client_name", "department", "per_incident", "responsible", "locker_login", "locker_name", "service_id",
    "service_name", "service_kind", "service_domain",
)
_TIMES = ("delayed_until", "locked_at", "archived_at", "created_at", "updated_at")


def _visible_ticket(q: Sql, actor: Actor, ticket_id: int) -> dict:
    """The ticket's row with the names it shows, if the actor may see it."""
    check_id(ticket_id)
    row = q.row(_CLIENT_TICKET if isinstance(actor, ClientActor) else _TICKET, {"ticket": ticket_id})
    if row is None:
        raise no_such_ticket(ticket_id)
    ticket = dict(zip(_TICKET_FIELDS, row))
    for name in _TIMES:
        ticket[name] = utc(ticket[name])
    check_visible(q, actor, ticket_id, ticket["client_id"])
    return ticket


def _detail(q: Sql, actor: Actor, t: dict, *, last: int | None = None) -> TicketDetail:
    is_client = isinstance(actor, ClientActor)
    archived = t["archived_at"] is not None
    if is_client:
        status = client_status(archived, bool(t["is_open"]), t["client_unread"])
        favorite = False
    else:
        status = admin_status(archived, bool(t["is_open"]))
        favorite = bool(q.value(
            "SELECT EXISTS (SELECT 1 FROM favorites WHERE staff_id = :me AND ticket_id = :ticket)",
            {"me": actor.id, "ticket": t["id"]}))
    if t["merged_into_id"] is not None:
        status = merged_status(t["merged_into_id"])
    locked = t["locked_by_id"] is not None
    service = (None if t["service_id"] is None else
               ServiceView(t["service_id"], t["service_name"], t["service_kind"], t["service_domain"]))
    charges = q.rows("SELECT id, amount_cents, created_at FROM charges WHERE ticket_id = :ticket "
                     "ORDER BY id", {"ticket": t["id"]})
    return TicketDetail(
        id=t["id"], subject=t["subject"], status=status,
        client_email=t["client_email"], client_name=t["client_name"], department=t["department"],
        department_per_incident=bool(t["per_incident"]), responsible_staff=t["responsible"],
        service=service, priority=t["priority"], placed_first=bool(t["placed_first"]),
        locked_by=t["locker_login"] if locked else None,
        locked_by_name=t["locker_name"] if locked else None,
        locked_at=t["locked_at"],
        lock_token=(t["lock_token"] if locked and not is_client and t["locked_by_id"] == actor.id
                    else None),
        delayed_until=t["delayed_until"], archived_at=t["archived_at"],
        favorite=favorite, summary=None if is_client else t["summary"],
        incidents=t["incidents"], created_at=t["created_at"], updated_at=t["updated_at"],
        split_from=t["split_from_id"],
        holders=() if is_client else _holders(q, t["id"]),
        messages=_messages(q, t["id"], CLIENT_KINDS if is_client else None, last=last),
        charges=tuple(ChargeView(c[0], c[1], utc(c[2])) for c in charges),
        merged_into=t["merged_into_id"],
        due_times=None if is_client else due_times(q, t["id"]),
    )


def _holders(q: Sql, ticket_id: int) -> tuple[HolderView, ...]:
    rows = q.rows("SELECT h.department_id, d.name, st.name, h.is_open FROM holders h "
                  "LEFT JOIN departments d ON d.id = h.department_id "
                  "LEFT JOIN staff st ON st.id = h.staff_id "
                  "WHERE h.ticket_id = :ticket ORDER BY h.id", {"ticket": ticket_id})
    return tuple(HolderView("department" if dept else "staff", dname or sname, bool(is_open))
                 for dept, dname, sname, is_open in rows)


def _kinds(params: dict, kinds: tuple[str, ...] | None) -> str:
    """The client's kinds of message (kinds given), released: a held reply is not theirs yet."""
    if not kinds:
        return ""
    return f" AND m.kind IN ({expand(params, 'kind', kinds)}) AND m.held_until IS NULL"


def _count_before(q: Sql, ticket_id: int, kinds: tuple[str, ...] | None,
                  before_id: int | None) -> int:
    if before_id is None:
        return 0
    params = {"ticket": ticket_id, "before": before_id}
    return q.value("SELECT count(*) FROM messages m WHERE m.ticket_id = :ticket "
                   f"AND m.id < :before{_kinds(params, kinds)}", params)


def _messages(q: Sql, ticket_id: int, kinds: tuple[str, ...] | None, *,
              last: int | None = None, before_id: int | None = None) -> tuple[MessageView, ...]:
    """The thread oldest first; with `last`, only its last messages (before `before_id`)."""
    params: dict = {"ticket": ticket_id}
    where = "m.ticket_id = :ticket" + _kinds(params, kinds)
    if before_id is not None:
        params["before"] = before_id
        where += " AND m.id < :before"
    query = ("SELECT m.id, m.kind, m.body, m.created_at, m.edited_at, st.login, st.name, "
             "cl.email, cl.name, m.merged_from_ticket_id, m.held_until, m.automatic FROM messages m "
             "LEFT JOIN staff st ON st.id = m.author_staff_id "
             "LEFT JOIN clients cl ON cl.id = m.author_client_id "
             f"WHERE {where}")
    if last is None:
        rows = q.rows(query + " ORDER BY m.id", params)
    else:  # newest first by the (ticket_id, id) index, then turned around
        params["last"] = last
        rows = q.rows(query + " ORDER BY m.id DESC LIMIT :last", params)[::-1]
    files: dict[int, list[AttachmentView]] = defaultdict(list)
    if rows:
        # The attachments of the messages read: those of the thread's messages in their id range.
        for a in q.rows(
            "SELECT a.id, a.message_id, a.name, a.content_type, a.size, a.sha256 "
            "FROM attachments a JOIN messages m ON m.id = a.message_id "
            "WHERE m.ticket_id = :ticket AND m.id BETWEEN :first AND :last_id ORDER BY a.id",
            {"ticket": ticket_id, "first": rows[0][0], "last_id": rows[-1][0]},
        ):
            files[a[1]].append(AttachmentView(a[0], a[2], a[3], a[4], a[5]))
    mailed = _mailed(q, ticket_id, rows) if kinds is None else {}
    # A reply's mail: the staff's view only (a client's login reads no outbox).
    sent = delivery_marks(q, ticket_id, rows[0][0], rows[-1][0]) if kinds is None and rows else {}
    out = []
    for mid, kind, body, created_at, edited_at, slogin, sname, cemail, cname, merged_from, held, \
            automatic in rows:
        if kind == "system":
            author, author_name = "system", "System"
        elif slogin:
            author, author_name = slogin, sname
        elif kind == "staff":  # a response rule's answer, or a desk answer from the mail history
            author, author_name = "", "Automatic answer" if automatic else "Desk"
        else:
            author, author_name = cemail or "", cname or ""
        head = mailed.get(mid)
        delivery, reason = sent.get(mid, (None, ""))
        delivery = delivery and reply_state(delivery, held is not None)
        out.append(MessageView(mid, kind, author, author_name, body, utc(created_at),
                               utc(edited_at), tuple(files[mid]),
                               None if head is None else "email", head, merged_from,
                               delivery, reason, utc(held)))
    return tuple(out)


def _mailed(q: Sql, ticket_id: int, rows: list) -> dict[int, MailHead]:
    """Which of the messages read came by mail, with their sender, To and Cc: the staff's view
    only (kinds None), since a client's login reads no mail ids. The original's bytes stay in
    the store: only store.mail.originals opens them, one message at a time."""
    if not rows:
        return {}
    return {mid: MailHead(sender or "", to or "", cc or "") for mid, sender, to, cc in q.rows(
        "SELECT i.message_id, o.sender, o.to_addresses, o.cc_addresses FROM mail_ids i "
        "LEFT JOIN mail_originals o ON o.message_id = i.message_id "
        "WHERE i.ticket_id = :ticket AND i.direction = 'in' "
        "AND i.message_id BETWEEN :first AND :last_id",
        {"ticket": ticket_id, "first": rows[0][0], "last_id": rows[-1][0]})}
