"""Tickets as JSON objects (the public format of interface.md) and as plain text lines."""

from __future__ import annotations

from datetime import datetime, timezone

from store.mail.marks import reply_state
from store.safe_text import printable
from store.status import PRIORITIES
from store.clock import utcnow
from store.views import DueTimes, MessageView, TicketDetail, TicketRow


def iso(t: datetime | None) -> str | None:
    return None if t is None else t.astimezone(timezone.utc).isoformat()


def row_json(r: TicketRow) -> dict:
    return {
        "id": r.id, "subject": r.subject, "client": r.client_email, "department": r.department,
        "status": r.status, "locked_by": r.locked_by, "priority": PRIORITIES[r.priority],
        "delayed_until": iso(r.delayed_until), "favorite": r.favorite, "updated_at": iso(r.updated_at),
        "locked_at": iso(r.locked_at), "placed_first": r.placed_first, "new": r.new_since_seen,
        "waiting_since": iso(r.waiting_since) if r.awaiting_staff else None,
        "archived": r.archived, "merged_into": r.merged_into, **due_json(r.due_times),
    }


def due_json(times: DueTimes | None) -> dict:
    """A ticket's response targets (docs/sla.md); nulls and not overdue without any."""
    if times is None:
        return {"first_response_due": None, "first_response_met": None,
                "next_response_due": None, "resolution_due": None, "overdue": False}
    return {"first_response_due": iso(times.first_response_due),
            "first_response_met": times.first_response_met,
            "next_response_due": iso(times.next_response_due),
            "resolution_due": iso(times.resolution_due),
            "overdue": times.overdue(utcnow())}


def message_json(m: MessageView, delivery=None) -> dict:
    """delivery: the message's mail (store.mail.outbox.Delivery), for staff."""
    out = {
        "id": m.id, "kind": m.kind, "author": m.author, "body": m.body,
        "created_at": iso(m.created_at), "edited_at": iso(m.edited_at),
        "attachments": [
            {"id": a.id, "name": a.name, "content_type": a.content_type, "size": a.size,
             "sha256": a.sha256} for a in m.attachments
        ],
    }
    if m.channel is not None:
        out["channel"] = m.channel
    if m.mail is not None:
        out["mail"] = {"from": m.mail.sender, "to": m.mail.to, "cc": m.mail.cc}
    if m.merged_from is not None:
        out["merged_from"] = m.merged_from
    if delivery is not None:  # interface.md: `delivery` is the state; the rest beside it
        out.update({"delivery": reply_state(delivery.state, m.held_until is not None), "delivery_reason": delivery.reason or None,
                    "delivery_attempts": delivery.attempts, "delivery_sent_at": iso(delivery.sent_at),
                    "outbox_id": delivery.outbox_id})
    if m.held_until is not None:  # staff only: a client never reads a held reply
        out["held_until"] = iso(m.held_until)
    return out


def detail_json(d: TicketDetail, *, staff: bool, deliveries: dict | None = None) -> dict:
    out = {
        "id": d.id, "subject": d.subject, "client": d.client_email, "department": d.department,
        "status": d.status, "locked_by": d.locked_by, "priority": PRIORITIES[d.priority],
        "delayed_until": iso(d.delayed_until), "favorite": d.favorite, "updated_at": iso(d.updated_at),
        "created_at": iso(d.created_at), "archived_at": iso(d.archived_at),
        "service": None if d.service is None else {
            "id": d.service.id, "name": d.service.name, "kind": d.service.kind, "domain": d.service.domain},
        "charges": [{"id": c.id, "amount": f"{c.amount_cents / 100:.2f}", "created_at": iso(c.created_at)}
                    for c in d.charges],
        "messages": [message_json(m, (deliveries or {}).get(m.id)) for m in d.messages],
        "merged_into": d.merged_into, **due_json(d.due_times),
    }
    if staff:
        out.update({
            "locked_at": iso(d.locked_at), "summary": d.summary, "responsible": d.responsible_staff,
            "placed_first": d.placed_first, "incidents": d.incidents, "split_from": d.split_from,
            "holders": [{"kind": h.kind, "name": h.name, "open": h.is_open} for h in d.holders],
        })
    return out


def _clip(text: str, width: int) -> str:
    text = printable(text, one_line=True)
    return text if len(text) <= width else text[: width - 1] + "…"


def row_line(r: TicketRow) -> str:
    lock = f"🔒{r.locked_by}" if r.locked_by else ""
    marks = ("★" if r.favorite else " ") + ("•" if r.new_since_seen else " ")
    return (f"{r.id:>7} {marks} {_clip(lock, 12):<12} {PRIORITIES[r.priority]:<6} "
            f"{_clip(r.status, 29):<29} {_clip(r.subject, 40):<40} {_clip(r.client_email, 28):<28} "
            f"{_clip(r.department, 18)}")


def detail_text(d: TicketDetail, *, staff: bool) -> str:
    lines = [f"Ticket #{d.id}: {printable(d.subject, one_line=True)}",
             f"Status: {d.status}",
             f"Client: {printable(d.client_name, one_line=True)} <{d.client_email}>",
             f"Department: {printable(d.department, one_line=True)}"]
    if d.service:
        lines.append(f"Service: {printable(d.service.name, one_line=True)}"
                     + (f" ({d.service.domain})" if d.service.domain else ""))
    if staff:
        lines.append(f"Ticket information: The ticket is assigned to {printable(d.assigned_to, one_line=True)}.")
        if d.locked_by:
            lines.append(f"Locked by {d.locked_by} since {iso(d.locked_at)}")
        if d.summary:
            lines.append(f"Summary: {printable(d.summary)}")
    if d.delayed_until:
        lines.append(f"Delayed until {iso(d.delayed_until)}")
    for c in d.charges:
        lines.append(f"Charge: {c.amount_cents / 100:.2f} on {iso(c.created_at)}")
    for m in d.messages:
        label = {"client": "Client", "staff": "Staff", "internal": "Internal comment",
                 "system": "System"}[m.kind]
        lines += ["", f"--- #{m.id} {label} · {printable(m.author_name, one_line=True)} · "
                      f"{iso(m.created_at)}{' (edited)' if m.edited_at else ''}"
                      f"{f' (held until {iso(m.held_until)})' if m.held_until else ''}",
                  printable(m.body)]
        lines += [f"[attachment #{a.id}: {printable(a.name, one_line=True)}, {a.size} bytes]"
                  for a in m.attachments]
    return "\n".join(lines)
