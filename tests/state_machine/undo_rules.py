"""The state machine's undo send (issue 20): a reply sent with a delay (held), its undo by a
random staff member, and the release once the delay is over (the time moved on by setting the
held replies' moment in the past, as the operator)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from store import admin
from store import service as sv
from store.errors import LockedByOther, NotAllowed, NotVisible
from store.service.rules import now
from tests.state_machine.base import TicketMachineBase, has_tickets
from tests.state_machine.checks import check
from tests.state_machine.help_desk import LOGINS
from tests.state_machine.model import MessageModel
from tests.state_machine.strategies import PICK, SMART, TEXT


@dataclass
class HeldModel:
    ticket: int  # where it was sent (a split may move the message, never this)
    author: int
    internal: int | None
    reopened: list  # the holders its Ok closed (keys of TicketModel.holders)
    locker: int | None  # the lock before the send
    token: str | None
    incidents: int


def _join(*texts: str) -> str:
    return "\n\n".join(t for t in texts if t)


class UndoRules(TicketMachineBase):
    @precondition(has_tickets)
    @rule(login=st.sampled_from(LOGINS), smart=SMART, i=PICK, body=TEXT,
          internal=st.sampled_from(["", "note to self"]), close=st.booleans(),
          then_undo=st.booleans())
    def held_reply(self, login, smart, i, body, internal, close, then_undo):
        """Send reply or Ok with send_delay_seconds on: the client sees nothing yet."""
        tid = self.ticket(i)
        actor = self.writer_for(tid, login, smart)
        t = self.t[tid]
        admin.set_setting(self.store, "send_delay_seconds", "10")
        self._snapshot = None  # (the setting is not the reply's change)
        try:
            out = self.attempt("held reply", sv.reply, actor, tid, body, internal=internal,
                               close=close, token=self.tokens.get((actor.id, tid)))
        finally:  # back to the default of the tests (0), leaving no row behind
            with self.store.sql(write=True) as q:
                q.run("DELETE FROM settings WHERE \"key\" = 'send_delay_seconds'")
        if not out.ok:
            return  # (the reply rule checks why; a refusal changed nothing, as attempt checks)
        check("lock", t.locker == actor.id, "a held reply succeeded without the lock")
        r = out.value
        self.recorded("held reply")
        if r.reply_id is None:  # a blank reply: only the internal comment (or Ok), never held
            check("held", r.held_until is None, "a send without a reply was held")
            if r.internal_id is not None:
                self.m[r.internal_id] = MessageModel(tid, "internal", internal, [])
            self.drafts.pop(("staff", actor.id, tid), None)
            if close:
                self.close_for(actor, t)
            return
        check("held", r.held_until is not None, "a reply sent with a delay was not held")
        used = 1 if self.desk.per_incident[t.department] else 0
        before = dict(t.holders)
        locker, token = t.locker, t.token
        self.m[r.reply_id] = MessageModel(tid, "staff", body, [])  # not unread: not released
        if r.internal_id is not None:
            self.m[r.internal_id] = MessageModel(tid, "internal", internal, [])
        self.incidents[t.client] += used
        self.drafts.pop(("staff", actor.id, tid), None)
        if close:
            self.close_for(actor, t)
        reopened = [k for k, was in before.items() if was and not t.holders.get(k)]
        self.held[r.reply_id] = HeldModel(tid, actor.id, r.internal_id, reopened, locker, token,
                                          used)
        if then_undo:  # at once, as the agent who saw the countdown
            self._undo(actor, tid)

    @precondition(has_tickets)
    @rule(login=st.sampled_from(LOGINS), smart=SMART, i=PICK)
    def undo_send(self, login, smart, i):
        tid = self.ticket(i)
        if smart and self.held:  # usually a ticket with a held reply
            tid = self.held[sorted(self.held)[i % len(self.held)]].ticket
        latest = self._latest_held(tid)
        actor = self.desk.staff[login]
        if smart and latest is not None:
            actor = self.desk.staff_by_id[self.held[latest].author]
        self._undo(actor, tid)

    def _latest_held(self, tid: int) -> int | None:
        mine = sorted(mid for mid, h in self.held.items()
                      if h.ticket == tid and self.m[mid].ticket == tid)
        return mine[-1] if mine else None

    def _undo(self, actor, tid: int) -> None:
        t = self.t[tid]
        latest = self._latest_held(tid)
        newer = latest is not None and any(
            mid > latest and mid != self.held[latest].internal
            for mid, ticket, _, _ in self._messages() if ticket == tid)
        out = self.attempt("undo send", sv.undo_send, actor, tid)
        if not self.sees(actor, t):
            expected = NotVisible
        elif latest is None or self.held[latest].author != actor.id or newer or t.archived:
            expected = NotAllowed
        elif t.locker not in (None, actor.id):
            expected = LockedByOther
        else:
            expected = None
        self.expect("undo send", out, expected, "undo-send")
        if not out.ok:
            return
        self.recorded("undo send")
        h = self.held.pop(latest)
        reply = self.m.pop(latest)
        internal = self.m.pop(h.internal).body if h.internal is not None else ""
        check("undo-send", (out.value.body, out.value.internal_comment) == (reply.body, internal),
              f"undo gave back {out.value!r}, sent {reply.body!r} / {internal!r}")
        for key in h.reopened:
            t.holders[key] = True
        if t.locker is None and h.locker == actor.id:
            t.locker, t.token = actor.id, h.token
            t.holders[("staff", actor.id)] = True
        self.incidents[t.client] -= h.incidents
        key = ("staff", actor.id, tid)
        typed = self.drafts.get(key, ("", ""))
        self.drafts[key] = (_join(reply.body, typed[0]), _join(internal, typed[1]))

    @precondition(lambda self: bool(self.held))
    @rule()
    def release_held(self):
        """The delay is over (the operator moves the held replies' moment into the past): the
        next process releases each reply once; the client's unread count goes up by one each."""
        with self.store.sql(write=True) as q:
            past = q.db_time(now() - timedelta(seconds=1))
            q.run("UPDATE messages SET held_until = :past WHERE held_until IS NOT NULL",
                  {"past": past})
        self._snapshot = None
        out = self.attempt("release", sv.release_due)
        self.expect("release", out, None, "release")
        check("release", out.value == len(self.held) + sum(
            1 for h in self.held.values() if h.internal is not None),
            f"released {out.value}, held were {sorted(self.held)}")
        for mid in sorted(self.held):
            self.t[self.m[mid].ticket].unread.append(mid)
        self.held.clear()
        self.recorded("release")
        again = self.attempt("release", sv.release_due)
        check("release", again.ok and again.value == 0, "a second release released again")
