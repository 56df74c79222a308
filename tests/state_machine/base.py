"""The state machine's state, and the helpers its rules share: running a service call, checking
its outcome, picking tickets and actors, and what the model says of locks and statuses."""

from __future__ import annotations

import os

from hypothesis.stateful import RuleBasedStateMachine
from sqlalchemy import select

from store.actors import StaffActor
from store.errors import LockedByOther, NotAllowed, NotFound, NotVisible, StoreError
from store.models import Message
from store.status import admin_status, client_status, merged_status
from tests.state_machine.checks import STATS, check
from tests.state_machine.help_desk import EMAILS, LOGINS, Desk
from tests.state_machine.model import MessageModel, Outcome, TicketModel
from tests.state_machine.strategies import STALE_TOKEN
from tests.state_machine.tables import diff, snapshot


class TicketMachineBase(RuleBasedStateMachine):
    """What every part of the machine shares. The rules are in the parts that subclass it
    (tests/state_machine/machine.py puts them together); writer_for takes a ticket with
    LockRules._take, as a staff member would before a write."""

    ENV = None  # set by machine_for()

    def __init__(self) -> None:
        super().__init__()
        self.store, self._cleanup = self.ENV.new_store()
        self.desk: Desk = self.ENV.desk
        self.t: dict[int, TicketModel] = {}
        self.m: dict[int, MessageModel] = {}
        self.tokens: dict[tuple[int, int], str] = {}  # (staff id, ticket) -> last token taken
        self.drafts: dict[tuple[str, int, int], tuple[str, str]] = {}
        self.favorites: set[tuple[int, int]] = set()
        self.held: dict = {}  # message id -> undo_rules.HeldModel: replies not yet released
        self.charged = {e: 0 for e in EMAILS}
        self.incidents = {e: 0 for e in EMAILS}
        self._snapshot: dict | None = None
        self._events_before = 0
        self._recorded: str | None = None  # an action that must have written a ticket event
        self._listed: dict[str, object] = {}  # what the last list checks saw (skipped when unchanged)

    def teardown(self) -> None:
        self._cleanup()

    # --- helpers ---------------------------------------------------------------------------------
    def attempt(self, what: str, fn, *args, **kwargs) -> Outcome:
        """Runs a service call; a refusal must leave every table exactly as it was."""
        # the invariant's snapshot is the state before this step's call (rules only read before it)
        before, self._snapshot = self._snapshot or snapshot(self.store), None
        if not self._recorded:  # (a take made by writer_for in the same step is still pending)
            self._events_before = len(before["ticket_events"])
        try:
            value = fn(self.store, *args, **kwargs)
        except StoreError as exc:
            after = snapshot(self.store)
            check("refusal-writes-nothing", before == after,
                  f"{what} was refused ({type(exc).__name__}: {exc}) but changed: {diff(before, after)}")
            detail = f" {str(exc)[:60]}" if os.environ.get("TICKET_TUI_SM_STATS") == "2" else ""
            STATS[f"{what}: {type(exc).__name__}{detail}"] += 1
            return Outcome(False, error=exc)
        STATS[f"{what}: ok"] += 1
        return Outcome(True, value)

    def expect(self, what: str, out: Outcome, expected, name: str = "outcome") -> None:
        if expected is None:
            check(name, out.ok, f"{what}: expected success, got {type(out.error).__name__}: {out.error}")
            return
        expected = expected if isinstance(expected, tuple) else (expected,)
        if NotVisible in expected and self.store.dialect == "postgresql":
            # a person's own login role doesn't even find it (tests/personal.py)
            expected += (NotFound,)
        names = "/".join(e.__name__ for e in expected)
        check(name, not out.ok, f"{what}: expected {names}, but it succeeded")
        if not out.ok:
            check(name, isinstance(out.error, expected),
                  f"{what}: expected {names}, got {type(out.error).__name__}: {out.error}")

    def recorded(self, what: str) -> None:
        """Every action is recorded as a ticket event: checked by the next invariant."""
        self._recorded = what

    def ticket(self, i: int) -> int:
        """A live ticket: a merged ticket's stub refuses everything (tests/test_merge.py)."""
        ids = sorted(tid for tid, t in self.t.items() if t.merged_into is None)
        return ids[i % len(ids)]

    def staff_for(self, tid: int, login: str, smart: bool, *, prefer_locker: bool = True) -> StaffActor:
        """The drawn staff member, or (smart) one likely to succeed: the lock's holder when the
        ticket is locked, else someone who sees it."""
        if not smart:
            return self.desk.staff[login]
        t = self.t[tid]
        if t.locker is not None and prefer_locker:
            return self.desk.staff_by_id[t.locker]
        seeing = [a for a in self.desk.staff.values() if self.sees(a, t)]
        return seeing[LOGINS.index(login) % len(seeing)]

    def writer_for(self, tid: int, login: str, smart: bool) -> StaffActor:
        """For the actions that need the lock: smart picks take an unlocked ticket first, as the
        form does ("Assign ticket to me", then reply)."""
        t = self.t[tid]
        if smart and t.locker is None and not t.archived:
            self._take(self.staff_for(tid, login, True), tid, False)
        return self.staff_for(tid, login, smart)

    def sees(self, actor: StaffActor, t: TicketModel) -> bool:
        if actor.is_admin:
            return True
        return any((k == "staff" and i == actor.id) or (k == "dept" and i in actor.department_ids)
                   for k, i in t.holders)

    def may_take_over(self, actor: StaffActor, t: TicketModel) -> bool:
        return actor.is_admin or any(k == "dept" and i in actor.department_ids for k, i in t.holders)

    def token_for(self, actor: StaffActor, tid: int, kind: str) -> str | None:
        if kind == "none":
            return None
        if kind == "stale":
            return STALE_TOKEN
        return self.tokens.get((actor.id, tid))

    def lock_refusal(self, actor: StaffActor, t: TicketModel, token: str | None):
        if t.locker != actor.id:
            return LockedByOther if t.locker is not None else NotAllowed
        if token is not None and token != t.token:
            return LockedByOther
        return None

    def close_for(self, actor: StaffActor, t: TicketModel) -> None:
        for key in t.holders:
            kind, ident = key
            mine = key == ("staff", actor.id) or (kind == "dept" and ident in actor.department_ids)
            if actor.is_admin or mine:
                t.holders[key] = False
        t.locker = t.token = None

    def admin_status_of(self, t: TicketModel) -> str:
        if t.merged_into is not None:
            return merged_status(t.merged_into)
        return admin_status(t.archived, t.is_open)

    def client_status_of(self, t: TicketModel) -> str:
        return client_status(t.archived, t.is_open, len(t.unread))

    def holder_name(self, key: tuple[str, int]) -> str:
        kind, ident = key
        return self.desk.dept_names[ident] if kind == "dept" else self.desk.staff_by_id[ident].name

    def last_system(self, tid: int) -> str | None:
        with self.store.read() as s:
            return s.scalar(select(Message.body).where(Message.ticket_id == tid, Message.kind == "system")
                            .order_by(Message.id.desc()).limit(1))

    def _messages(self):
        with self.store.read() as s:
            return s.execute(select(Message.id, Message.ticket_id, Message.kind, Message.body)
                             .order_by(Message.id)).all()


def has_tickets(machine: TicketMachineBase) -> bool:
    """The precondition of every rule that acts on a ticket already opened."""
    return bool(machine.t)
