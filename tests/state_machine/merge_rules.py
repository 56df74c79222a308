"""The state machine's merge (issue 20): one ticket into another, by its lock's holder or an
administrator (who confirms, or not, a merge of two clients' tickets). A merged ticket's stub
takes no further action, so the other rules pick among live tickets only (base.ticket)."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule
from sqlalchemy import select

from store import service as sv
from store.actors import StaffActor
from store.errors import NotAllowed, NotVisible
from store.models import Message
from tests.state_machine.base import TicketMachineBase
from tests.state_machine.checks import check
from tests.state_machine.help_desk import LOGINS
from tests.state_machine.model import TicketModel
from tests.state_machine.strategies import PICK, SMART


def two_live_tickets(machine: TicketMachineBase) -> bool:
    """Something to merge (the refusal of a ticket into itself still comes up: i == j)."""
    return sum(t.merged_into is None for t in machine.t.values()) >= 2


class MergeRules(TicketMachineBase):
    @precondition(two_live_tickets)
    @rule(login=st.sampled_from(LOGINS), smart=SMART, i=PICK, j=PICK, confirmed=st.booleans())
    def merge(self, login, smart, i, j, confirmed):
        source, target = self.ticket(i), self.ticket(j)
        if smart:  # likely to succeed: another live ticket of the same client
            same = [tid for tid, t in sorted(self.t.items()) if tid != source
                    and t.merged_into is None and t.client == self.t[source].client]
            target = same[j % len(same)] if same else target
        actor = self.writer_for(source, login, smart)
        if smart and not actor.is_admin and self.t[target].locker is None and not self.t[target].archived:
            self._take(actor, target, False)
        s, t = self.t[source], self.t[target]
        out = self.attempt("merge", sv.merge, actor, source, target, confirmed=confirmed)
        self.expect("merge", out, self._merge_refusal(actor, source, target, confirmed))
        if not out.ok:
            return
        self.recorded("merge")
        check("merge", out.value == target, f"merge returned {out.value}, not {target}")
        self._merge_done(s, t, source, target)

    def _merge_refusal(self, actor: StaffActor, source: int, target: int, confirmed: bool):
        s, t = self.t[source], self.t[target]
        if source == target:
            return NotAllowed
        if not (self.sees(actor, s) and self.sees(actor, t)):
            return NotVisible
        if t.archived:
            return NotAllowed
        if not actor.is_admin and (s.locker != actor.id or t.locker != actor.id):
            return NotAllowed
        if s.client != t.client and not (actor.is_admin and confirmed):
            return NotAllowed
        return None

    def _merge_done(self, s: TicketModel, t: TicketModel, source: int, target: int) -> None:
        for msg in self.m.values():
            if msg.ticket == source:
                msg.ticket = target
        for key, is_open in s.holders.items():
            t.holders[key] = t.holders.get(key, False) or is_open
            s.holders[key] = False
        # The unread count is a count: the target's unread replies are its latest ones.
        unread = len(t.unread) + len(s.unread)
        with self.store.read() as db:
            staff_ids = db.scalars(select(Message.id).where(
                Message.ticket_id == target, Message.kind == "staff").order_by(Message.id)).all()
        t.unread = list(staff_ids[len(staff_ids) - unread:]) if unread else []
        s.unread = []
        s.locker = s.token = None
        s.delayed = None
        s.merged_into = target
        for other in self.t.values():
            if other.merged_into == source:
                other.merged_into = target
        for staff_id, tid in list(self.favorites):
            if tid == source:
                self.favorites.discard((staff_id, tid))
                self.favorites.add((staff_id, target))
        for (kind, who, tid), draft in list(self.drafts.items()):
            if tid == source and (kind, who, target) not in self.drafts:
                del self.drafts[(kind, who, tid)]
                self.drafts[(kind, who, target)] = draft
