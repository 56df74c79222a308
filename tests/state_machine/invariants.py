"""The state machine's invariant: after every step the whole database agrees with the model."""

from __future__ import annotations

import re

from hypothesis.stateful import invariant

from store import service as sv
from store.models import (
    AbuseCase, Attachment, Charge, Client, Draft, Favorite, Holder, Message, MessageEdit, Ticket,
)
from tests.state_machine.base import TicketMachineBase
from tests.state_machine.checks import check
from tests.state_machine.model import sha
from tests.state_machine.tables import snapshot

_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f/\\]")


class Invariants(TicketMachineBase):
    @invariant()
    def database_agrees(self) -> None:
        snap = self._snapshot = snapshot(self.store)
        if self._recorded:
            check("history", len(snap["ticket_events"]) > self._events_before,
                  f"{self._recorded} succeeded but recorded no ticket event")
            self._recorded = None
        tickets = {t.id: t for t in snap[Ticket.__tablename__]}
        holders = snap[Holder.__tablename__]
        messages = snap[Message.__tablename__]
        atts = snap[Attachment.__tablename__]
        edits = snap[MessageEdit.__tablename__]  # in id order
        clients = {c.id: c for c in snap[Client.__tablename__]}
        charges = snap[Charge.__tablename__]
        drafts = snap[Draft.__tablename__]
        favorites = {(f.staff_id, f.ticket_id) for f in snap[Favorite.__tablename__]}
        abuse = snap[AbuseCase.__tablename__]

        check("tickets", set(tickets) == set(self.t), f"tickets {sorted(tickets)}, expected {sorted(self.t)}")
        by_ticket: dict[int, dict] = {tid: {} for tid in tickets}
        for h in holders:
            key = ("dept", h.department_id) if h.department_id is not None else ("staff", h.staff_id)
            by_ticket[h.ticket_id][key] = h.is_open
        for tid, row in tickets.items():
            t = self.t[tid]
            hs = by_ticket[tid]
            any_open = any(hs.values())
            check("is-open", row.is_open == any_open, f"#{tid}: is_open={row.is_open} but holders {hs}")
            check("holders", hs == t.holders, f"#{tid}: holders {hs}, expected {t.holders}")
            archived = row.archived_at is not None
            check("archived", archived == t.archived, f"#{tid}: archived={archived}, expected {t.archived}")
            check("archived-no-open-holder", not archived or not any_open,
                  f"#{tid} is archived with open holders")
            check("archived-no-delay", not archived or row.delayed_until is None,
                  f"#{tid} is archived and delayed")
            check("lock", (row.locked_by_id, row.lock_token) == (t.locker, t.token),
                  f"#{tid}: locked by {row.locked_by_id}/{row.lock_token}, expected {t.locker}/{t.token}")
            check("lock", (row.locked_by_id is None) == (row.lock_token is None) == (row.locked_at is None),
                  f"#{tid}: half a lock")
            check("lock", row.locked_by_id is None or hs.get(("staff", row.locked_by_id)) is True,
                  f"#{tid}: the lock's holder is not an open holder")
            check("priority", row.priority == t.priority,
                  f"#{tid}: priority {row.priority}, expected {t.priority}")
            check("delay", row.delayed_until == t.delayed,
                  f"#{tid}: delayed {row.delayed_until}, expected {t.delayed}")
            check("responsible", (row.department_id, row.responsible_staff_id) == (t.department, t.responsible),
                  f"#{tid}: responsible {(row.department_id, row.responsible_staff_id)}, "
                  f"expected {(t.department, t.responsible)}")
            check("client-unread", row.client_unread == len(t.unread),
                  f"#{tid}: client_unread={row.client_unread}, but the unread staff replies are {t.unread}")
            check("summary", (row.summary, row.subject) == (t.summary, t.subject),
                  f"#{tid}: summary/subject {(row.summary, row.subject)!r}, "
                  f"expected {(t.summary, t.subject)!r}")
            check("ticket-client", self.desk.client_by_id[row.client_id].email == t.client, f"#{tid}: client")
            check("merged", row.merged_into_id == t.merged_into,
                  f"#{tid}: merged into {row.merged_into_id}, expected {t.merged_into}")
            check("merged", row.merged_into_id is None or not (any_open or row.locked_by_id
                                                                or row.client_unread),
                  f"#{tid}: a merged ticket's stub is open, locked or unread")

        # messages and attachments: exactly what was sent (and edited), wherever a split moved them
        db_msgs = {m.id: m for m in messages}
        for mid, model in self.m.items():
            row = db_msgs.get(mid)
            check("message-text", row is not None, f"message #{mid} is gone")
            if row is None:
                continue
            check("message-text", (row.ticket_id, row.kind, row.body) == (model.ticket, model.kind, model.body),
                  f"message #{mid} is {(row.ticket_id, row.kind, row.body)!r}, "
                  f"expected {(model.ticket, model.kind, model.body)!r}")
            check("message-text", self.t[row.ticket_id].merged_into is None or row.kind == "system",
                  f"message #{mid} stayed on a merged ticket's stub #{row.ticket_id}")
        for mid, row in db_msgs.items():
            if mid not in self.m:
                check("message-text", row.kind == "system" and row.author_staff_id is None
                      and row.author_client_id is None, f"message #{mid} ({row.kind}) was never sent")
        files: dict[int, list[bytes]] = {}
        for a in atts:
            files.setdefault(a.message_id, []).append(a.data)
            check("attachment-bytes", a.size == len(a.data) and a.sha256 == sha(a.data),
                  f"attachment of message #{a.message_id}: size/sha don't match its bytes")
            check("attachment-name", 0 < len(a.name) <= 255 and not _UNSAFE_NAME.search(a.name)
                  and a.name not in (".", ".."), f"unsafe attachment name {a.name!r}")
        for mid, model in self.m.items():
            check("attachment-bytes", sorted(files.get(mid, [])) == model.files,
                  f"message #{mid}: attachments differ from what was sent")
        check("attachment-bytes", set(files) <= set(self.m), "attachments on messages never sent")
        db_edits: dict[int, list[str]] = {}
        for e in edits:
            db_edits.setdefault(e.message_id, []).append(e.previous_body)
        want_edits = {mid: m.edits for mid, m in self.m.items() if m.edits}
        check("message-history", db_edits == want_edits, f"edit history {db_edits}, expected {want_edits}")

        # money and incidents
        for cid, c in clients.items():
            email = c.email
            total = sum(ch.amount_cents for ch in charges if ch.client_id == cid)
            check("charges", total == self.charged[email] and c.balance_cents == -total,
                  f"{email}: charges {total}, balance {c.balance_cents}, expected {self.charged[email]}")
            used = sum(tickets[tid].incidents for tid in tickets if self.t[tid].client == email)
            check("incidents", c.incidents_left == -self.incidents[email] and used == self.incidents[email],
                  f"{email}: incidents left {c.incidents_left}, used on tickets {used}, "
                  f"expected {self.incidents[email]}")
        for a in abuse:
            check("abuse", self.desk.client_by_id[a.client_id].email == self.t[a.ticket_id].client,
                  "an abuse case names the ticket's client")

        got_drafts = {(("staff", d.staff_id) if d.staff_id else ("client", d.client_id)) + (d.ticket_id,):
                      (d.body, d.internal_comment) for d in drafts}
        check("drafts", got_drafts == self.drafts, f"drafts {got_drafts}, expected {self.drafts}")
        check("favorites", favorites == self.favorites, f"favorites {favorites}, expected {self.favorites}")

        # Statuses and visibility, through the service's own lists. Each staff member's "all" list
        # depends on the holders only, the statuses on archived/open/unread: the lists are checked
        # whenever what they depend on changed (not after the steps that left it as it was).
        held = sorted((h.ticket_id, h.department_id or 0, h.staff_id or 0) for h in holders)
        if self._listed.get("staff") != held:
            self._listed["staff"] = held
            self._check_staff_lists(tickets, by_ticket)
        statuses = sorted((t.id, t.client_id, t.archived_at is None, t.is_open, t.client_unread,
                           t.locked_by_id or 0, tuple(sorted(by_ticket[t.id].items())), t.merged_into_id or 0)
                          for t in tickets.values())
        if self._listed.get("statuses") != statuses:
            self._listed["statuses"] = statuses
            self._check_admin_list(tickets, by_ticket)
            self._check_client_lists(tickets, by_ticket)

    def _check_admin_list(self, tickets, by_ticket) -> None:
        rows = sv.list_tickets(self.store, self.desk.staff["root"], sv.ListSpec("all"), limit=500)
        check("visibility", sorted(r.id for r in rows) == sorted(tickets),
              "the administrator sees every ticket")
        keys = [(r.updated_at, r.id) for r in rows]
        check("lists", keys == sorted(keys, reverse=True), "All tickets: newest activity first")
        for r in rows:
            row = tickets[r.id]
            open_ = any(by_ticket[r.id].values())
            want = (f"Merged into #{row.merged_into_id}" if row.merged_into_id is not None
                    else "In archive" if row.archived_at is not None else "In progress" if open_
                    else "Awaiting response from client")
            check("admin-status", r.status == want, f"#{r.id} is {r.status!r} for the admin, expected {want!r}")
            locker = self.desk.staff_by_id[row.locked_by_id].login if row.locked_by_id else None
            check("lock", r.locked_by == locker, f"#{r.id} is listed as locked by {r.locked_by}, not {locker}")

    def _check_staff_lists(self, tickets, by_ticket) -> None:
        for login, actor in self.desk.staff.items():
            if actor.is_admin:
                continue
            want_ids = sorted(tid for tid in tickets if any(
                (k == "staff" and i == actor.id) or (k == "dept" and i in actor.department_ids)
                for k, i in by_ticket[tid]))
            got = sorted(r.id for r in sv.list_tickets(self.store, actor, sv.ListSpec("all"), limit=500))
            check("visibility", got == want_ids, f"{login} sees {got}, expected {want_ids}")

    def _check_client_lists(self, tickets, by_ticket) -> None:
        for email, actor in self.desk.clients.items():
            active = sv.list_tickets(self.store, actor, sv.ListSpec("queue"), limit=500)
            archived = sv.list_tickets(self.store, actor, sv.ListSpec("archive"), limit=500)
            # a merged ticket's stub is left out: the client sees the ticket it went into
            mine = [tid for tid, row in tickets.items()
                    if row.client_id == actor.id and row.merged_into_id is None]
            check("client-lists", sorted(r.id for r in active) == sorted(
                tid for tid in mine if tickets[tid].archived_at is None), f"{email}'s active tickets")
            check("client-lists", sorted(r.id for r in archived) == sorted(
                tid for tid in mine if tickets[tid].archived_at is not None), f"{email}'s archive")
            for r in [*active, *archived]:
                row = tickets[r.id]
                open_ = any(by_ticket[r.id].values())
                want = ("In archive" if row.archived_at is not None else "New messages" if row.client_unread > 0
                        else "In progress" if open_ else "Reviewed")
                check("client-status", r.status == want,
                      f"#{r.id} is {r.status!r} for the client, expected {want!r}")
