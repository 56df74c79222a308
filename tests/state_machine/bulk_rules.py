"""The state machine's bulk actions (issue 20): close, reply with Ok, favorite and unfavorite on a
few tickets at once, run again now and then with the same run id (which must change nothing)."""

from __future__ import annotations

import itertools

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule
from sqlalchemy import select

from store import service as sv
from store.actors import StaffActor
from store.models import Message
from tests.state_machine.base import TicketMachineBase, has_tickets
from tests.state_machine.checks import check
from tests.state_machine.help_desk import LOGINS
from tests.state_machine.model import MessageModel, TicketModel
from tests.state_machine.strategies import PICK
from tests.state_machine.tables import snapshot

BULK_REPLY = "Fixed for everyone: the mail server is back."
_RUNS = itertools.count(1)  # a new run id for each step: a repeated one would do nothing


class BulkRules(TicketMachineBase):
    @precondition(has_tickets)
    @rule(login=st.sampled_from(LOGINS), picks=st.lists(PICK, min_size=1, max_size=4),
          action=st.sampled_from(("close", "reply", "favorite", "unfavorite")), again=st.booleans())
    def bulk(self, login, picks, action, again):
        actor = self.desk.staff[login]
        tids = list(dict.fromkeys(self.ticket(i) for i in picks))
        todo = sv.BulkAction(action, body=BULK_REPLY, close=True) if action == "reply" else (
            sv.BulkAction(action))
        run_id = f"sm-{next(_RUNS)}"
        out = self.attempt("bulk", sv.run_bulk, actor, sv.Selection.of_ids(tids), todo, run_id=run_id)
        self.expect("bulk", out, None)
        result = out.value
        refused = {r.id: (r.kind, r.holder) for r in result.refused}
        for tid in tids:
            want = self._refusal(actor, self.t[tid], action)
            got = refused.get(tid)
            check("bulk", got == want, f"bulk {action} of #{tid} by {login}: {got}, expected {want}")
            if want is None:
                self._done(actor, tid, action)
        if result.done:
            self.recorded("bulk")
        if again:
            before = snapshot(self.store)
            second = sv.run_bulk(self.store, actor, sv.Selection.of_ids(tids), todo, run_id=run_id)
            check("bulk-again", snapshot(self.store) == before and second.earlier == len(result.done),
                  f"bulk {action} run again with its run id changed something")

    def _refusal(self, actor: StaffActor, t: TicketModel, action: str) -> tuple[str, str | None] | None:
        if not self.sees(actor, t):
            return "not visible", None
        if action in ("favorite", "unfavorite"):
            return None
        if t.locker not in (None, actor.id):
            return "locked", self.desk.staff_by_id[t.locker].login
        if t.archived:
            return "refused", None
        return None

    def _done(self, actor: StaffActor, tid: int, action: str) -> None:
        t = self.t[tid]
        if action == "favorite":
            self.favorites.add((actor.id, tid))
            return
        if action == "unfavorite":
            self.favorites.discard((actor.id, tid))
            return
        if t.locker is None:  # taken first, as "Assign ticket to me"
            t.locker, t.responsible = actor.id, actor.id
            t.holders[("staff", actor.id)] = True
        if action == "reply":
            with self.store.read() as s:
                mid = s.scalar(select(Message.id).where(
                    Message.ticket_id == tid, Message.kind == "staff", Message.body == BULK_REPLY,
                    Message.author_staff_id == actor.id).order_by(Message.id.desc()).limit(1))
            check("bulk", mid is not None and mid not in self.m, f"#{tid}: the bulk reply is missing")
            self.m[mid] = MessageModel(tid, "staff", BULK_REPLY, [])
            t.unread.append(mid)
            if self.desk.per_incident[t.department]:
                self.incidents[t.client] += 1
            self.drafts.pop(("staff", actor.id, tid), None)
        self.close_for(actor, t)
