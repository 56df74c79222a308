"""The state machine's reply with a macro (issue 20): everyone's macro "Fixed" (help_desk.py)
sends its reply with {ticket.id} filled in and an internal comment, then closes (Ok), in one
transaction under the lock; refused whole where a reply would be."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from store import service as sv
from store.errors import NotVisible
from tests.state_machine.base import TicketMachineBase, has_tickets
from tests.state_machine.help_desk import LOGINS, MACRO, MACRO_NOTE, macro_reply
from tests.state_machine.model import MessageModel
from tests.state_machine.strategies import PICK, SMART, TOKENS


class MacroRules(TicketMachineBase):
    @precondition(has_tickets)
    @rule(login=st.sampled_from(LOGINS), smart=SMART, i=PICK, token=TOKENS)
    def reply_with_macro(self, login, smart, i, token):
        tid = self.ticket(i)
        actor = self.writer_for(tid, login, smart)
        t = self.t[tid]
        tok = self.token_for(actor, tid, token)
        out = self.attempt("macro", sv.apply_macro, actor, tid, MACRO, token=tok)
        expected = NotVisible if not self.sees(actor, t) else self.lock_refusal(actor, t, tok)
        self.expect("macro", out, expected, "lock")
        if not out.ok:
            return
        r = out.value
        self.recorded("macro")
        self.m[r.reply_id] = MessageModel(tid, "staff", macro_reply(tid), [])
        t.unread.append(r.reply_id)
        if self.desk.per_incident[t.department]:
            self.incidents[t.client] += 1
        self.m[r.internal_id] = MessageModel(tid, "internal", MACRO_NOTE, [])
        self.drafts.pop(("staff", actor.id, tid), None)
        self.close_for(actor, t)
