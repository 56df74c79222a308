"""The state machine's client actions: open, reply, archive, read a ticket, fetch an attachment."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule
from sqlalchemy import select

from store import service as sv
from store.errors import BadInput, NotAllowed, NotFound, NotVisible
from store.models import Attachment, Message
from tests.state_machine.base import TicketMachineBase, has_tickets
from tests.state_machine.checks import check
from tests.state_machine.help_desk import DEPARTMENTS, EMAILS, LOGINS
from tests.state_machine.model import MessageModel, TicketModel, sha, subject_ok
from tests.state_machine.strategies import ATTACHMENTS, MISSING_TICKET, PICK, SMART, SUBJECTS, TEXT


class ClientRules(TicketMachineBase):
    @precondition(lambda self: len(self.t) < 8)
    @rule(client=st.sampled_from(EMAILS), dept=st.sampled_from([*DEPARTMENTS, "Nowhere"]),
          subject=SUBJECTS, body=TEXT, files=ATTACHMENTS)
    def open_ticket(self, client, dept, subject, body, files):
        out = self.attempt("open_ticket", sv.open_ticket, self.desk.clients[client], dept, subject,
                           body, attachments=files)
        if not subject_ok(subject) or not body.strip() or "\x00" in body:
            expected = BadInput
        elif dept not in DEPARTMENTS:
            expected = NotFound
        else:
            expected = None
        self.expect("open_ticket", out, expected)
        if out.ok:
            self.recorded("open_ticket")
            tid, dept_id = out.value, self.desk.dept_ids[dept]
            self.t[tid] = TicketModel(client, subject.strip(), dept_id, holders={("dept", dept_id): True})
            with self.store.read() as s:
                ids = list(s.scalars(select(Message.id).where(Message.ticket_id == tid)))
            assert len(ids) == 1, f"a new ticket has one message, not {ids}"
            self.m[ids[0]] = MessageModel(tid, "client", body, sorted(f.data for f in files))

    @precondition(has_tickets)
    @rule(client=st.sampled_from(EMAILS), smart=SMART, i=PICK, body=TEXT, files=ATTACHMENTS)
    def client_reply(self, client, smart, i, body, files):
        tid = self.ticket(i)
        t = self.t[tid]
        client = t.client if smart else client
        out = self.attempt("client_reply", sv.client_reply, self.desk.clients[client], tid, body, files)
        if not body.strip():
            expected = BadInput
        elif t.client != client:
            expected = NotFound
        elif "\x00" in body:
            expected = BadInput
        else:
            expected = None
        self.expect("client_reply", out, expected)
        if out.ok:
            self.recorded("client_reply")
            self.m[out.value] = MessageModel(tid, "client", body, sorted(f.data for f in files))
            t.holders[("dept", t.department)] = True
            if t.responsible is not None:
                t.holders[("staff", t.responsible)] = True
            t.archived, t.delayed, t.unread = False, None, []

    @precondition(has_tickets)
    @rule(client=st.sampled_from(EMAILS), smart=SMART, i=PICK)
    def client_archive(self, client, smart, i):
        tid = self.ticket(i)
        t = self.t[tid]
        client = t.client if smart else client
        out = self.attempt("archive", sv.archive, self.desk.clients[client], tid)
        if t.client != client:
            expected = NotFound
        elif t.archived or t.is_open:  # archive on an open ("In progress") ticket is refused
            expected = NotAllowed
        else:
            expected = None
        self.expect("archive", out, expected)
        if out.ok:
            self.recorded("archive")
            t.archived, t.unread, t.delayed = True, [], None

    @precondition(has_tickets)
    @rule(client=st.sampled_from(EMAILS), smart=SMART, i=PICK, peek=st.booleans(), missing=st.booleans())
    def client_show(self, client, smart, i, peek, missing):
        tid = MISSING_TICKET if missing else self.ticket(i)
        t = self.t.get(tid)
        client = self.t[self.ticket(i)].client if smart else client
        fn = sv.peek if peek else sv.show
        out = self.attempt("client show", fn, self.desk.clients[client], tid)
        self.expect("client show", out, NotFound if t is None or t.client != client else None)
        if not out.ok:
            return
        d = out.value
        if not peek:
            t.unread = []
        kinds = {m.kind for m in d.messages}
        check("client-sees-no-internal", kinds <= {"client", "staff"},
              f"the client received messages of kinds {sorted(kinds)}")
        check("client-sees-no-internal", d.summary is None and d.holders == () and d.lock_token is None,
              "the client received a summary, holders or a lock token")
        want = sorted(mid for mid, m in self.m.items() if m.ticket == tid
                      and m.kind in ("client", "staff") and mid not in self.held)
        check("client-messages", [m.id for m in d.messages] == want,
              f"client sees messages {[m.id for m in d.messages]}, expected {want}")
        for mv in d.messages:
            model = self.m.get(mv.id)
            if model is not None:
                check("message-text", mv.body == model.body,
                      f"message #{mv.id} reads {mv.body!r}, sent {model.body!r}")
                check("attachment-bytes",
                      sorted(a.sha256 for a in mv.attachments) == sorted(map(sha, model.files)),
                      f"message #{mv.id} attachments differ")
        check("client-status", d.status == self.client_status_of(t),
              f"client status {d.status!r}, expected {self.client_status_of(t)!r}")

    @precondition(has_tickets)
    @rule(who=st.sampled_from(EMAILS + LOGINS), pick=PICK)
    def fetch_attachment(self, who, pick):
        with self.store.read() as s:
            rows = s.execute(select(Attachment.id, Attachment.message_id, Attachment.data)
                             .order_by(Attachment.id)).all()
        if not rows:
            return
        att_id, mid, data = rows[pick % len(rows)]
        msg = self.m[mid]
        t = self.t[msg.ticket]
        if who in self.desk.clients:
            actor = self.desk.clients[who]
            expected = NotFound if t.client != who or msg.kind not in ("client", "staff") else None
        else:
            actor = self.desk.staff[who]
            expected = None if self.sees(actor, t) else NotVisible
        out = self.attempt("attachment_data", sv.attachment_data, actor, att_id)
        self.expect("attachment_data", out, expected, "client-sees-no-internal")
        if out.ok:
            view, got = out.value
            check("attachment-bytes", got == data and view.sha256 == sha(data) and view.size == len(data),
                  f"attachment #{att_id} came back different")
