"""Plain values the service hands to the faces: no ORM object ever leaves the store."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple


class DueTimes(NamedTuple):
    """A ticket's response targets (store/sla): each due moment, and whether the first response
    was met (None while open and unanswered). `due` is the soonest running one."""

    first_response_due: datetime | None
    first_response_met: bool | None
    next_response_due: datetime | None
    resolution_due: datetime | None
    due: datetime | None

    def overdue(self, now: datetime) -> bool:
        return self.due is not None and self.due < now


class TicketRow(NamedTuple):
    """One line of a ticket list."""

    id: int
    subject: str
    client_email: str
    client_name: str
    department: str
    status: str
    priority: int
    placed_first: bool
    locked_by: str | None
    locked_at: datetime | None
    delayed_until: datetime | None
    favorite: bool
    new_since_seen: bool
    awaiting_staff: bool
    waiting_since: datetime
    updated_at: datetime
    archived: bool
    sort_key: tuple = ()
    merged_into: int | None = None  # a merged ticket's stub: the ticket it went into
    # Response targets (staff's rows): the soonest due time, whether it has passed, and all.
    due: datetime | None = None
    overdue: bool = False
    due_times: DueTimes | None = None


class AttachmentView(NamedTuple):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str


class MailHead(NamedTuple):
    """Who a mailed message came from and went to, as its mail said (staff's view)."""

    sender: str
    to: str
    cc: str


class MessageView(NamedTuple):
    id: int
    kind: str
    author: str  # a staff login, a client email, or "system"
    author_name: str
    body: str
    created_at: datetime
    edited_at: datetime | None
    attachments: tuple[AttachmentView, ...]
    channel: str | None = None  # "email" for a mail taken in (staff's view); None otherwise
    mail: MailHead | None = None  # its sender, To and Cc, when it came by mail (staff's view)
    merged_from: int | None = None  # the ticket it was first written on, when a merge moved it
    # A staff reply's mail (staff's view): "queued", "sent" or "failed"; None: no mail.
    delivery: str | None = None
    delivery_reason: str = ""  # the SMTP server's last answer (why it failed, or is retried)
    held_until: datetime | None = None  # a staff reply not yet released to the client (undo send)


class ChargeView(NamedTuple):
    id: int
    amount_cents: int
    created_at: datetime


class HolderView(NamedTuple):
    kind: str  # "department" or "staff"
    name: str
    is_open: bool


class ServiceView(NamedTuple):
    id: int
    name: str
    kind: str
    domain: str | None


class TicketDetail(NamedTuple):
    id: int
    subject: str
    status: str
    client_email: str
    client_name: str
    department: str
    department_per_incident: bool
    responsible_staff: str | None
    service: ServiceView | None
    priority: int
    placed_first: bool
    locked_by: str | None
    locked_by_name: str | None
    locked_at: datetime | None
    lock_token: str | None  # only given to the lock's holder
    delayed_until: datetime | None
    archived_at: datetime | None
    favorite: bool
    summary: str | None  # None for clients
    incidents: int
    created_at: datetime
    updated_at: datetime
    split_from: int | None
    holders: tuple[HolderView, ...]
    messages: tuple[MessageView, ...]
    charges: tuple[ChargeView, ...]
    merged_into: int | None = None  # a merged ticket's stub: the ticket it went into
    due_times: DueTimes | None = None  # staff's view; None: no response targets

    @property
    def assigned_to(self) -> str:
        """The "Ticket information: The ticket is assigned to ..." line's names."""
        names = [h.name for h in self.holders if h.is_open]
        return ", ".join(names) if names else "nobody (closed in the admin area)"


class LockInfo(NamedTuple):
    ticket_id: int
    login: str
    token: str
    locked_at: datetime
    took_over_from: str | None


class ClientCard(NamedTuple):
    """The Information action: what staff may know about the ticket's client."""

    id: int
    email: str
    name: str
    registered_at: datetime
    internal_comment: str
    balance_cents: int
    incidents_left: int
    services: tuple[ServiceView, ...]


class DraftView(NamedTuple):
    ticket_id: int
    body: str
    internal_comment: str
    updated_at: datetime


class TemplateView(NamedTuple):
    id: int
    title: str
    body: str
    scope: str  # "all", "department: NAME" or "staff: LOGIN"


class NewAttachment(NamedTuple):
    """A file to attach, as the face read it."""

    name: str
    data: bytes
    content_type: str = "application/octet-stream"


class EventView(NamedTuple):
    id: int
    action: str
    who: str
    detail: str
    created_at: datetime


class MacroView(NamedTuple):
    id: int
    name: str
    template_id: int
    template: str  # the predefined reply's title
    body: str  # its text, variables unfilled
    close: bool
    delay_days: int | None
    assign_department: str | None
    assign_staff: str | None
    priority: str | None  # low, normal, high, urgent
    comment: str
    scope: str  # "all", "department: NAME" or "staff: LOGIN", as TemplateView's

    def actions(self) -> list[str]:
        """What it does besides sending its text, in the help desk's words."""
        out = []
        if self.priority:
            out.append(f"priority {self.priority}")
        if self.comment:
            out.append("internal comment")
        if self.delay_days:
            out.append(f"delay {self.delay_days} day{'s' if self.delay_days > 1 else ''}")
        if self.assign_department or self.assign_staff:
            out.append(f"assign to {self.assign_department or self.assign_staff}")
        out.append("close (Ok)" if self.close else "send")
        return out

    def json(self) -> dict:
        return {"id": self.id, "name": self.name, "template": self.template, "scope": self.scope,
                "close": self.close, "delay_days": self.delay_days,
                "assign_department": self.assign_department, "assign_staff": self.assign_staff,
                "priority": self.priority, "comment": self.comment}
