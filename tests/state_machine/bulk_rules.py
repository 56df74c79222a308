"""The state machine's bulk actions (issue 20): close, reply with Ok, take, assign, delay,
priority, favorite and unfavorite on a few tickets at once, run again now and then with the same
run id (which must change nothing)."""

from __future__ import annotations

import itertools
from datetime import timedelta

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule
from sqlalchemy import select

from store import admin
from store import service as sv
from store.actors import StaffActor
from store.clock import utcnow
from store.errors import BadInput
from store.models import Message, Ticket
from store.status import PRIORITIES, parse_priority
from tests.state_machine.base import TicketMachineBase, has_tickets
from tests.state_machine.checks import check
from tests.state_machine.help_desk import DEPARTMENTS, LOGINS
from tests.state_machine.model import MessageModel, TicketModel
from tests.state_machine.strategies import PICK
from tests.state_machine.tables import snapshot

BULK_REPLY = "Fixed for everyone: the mail server is back."
_RUNS = itertools.count(1)  # a new run id for each step: a repeated one would do nothing


class BulkRules(TicketMachineBase):
    @precondition(has_tickets)
    @rule(login=st.sampled_from(LOGINS), picks=st.lists(PICK, min_size=1, max_size=4),
          action=st.sampled_from(("close", "reply", "favorite", "unfavorite", "take", "assign",
                                  "delay", "priority")),
          again=st.booleans(), assignee=st.sampled_from([*DEPARTMENTS, *LOGINS]),
          days=st.integers(0, 400), level=st.sampled_from(sorted(PRIORITIES.values())), use_priority=st.booleans())
    def bulk(self, login, picks, action, again, assignee, days, level, use_priority):
        actor = self.desk.staff[login]
        tids = list(dict.fromkeys(self.ticket(i) for i in picks))
        todo = self._action(action, assignee, days, level)
        if action == "priority":
            admin.set_setting(self.store, "use_priority", str(use_priority).lower())
            self._snapshot = None  # the step's "before" is after the administrator's change
        run_id = f"sm-{next(_RUNS)}"
        out = self.attempt(f"bulk {action}", sv.run_bulk, actor, sv.Selection.of_ids(tids), todo,
                           run_id=run_id)
        refusals = [self._refusal(actor, self.t[tid], action) for tid in tids]
        # priorities off: the first ticket the lock was taken for refuses the whole run
        off = action == "priority" and not use_priority and None in refusals
        self.expect("bulk", out, BadInput if off else None)
        if not out.ok:
            return
        result = out.value
        refused = {r.id: (r.kind, r.holder) for r in result.refused}
        for tid, want in zip(tids, refusals):
            got = refused.get(tid)
            check("bulk", got == want, f"bulk {action} of #{tid} by {login}: {got}, expected {want}")
            if want is None:
                self._done(actor, tid, todo)
        if result.done:
            self.recorded("bulk")
        if again:
            before = snapshot(self.store)
            second = sv.run_bulk(self.store, actor, sv.Selection.of_ids(tids), todo, run_id=run_id)
            check("bulk-again", snapshot(self.store) == before and second.earlier == len(result.done),
                  f"bulk {action} run again with its run id changed something")

    @staticmethod
    def _action(action: str, assignee: str, days: int, level: str) -> sv.BulkAction:
        if action == "reply":
            return sv.BulkAction(action, body=BULK_REPLY, close=True)
        if action == "assign":
            to_department = assignee in DEPARTMENTS
            return sv.BulkAction(action, department=assignee if to_department else None,
                                 staff=None if to_department else assignee)
        if action == "delay":
            return sv.BulkAction(action, until=utcnow() + timedelta(days=days, minutes=5))
        if action == "priority":
            return sv.BulkAction(action, priority=level)
        return sv.BulkAction(action)

    def _refusal(self, actor: StaffActor, t: TicketModel, action: str) -> tuple[str, str | None] | None:
        """The kind of refusal the rules give (and the lock's holder), in the order they check."""
        locked = t.locker not in (None, actor.id)
        if not self.sees(actor, t):
            return "not visible", None
        if action in ("favorite", "unfavorite"):
            return None
        if action in ("delay", "assign") and t.archived:  # nothing to delay or assign there
            return "refused", None
        if action == "delay":
            return None
        if locked:  # assign, and the actions that need the lock (no take-over in bulk)
            return "locked", self.desk.staff_by_id[t.locker].login
        if t.archived:
            return "refused", None
        return None

    def _bulk_take(self, actor: StaffActor, t: TicketModel, tid: int, *, released: bool) -> None:
        """A free ticket taken, as "Assign ticket to me": the lock (with a new token, unless the
        action released it again), responsible staff member and open holder."""
        if t.locker == actor.id:
            return
        t.responsible = actor.id
        t.holders[("staff", actor.id)] = True
        if released:
            return
        with self.store.read() as s:
            token = s.scalar(select(Ticket.lock_token).where(Ticket.id == tid))
        check("lock", token is not None and token != t.token, f"#{tid}: the bulk take gave no new token")
        t.locker, t.token = actor.id, token
        self.tokens[(actor.id, tid)] = token

    def _done(self, actor: StaffActor, tid: int, todo: sv.BulkAction) -> None:
        t, action = self.t[tid], todo.name
        if action == "assign":
            key = (("dept", self.desk.dept_ids[todo.department]) if todo.department
                   else ("staff", self.desk.staff[todo.staff].id))
            if todo.department:
                t.department = key[1]
            else:
                t.responsible = key[1]
            t.holders[key] = True
            t.holders[("staff", actor.id)] = True
            return
        if action == "delay":
            t.delayed = todo.until
            return
        if action == "priority":  # a free ticket is taken for the change only: the lock goes back
            self._bulk_take(actor, t, tid, released=True)
            t.priority = parse_priority(todo.priority)
            return
        if action == "favorite":
            self.favorites.add((actor.id, tid))
            return
        if action == "unfavorite":
            self.favorites.discard((actor.id, tid))
            return
        self._bulk_take(actor, t, tid, released=action != "take")  # close and reply release it
        if action == "take":
            return
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
