"""The state machine's writes under the lock: take, reply, close, unlock, edit a message, split,
save the parameters."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from store import service as sv
from store.actors import StaffActor
from store.errors import BadInput, LockedByOther, NotAllowed, NotFound, NotVisible
from tests.state_machine.base import TicketMachineBase, has_tickets
from tests.state_machine.checks import check
from tests.state_machine.help_desk import LOGINS
from tests.state_machine.model import MessageModel, TicketModel, subject_ok
from tests.state_machine.strategies import (
    ATTACHMENTS, CHARGE_KEYS, CHARGES, MAYBE_TEXT, OFTEN_EMPTY, PICK, SMART, SUBJECTS, TEXT, TOKENS,
)


class LockRules(TicketMachineBase):
    @precondition(has_tickets)
    @rule(login=st.sampled_from(LOGINS), smart=SMART, i=PICK, force=st.booleans())
    def take(self, login, smart, i, force):
        tid = self.ticket(i)
        self._take(self.staff_for(tid, login, smart, prefer_locker=False), tid, force)

    def _take(self, actor: StaffActor, tid: int, force: bool) -> None:
        t = self.t[tid]
        out = self.attempt("take", sv.take, actor, tid, force=force)
        if not self.sees(actor, t):
            expected = NotVisible
        elif t.archived:
            expected = NotAllowed
        elif t.locker is None or t.locker == actor.id:
            expected = None
        elif not force:
            expected = LockedByOther  # a second staff without force is refused
        elif not self.may_take_over(actor, t):
            expected = NotAllowed
        else:
            expected = None
        self.expect("take", out, expected, "lock")
        if not out.ok:
            return
        info = out.value
        if t.locker == actor.id:
            check("lock", info.token == t.token, "taking a ticket you hold returns the same token")
        else:
            previous = self.desk.staff_by_id[t.locker].login if t.locker else None
            check("lock", info.took_over_from == previous,
                  f"took over from {info.took_over_from}, not {previous}")
            if previous is not None:
                note = self.last_system(tid) or ""
                check("takeover-message", actor.name in note and self.desk.staff[previous].name in note,
                      f"a take-over posts a system message naming both staff members, not {note!r}")
            t.locker, t.token, t.responsible = actor.id, info.token, actor.id
            t.holders[("staff", actor.id)] = True
            self.recorded("take")
        self.tokens[(actor.id, tid)] = info.token

    @precondition(has_tickets)
    @rule(login=st.sampled_from(LOGINS), smart=SMART, i=PICK, body=MAYBE_TEXT, internal=OFTEN_EMPTY,
          close=st.booleans(), files=ATTACHMENTS, charge=CHARGE_KEYS,
          incidents=st.sampled_from([None, None, 0, 2]), token=TOKENS)
    def reply(self, login, smart, i, body, internal, close, files, charge, incidents, token):
        """A reply by a random staff member: only the lock's holder (with the current token) may."""
        tid = self.ticket(i)
        actor = self.writer_for(tid, login, smart)
        t = self.t[tid]
        tok = self.token_for(actor, tid, token)
        out = self.attempt("reply", sv.reply, actor, tid, body, internal=internal, close=close,
                           attachments=files, charge=charge, incidents=incidents, token=tok)
        has_reply, has_internal = bool(body.strip()), bool(internal.strip())
        if not (has_reply or has_internal or files or close):
            expected = BadInput
        elif files and not (has_reply or has_internal):
            expected = BadInput
        elif charge is not None and CHARGES[charge] is None:
            expected = BadInput
        elif not self.sees(actor, t):
            expected = NotVisible
        elif self.lock_refusal(actor, t, tok):
            expected = self.lock_refusal(actor, t, tok)
        elif "\x00" in body or "\x00" in internal:
            expected = BadInput
        elif incidents is not None and not self.desk.per_incident[t.department]:
            expected = BadInput
        else:
            expected = None
        self.expect("reply", out, expected, "lock")
        if not out.ok:
            if isinstance(out.error, LockedByOther) and t.locker not in (None, actor.id):
                holder = self.desk.staff_by_id[t.locker]
                check("lock-message", holder.login in str(out.error) and " since " in str(out.error),
                      f"a refusal names who holds the lock and since when: {out.error}")
            return
        check("lock", t.locker == actor.id and (tok is None or tok == t.token),
              "a reply succeeded without its writer holding the lock")
        r = out.value
        self.recorded("reply")
        data = sorted(f.data for f in files)
        if has_reply:
            self.m[r.reply_id] = MessageModel(tid, "staff", body, data)
            t.unread.append(r.reply_id)
            if self.desk.per_incident[t.department]:
                self.incidents[t.client] += 1 if incidents is None else incidents
        else:
            check("reply", r.reply_id is None, "a blank reply posted a message")
        if has_internal:
            self.m[r.internal_id] = MessageModel(tid, "internal", internal, [] if has_reply else data)
        else:
            check("reply", r.internal_id is None, "a blank internal comment posted a message")
        if charge is not None:
            self.charged[t.client] += CHARGES[charge]
        self.drafts.pop(("staff", actor.id, tid), None)
        if close:
            self.close_for(actor, t)

    @precondition(has_tickets)
    @rule(login=st.sampled_from(LOGINS), smart=SMART, i=PICK, token=TOKENS)
    def close(self, login, smart, i, token):
        tid = self.ticket(i)
        actor = self.writer_for(tid, login, smart)
        t = self.t[tid]
        tok = self.token_for(actor, tid, token)
        out = self.attempt("close", sv.close, actor, tid, token=tok)
        expected = NotVisible if not self.sees(actor, t) else self.lock_refusal(actor, t, tok)
        self.expect("close", out, expected, "lock")
        if out.ok:
            self.recorded("close")
            self.close_for(actor, t)

    @precondition(has_tickets)
    @rule(login=st.sampled_from(LOGINS), smart=SMART, i=PICK)
    def unlock(self, login, smart, i):
        tid = self.ticket(i)
        actor = self.staff_for(tid, login, smart)
        t = self.t[tid]
        out = self.attempt("unlock", sv.unlock, actor, tid)
        if not self.sees(actor, t):
            expected = NotVisible
        elif t.locker is None or (not actor.is_admin and t.locker != actor.id):
            expected = NotAllowed
        else:
            expected = None
        self.expect("unlock", out, expected, "lock")
        if out.ok:
            self.recorded("unlock")
            t.locker = t.token = None

    @precondition(has_tickets)
    @rule(login=st.sampled_from(LOGINS), smart=SMART, pick=PICK, body=TEXT, token=TOKENS)
    def edit_message(self, login, smart, pick, body, token):
        rows = [r for r in self._messages() if self.t[r.ticket_id].merged_into is None]
        mid, tid, kind, old = rows[pick % len(rows)]
        actor = self.writer_for(tid, login, smart)
        t = self.t[tid]
        tok = self.token_for(actor, tid, token)
        out = self.attempt("edit_message", sv.edit_message, actor, mid, body, token=tok)
        if not body.strip():
            expected = BadInput
        elif not self.sees(actor, t):
            expected = NotVisible
        elif self.lock_refusal(actor, t, tok):
            expected = self.lock_refusal(actor, t, tok)
        elif kind == "system":
            expected = NotAllowed
        elif "\x00" in body:
            expected = BadInput
        else:
            expected = None
        self.expect("edit_message", out, expected, "lock")
        if out.ok and body != old:
            self.recorded("edit_message")
            self.m[mid].edits.append(old)
            self.m[mid].body = body

    @precondition(has_tickets)
    @rule(login=st.sampled_from(LOGINS), smart=SMART, i=PICK, pick=PICK, foreign=st.booleans(), token=TOKENS)
    def split(self, login, smart, i, pick, foreign, token):
        tid = self.ticket(i)
        actor = self.writer_for(tid, login, smart)
        t = self.t[tid]
        rows = self._messages()
        mine = [r.id for r in rows if r.ticket_id == tid]
        others = [r.id for r in rows if r.ticket_id != tid]
        pool = others if foreign and others else mine
        mid = pool[pick % len(pool)]
        tok = self.token_for(actor, tid, token)
        out = self.attempt("split", sv.split, actor, tid, mid, token=tok)
        if not self.sees(actor, t):
            expected = NotVisible
        elif self.lock_refusal(actor, t, tok):
            expected = self.lock_refusal(actor, t, tok)
        elif mid not in mine:
            expected = NotFound
        elif mid == mine[0]:
            expected = BadInput
        else:
            expected = None
        self.expect("split", out, expected, "lock")
        if not out.ok:
            return
        new = out.value
        self.recorded("split")
        check("split", new not in self.t, f"split reused ticket id {new}")
        old_note, new_note = self.last_system(tid) or "", self.last_system(new) or ""
        check("split", f"#{new}" in old_note and f"#{tid}" in new_note,
              f"both tickets name the other: {old_note!r} / {new_note!r}")
        # The new ticket is open in the responsible department, and for the one who split it (who
        # may not be in that department and must not lose sight of the messages they moved).
        self.t[new] = TicketModel(t.client, t.subject, t.department,
                                  holders={("dept", t.department): True, ("staff", actor.id): True},
                                  unread=[u for u in t.unread if u >= mid], priority=t.priority)
        t.unread = [u for u in t.unread if u < mid]
        for msg_id, msg in self.m.items():
            if msg.ticket == tid and msg_id >= mid:
                msg.ticket = new

    @precondition(has_tickets)
    @rule(login=st.sampled_from(LOGINS), smart=SMART, i=PICK, subject=st.none() | SUBJECTS,
          placed_first=st.none() | st.booleans(), token=TOKENS)
    def save_parameters(self, login, smart, i, subject, placed_first, token):
        tid = self.ticket(i)
        actor = self.writer_for(tid, login, smart)
        t = self.t[tid]
        tok = self.token_for(actor, tid, token)
        out = self.attempt("save_parameters", sv.save_parameters, actor, tid, subject=subject,
                           placed_first=placed_first, token=tok)
        if subject is not None and not subject_ok(subject):
            expected = BadInput
        elif not self.sees(actor, t):
            expected = NotVisible
        else:
            expected = self.lock_refusal(actor, t, tok)
        self.expect("save_parameters", out, expected, "lock")
        if out.ok:
            changed = subject is not None and subject.strip() != t.subject
            check("save-parameters", ("subject" in out.value) == changed, f"changed {out.value}")
            if out.value:
                self.recorded("save_parameters")
            if subject is not None:
                t.subject = subject.strip()
