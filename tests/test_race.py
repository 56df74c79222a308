"""Many processes take the same ticket at once, on SQLite and on PostgreSQL: one winner, always.

Rule (domain.md, "The lock"): taking the lock is one atomic compare-and-set in the database,
one winner always, across processes. Eight worker processes (spawned once per test, each with
its own Store on the same URL) meet at a barrier every round and call service.take on the same
fresh ticket. A worker reports "won", "refused" (LockedByOther) or any other exception, which
fails the test: on SQLite that includes SQLITE_BUSY / "database is locked".
"""

from __future__ import annotations

import multiprocessing as mp
import queue
from collections import Counter

import pytest
from sqlalchemy import func, select

from store import admin
from store import service as sv
from store.actors import client_actor
from store.db import Store
from store.models import Holder, Message, Staff, Ticket, TicketEvent

N = 8  # takers per round
ROUNDS = 10  # plain rounds per database
FORCE_ROUNDS = 2  # rounds where everyone takes with --force
DEPARTMENT = "Technical support"
CLIENT = "race@example.com"
LOGINS = [f"agent{i}" for i in range(N)]
WAIT = 60  # seconds: barrier and result time-outs, far above what a round takes


def _worker(url: str, login: str, barrier, tasks, results) -> None:
    """One taker: its own Store and actor; per task, meet the others at the barrier, then take."""
    from store import service
    from store.actors import staff_actor
    from store.db import Store
    from store.errors import LockedByOther

    store = Store.open(url, migrate=False)
    try:
        actor = staff_actor(store, login)
        results.put((login, None, "ready", ""))
        while (task := tasks.get()) is not None:
            ticket_id, force = task
            try:
                barrier.wait(timeout=WAIT)
                service.take(store, actor, ticket_id, force=force)
                outcome, detail = "won", ""
            except LockedByOther as exc:
                outcome, detail = "refused", str(exc)
            except BaseException as exc:  # noqa: BLE001 - every other error is reported
                outcome, detail = "error", f"{type(exc).__name__}: {exc}"
            results.put((login, ticket_id, outcome, detail))
    finally:
        store.close()


class Takers:
    """N spawned processes that take one ticket together each round."""

    def __init__(self, url: str, logins: list[str]) -> None:
        ctx = mp.get_context("spawn")
        self.logins = logins
        self.barrier = ctx.Barrier(len(logins))
        self.results = ctx.Queue()
        self.tasks = {login: ctx.Queue() for login in logins}
        self.procs = [ctx.Process(target=_worker, args=(url, login, self.barrier, self.tasks[login],
                                                        self.results), daemon=True)
                      for login in logins]
        for p in self.procs:
            p.start()
        ready = self._collect()
        assert all(outcome == "ready" for _, _, outcome, _ in ready), ready

    def _collect(self) -> list[tuple]:
        out = []
        for _ in self.logins:
            try:
                out.append(self.results.get(timeout=WAIT))
            except queue.Empty:
                pytest.fail(f"a taker did not answer within {WAIT}s; got only {out}")
        return out

    def round(self, ticket_id: int, *, force: bool = False) -> dict[str, tuple[str, str]]:
        for login in self.logins:
            self.tasks[login].put((ticket_id, force))
        got = self._collect()
        assert {t for _, t, _, _ in got} == {ticket_id}
        return {login: (outcome, detail) for login, _, outcome, detail in got}

    def stop(self) -> None:
        for login in self.logins:
            self.tasks[login].put(None)
        for p in self.procs:
            p.join(timeout=WAIT)
            if p.is_alive():
                p.kill()


@pytest.fixture
def desk(db_url: str):
    """A department, N staff members in it, a client; yields (store, the client, staff ids)."""
    store = Store.open(db_url)
    admin.add_department(store, DEPARTMENT)
    for i, login in enumerate(LOGINS):
        admin.add_staff(store, login, f"Agent {i}", [DEPARTMENT])
    admin.add_client(store, CLIENT, "Race Client")
    with store.read() as s:
        ids = {login: id_ for login, id_ in s.execute(select(Staff.login, Staff.id))}
    yield store, client_actor(store, CLIENT), ids
    store.close()


