"""The state machine's staff actions that need no lock: read a ticket, assign, delay, favorite,
drafts, summary and abuse."""

from __future__ import annotations

from datetime import timedelta, timezone

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule
from sqlalchemy import select

from store import service as sv
from store.clock import utcnow
from store.errors import BadInput, LockedByOther, NotAllowed, NotFound, NotVisible
from store.models import Message
from tests.state_machine.base import TicketMachineBase, has_tickets
from tests.state_machine.checks import IGNORED, check
from tests.state_machine.help_desk import DEPARTMENTS, EMAILS, LOGINS
from tests.state_machine.strategies import MAYBE_TEXT, MISSING_TICKET, PICK, SMART, TEXT


class StaffRules(TicketMachineBase):
    @precondition(has_tickets)
    @rule(login=st.sampled_from(LOGINS), smart=SMART, i=PICK, peek=st.booleans(), missing=st.booleans())
    def staff_show(self, login, smart, i, peek, missing):
        tid = MISSING_TICKET if missing else self.ticket(i)
        actor = self.staff_for(self.ticket(i), login, smart)
        t = self.t.get(tid)
        out = self.attempt("staff show", sv.peek if peek else sv.show, actor, tid)
        self.expect("staff show", out, NotFound if t is None else None if self.sees(actor, t) else NotVisible,
                    "visibility")
        if not out.ok:
            return
        d = out.value
        check("admin-status", d.status == self.admin_status_of(t),
              f"staff status {d.status!r}, expected {self.admin_status_of(t)!r}")
        got = sorted((h.kind, h.name, h.is_open) for h in d.holders)
        want = sorted(("department" if key[0] == "dept" else "staff", self.holder_name(key), o)
                      for key, o in t.holders.items())
        check("holders", got == want, f"holders {got}, expected {want}")
        locker = self.desk.staff_by_id[t.locker].login if t.locker else None
        check("lock", d.locked_by == locker, f"locked by {d.locked_by}, expected {locker}")
        check("lock", d.lock_token == (t.token if t.locker == actor.id else None),
              "the lock token is given to its holder only")
        check("summary", d.summary == t.summary, f"summary {d.summary!r}, expected {t.summary!r}")
        with self.store.read() as s:
            ids = list(s.scalars(select(Message.id).where(Message.ticket_id == tid).order_by(Message.id)))
        check("staff-messages", [m.id for m in d.messages] == ids, "staff see every message of the ticket")
        for mv in d.messages:
            model = self.m.get(mv.id)
            if model is not None:
                check("message-text", mv.body == model.body and mv.kind == model.kind,
                      f"message #{mv.id} reads {mv.body!r} ({mv.kind}), sent {model.body!r} ({model.kind})")

    @precondition(has_tickets)
    @rule(login=st.sampled_from(LOGINS), smart=SMART, i=PICK, to_dept=st.booleans(),
          dept=st.sampled_from([*DEPARTMENTS, "Nowhere"]), member=st.sampled_from([*LOGINS, "nobody"]))
    def assign(self, login, smart, i, to_dept, dept, member):
        tid = self.ticket(i)
        actor = self.staff_for(tid, login, smart)
        t = self.t[tid]
        kwargs = {"department": dept} if to_dept else {"staff": member}
        out = self.attempt("assign", sv.assign, actor, tid, **kwargs)
        if not self.sees(actor, t):
            expected = NotVisible
        elif t.archived:
            expected = NotAllowed
        elif t.locker not in (None, actor.id):
            expected = LockedByOther
        elif (to_dept and dept not in DEPARTMENTS) or (not to_dept and member not in LOGINS):
            expected = NotFound
        else:
            expected = None
        self.expect("assign", out, expected)
        if not out.ok:
            return
        if to_dept:
            key = ("dept", self.desk.dept_ids[dept])
            t.department = key[1]
        else:
            key = ("staff", self.desk.staff[member].id)
            t.responsible = key[1]
        t.holders[key] = True
        self.recorded("assign")
        t.holders[("staff", actor.id)] = True
        check("assign", out.value == f'The ticket has been assigned to "{self.holder_name(key)}"'
              == self.last_system(tid), f"assign said {out.value!r}, posted {self.last_system(tid)!r}")

    @precondition(has_tickets)
    @rule(login=st.sampled_from(LOGINS), smart=SMART, i=PICK,
          kind=st.sampled_from(["none", "future", "future", "past", "naive"]),
          days=st.integers(0, 400), tz_hours=st.integers(-12, 14))
    def delay(self, login, smart, i, kind, days, tz_hours):
        tid = self.ticket(i)
        actor = self.staff_for(tid, login, smart)
        t = self.t[tid]
        until = {
            "none": None,
            "future": (utcnow() + timedelta(days=days, minutes=5)).astimezone(
                timezone(timedelta(hours=tz_hours))),
            "past": utcnow() - timedelta(days=days, minutes=5),
            "naive": (utcnow() + timedelta(days=days, minutes=5)).replace(tzinfo=None),
        }[kind]
        out = self.attempt("delay", sv.delay, actor, tid, until)
        if kind in ("past", "naive"):
            expected = BadInput
        elif not self.sees(actor, t):
            expected = NotVisible
        elif t.archived and until is not None:
            expected = (BadInput, NotAllowed)  # nothing to delay in the archive
        else:
            expected = None
        self.expect("delay", out, expected)
        if out.ok:
            self.recorded("delay")
            t.delayed = until
            if until is not None:
                history = sv.history(self.store, actor, tid)
                shown = until.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
                check("delay-history-utc", history[-1].action == "delay" and history[-1].detail == shown,
                      f"the history says the delay ends {history[-1].detail!r}; it ends {shown!r}")

    @precondition(has_tickets)
    @rule(login=st.sampled_from(LOGINS), smart=SMART, i=PICK, favorite=st.booleans())
    def set_favorite(self, login, smart, i, favorite):
        tid = self.ticket(i)
        actor = self.staff_for(tid, login, smart)
        out = self.attempt("set_favorite", sv.set_favorite, actor, tid, favorite)
        self.expect("set_favorite", out, None if self.sees(actor, self.t[tid]) else NotVisible, "visibility")
        if out.ok:
            (self.favorites.add if favorite else self.favorites.discard)((actor.id, tid))

    @precondition(has_tickets)
    @rule(who=st.sampled_from(LOGINS + EMAILS), i=PICK, body=MAYBE_TEXT, internal=MAYBE_TEXT)
    def save_draft(self, who, i, body, internal):
        tid = self.ticket(i)
        t = self.t[tid]
        if who in self.desk.staff:
            actor = self.desk.staff[who]
            key = ("staff", actor.id, tid)
            refusal = None if self.sees(actor, t) else NotVisible
        else:
            actor = self.desk.clients[who]
            internal = ""  # a client's draft has no internal comment
            key = ("client", actor.id, tid)
            refusal = None if t.client == who else NotFound
        out = self.attempt("save_draft", sv.save_draft, actor, tid, body, internal)
        expected = refusal or (BadInput if "\x00" in body + internal else None)
        self.expect("save_draft", out, expected)
        if out.ok:
            if not body and not internal:
                self.drafts.pop(key, None)
            else:
                self.drafts[key] = (body, internal)

    @precondition(has_tickets)
    @rule(login=st.sampled_from(LOGINS), smart=SMART, i=PICK, text=TEXT)
    def set_summary(self, login, smart, i, text):
        tid = self.ticket(i)
        actor = self.staff_for(tid, login, smart)
        if "nul-refused" in IGNORED:  # PostgreSQL crashes on it: keep hunting past that bug
            text = text.replace("\x00", "")
        out = self.attempt("set_summary", sv.set_summary, actor, tid, text)
        if "\x00" in text:  # the input is checked before the ticket is even read
            expected = BadInput
        elif not self.sees(actor, self.t[tid]):
            expected = NotVisible
        else:
            expected = None
        self.expect("set_summary", out, expected, "nul-refused" if "\x00" in text else "outcome")
        if out.ok:
            self.recorded("set_summary")
            self.t[tid].summary = text.strip()

    @precondition(has_tickets)
    @rule(login=st.sampled_from(LOGINS), smart=SMART, i=PICK, kind=st.sampled_from(["spam", "phishing", " "]),
          text=TEXT)
    def register_abuse(self, login, smart, i, kind, text):
        tid = self.ticket(i)
        actor = self.staff_for(tid, login, smart)
        if "nul-refused" in IGNORED:  # PostgreSQL crashes on it: keep hunting past that bug
            text = text.replace("\x00", "")
        out = self.attempt("register_abuse", sv.register_abuse, actor, tid, kind, text)
        if not kind.strip() or not text.strip() or "\x00" in text:  # input checked first
            expected = BadInput
        elif not self.sees(actor, self.t[tid]):
            expected = NotVisible
        else:
            expected = None
        self.expect("register_abuse", out, expected, "nul-refused" if "\x00" in text else "outcome")
        if out.ok:
            self.recorded("register_abuse")
            self.t[tid].abuse += 1