@pytest.fixture
def takers(desk, db_url: str):
    t = Takers(db_url, LOGINS)
    yield t
    t.stop()


def no_errors(outcomes: dict[str, tuple[str, str]]) -> None:
    errors = {login: detail for login, (outcome, detail) in outcomes.items() if outcome == "error"}
    assert not errors, f"takers failed with errors other than LockedByOther: {errors}"


def lock_state(store: Store, ticket_id: int) -> tuple[int | None, list[int], list[tuple[int, bool]], int]:
    """(locked_by_id, staff ids of the 'take' events in order, staff holders, take-over messages)."""
    with store.read() as s:
        locked_by = s.scalar(select(Ticket.locked_by_id).where(Ticket.id == ticket_id))
        takes = list(s.scalars(select(TicketEvent.staff_id).where(
            TicketEvent.ticket_id == ticket_id, TicketEvent.action == "take").order_by(TicketEvent.id)))
        holders = s.execute(select(Holder.staff_id, Holder.is_open).where(
            Holder.ticket_id == ticket_id, Holder.staff_id.is_not(None)).order_by(Holder.id)).all()
        takeovers = s.scalar(select(func.count()).select_from(Message).where(
            Message.ticket_id == ticket_id, Message.kind == "system",
            Message.body.like("The ticket was taken over by %")))
    return locked_by, takes, [tuple(h) for h in holders], takeovers


def plain_round(store: Store, client, ids: dict[str, int], takers: Takers, r: int) -> None:
    """Nobody forces: exactly one winner; the others are told who holds the lock."""
    tid = sv.open_ticket(store, client, DEPARTMENT, f"Race {r}", "Who takes this one?")
    outcomes = takers.round(tid)
    no_errors(outcomes)
    winners = [login for login, (outcome, _) in outcomes.items() if outcome == "won"]
    assert len(winners) == 1, f"round {r}: winners {winners}"
    winner = winners[0]
    for login, (outcome, detail) in outcomes.items():
        if outcome == "refused":
            assert f"is locked by {winner} (" in detail, detail
    locked_by, takes, holders, takeovers = lock_state(store, tid)
    assert locked_by == ids[winner]
    assert takes == [ids[winner]]
    assert holders == [(ids[winner], True)]
    assert takeovers == 0


def forced_round(store: Store, client, ids: dict[str, int], takers: Takers, r: int) -> None:
    """Everyone forces (all are members of the holding department, so all may take over): the
    lock ends with one holder, the last taker, and there is one 'take' event per success."""
    tid = sv.open_ticket(store, client, DEPARTMENT, f"Force {r}", "Everybody wants it.")
    outcomes = takers.round(tid, force=True)
    no_errors(outcomes)
    succeeded = [login for login, (outcome, _) in outcomes.items() if outcome == "won"]
    assert succeeded, f"round {r}: nobody took the ticket: {outcomes}"
    locked_by, takes, holders, takeovers = lock_state(store, tid)
    assert Counter(takes) == Counter(ids[login] for login in succeeded)
    assert locked_by is not None and locked_by == takes[-1]
    assert takeovers == len(succeeded) - 1  # every take after the first took it over
    assert sorted(h for h, _ in holders) == sorted(ids[login] for login in succeeded)
    assert all(is_open for _, is_open in holders)


def test_many_processes_taking_one_ticket_at_once_have_exactly_one_winner(desk, takers: Takers) -> None:
    store, client, ids = desk
    for r in range(ROUNDS):
        plain_round(store, client, ids, takers, r)
    for r in range(FORCE_ROUNDS):
        forced_round(store, client, ids, takers, r)
