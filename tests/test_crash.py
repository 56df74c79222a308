"""Crashes: a process writing replies is SIGKILLed at random moments, many times; after each kill
the store is intact, every reply is whole or absent, nothing committed is lost, and a draft
survives once save_draft has returned.

The writing processes are forked from a "zygote" that has imported the store once, so a round
costs a fork instead of a Python start-up: the test makes many kills in a few seconds. The child
logs each commit (one fsynced line written after the call returned); the parent checks the
database against that log and against what each reply must contain (all derived from its
number, so any partial write shows).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from store import admin
from store import service as sv
from store.db import Store
from store.models import (
    Attachment, Charge, Client, Draft, Holder, Message, Ticket, TicketEvent,
)
from store.views import NewAttachment
from tests.desk import make_desk

ROOT = Path(__file__).resolve().parent.parent
WAIT = 60  # seconds: time-outs far above what a round takes, only to never hang
ROUNDS = {"sqlite": 30, "postgresql": 15}
CHARGE_BASE = 100_000  # a reply's charge is CHARGE_BASE + its number, in cents: unique


# --- what reply number i contains: the child writes it, the parent checks it ---------------
def reply_body(i: int) -> str:
    return f"reply {i}: " + "línea ✓ 日本 " * (i * 37 % 400) + f"end {i}"


def internal_body(i: int) -> str | None:
    return f"internal {i}: checked the logs" if i % 4 == 1 else None


def attachments_of(i: int) -> list[tuple[str, bytes]]:
    if i % 3:
        return []
    out = []
    for k in range(1 + i % 2):
        size = (i * 7919 + k * 104729) % 65_536 if (i + k) % 7 else 0  # now and then an empty file
        out.append((f"file-{i}-{k}.bin", random.Random(i * 10 + k).randbytes(size)))
    return out


def charge_cents(i: int) -> int | None:
    return CHARGE_BASE + i if i % 5 == 2 else None


def draft_body(i: int) -> str:
    return f"draft {i}: " + "typing… " * (i % 100)


# --- the child: replies and drafts in a loop until it is killed -----------------------------
def child(job: dict) -> None:
    from store.actors import staff_actor

    log = os.open(job["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def note(line: str) -> None:
        os.write(log, (line + "\n").encode())
        os.fsync(log)

    store = Store.open(job["url"])
    alice = staff_actor(store, "alice")
    note("ready")
    i = job["start"]
    while True:
        sv.save_draft(store, alice, job["draft_ticket"], draft_body(i))
        note(f"D {i}")
        cents = charge_cents(i)
        result = sv.reply(
            store, alice, job["reply_ticket"], reply_body(i), internal=internal_body(i) or "",
            attachments=[NewAttachment(n, d, "application/octet-stream") for n, d in attachments_of(i)],
            charge=None if cents is None else f"{cents // 100}.{cents % 100:02d}",
        )
        note(f"R {i} {result.reply_id}")
        i += 1


def zygote() -> None:
    """Reads one job per line on stdin, forks a child for it, answers its pid, then how it ended."""
    import alembic.command  # noqa: F401 - imported once here, not in every child
    import alembic.runtime.migration  # noqa: F401
    import alembic.script  # noqa: F401
    import psycopg  # noqa: F401

    for line in sys.stdin:
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                devnull = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1):
                    os.dup2(devnull, fd)
                child(job)
            except BaseException:  # noqa: BLE001 - reported to the parent through the file
                Path(job["log"] + ".err").write_text(traceback.format_exc())
                code = 3
            os._exit(code)
        print(json.dumps({"pid": pid}), flush=True)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"status": status}), flush=True)


# --- the parent ---------------------------------------------------------------------------
@dataclass
class Ledger:
    """What the children logged, over all rounds."""

    committed: dict[int, int] = field(default_factory=dict)  # reply number -> message id
    draft: int | None = None  # the number of the draft on record


def read_log(path: Path) -> list[str]:
    if not path.exists():
        return []
    data = path.read_text()
    return data.splitlines()[: data.count("\n")]  # whole lines only


class Zygote:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from tests.test_crash import zygote; zygote()"],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )

    def answer(self) -> dict:
        line = self.proc.stdout.readline()
        assert line, f"the zygote ended (exit code {self.proc.wait(WAIT)})"
        return json.loads(line)

    def stop(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(WAIT)


def wait_for_line(path: Path, pid: int) -> None:
    deadline = time.monotonic() + WAIT
    while "ready" not in read_log(path):
        if time.monotonic() > deadline:
            pytest.fail(f"the writer {pid} did not start within {WAIT}s")
        err = Path(str(path) + ".err")
        if err.exists():
            pytest.fail(f"the writer failed:\n{err.read_text()}")
        time.sleep(0.005)


def one_round(zyg: Zygote, job: dict, rng: random.Random, early: bool) -> list[str]:
    zyg.proc.stdin.write(json.dumps(job) + "\n")
    zyg.proc.stdin.flush()
    pid = zyg.answer()["pid"]
    log = Path(job["log"])
    if early:  # now and then, while it is still opening the store
        time.sleep(rng.uniform(0, 0.15))
    else:
        wait_for_line(log, pid)
        time.sleep(rng.uniform(0, 0.4))
    os.kill(pid, signal.SIGKILL)
    status = zyg.answer()["status"]
    err = Path(job["log"] + ".err")
    assert not err.exists(), f"the writer failed before it was killed:\n{err.read_text()}"
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status
    return read_log(log)


def check_sqlite_file(url: str) -> None:
    import sqlite3

    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()


def check_invariants(store: Store, desk, start: dict, tids: tuple[int, int]) -> dict[int, int]:
    """domain.md's invariants; returns the replies found (number -> message id), each whole."""
    reply_tid, draft_tid = tids
    with store.read() as s:
        # statuses agree with holders
        for t in s.scalars(select(Ticket)):
            open_holders = s.scalar(select(func.count()).select_from(Holder).where(
                Holder.ticket_id == t.id, Holder.is_open))
            assert t.is_open == (open_holders > 0), f"ticket #{t.id}: is_open disagrees with holders"
        # no message without its ticket, no attachment without its message, no orphan charge
        assert s.scalar(select(func.count()).select_from(Message).outerjoin(
            Ticket, Ticket.id == Message.ticket_id).where(Ticket.id.is_(None))) == 0
        assert s.scalar(select(func.count()).select_from(Attachment).outerjoin(
            Message, Message.id == Attachment.message_id).where(Message.id.is_(None))) == 0
        assert s.scalar(select(func.count()).select_from(Charge).outerjoin(
            Ticket, Ticket.id == Charge.ticket_id).where(Ticket.id.is_(None))) == 0
        # every attachment's checksum and size match its bytes
        attachments: dict[int, list[tuple[str, bytes]]] = {}
        for a in s.scalars(select(Attachment).order_by(Attachment.id)):
            assert a.sha256 == hashlib.sha256(a.data).hexdigest() and a.size == len(a.data), a.name
            attachments.setdefault(a.message_id, []).append((a.name, a.data))
        # charges match the balance; incidents used match the incidents left
        john = s.scalar(select(Client).where(Client.email == "john@example.com"))
        charged = s.scalar(select(func.coalesce(func.sum(Charge.amount_cents), 0)))
        assert john.balance_cents == start["balance"] - charged
        used = s.scalar(select(func.sum(Ticket.incidents)).where(Ticket.client_id == john.id))
        assert john.incidents_left == start["incidents_left"] - used

        staff = s.scalars(select(Message).where(Message.ticket_id == reply_tid,
                                                Message.kind == "staff").order_by(Message.id)).all()
        internals = {m.body: m for m in s.scalars(select(Message).where(
            Message.ticket_id == reply_tid, Message.kind == "internal"))}
        charges = {c.amount_cents: c for c in s.scalars(select(Charge))}
        events = {(e.action, e.detail) for e in s.scalars(select(TicketEvent).where(
            TicketEvent.ticket_id == reply_tid))}
        ticket = s.get(Ticket, reply_tid)

        found: dict[int, int] = {}
        for m in staff:
            i = int(re.match(r"reply (\d+): ", m.body).group(1))
            assert m.body == reply_body(i), f"reply {i} is not whole"
            assert attachments.get(m.id, []) == attachments_of(i), f"reply {i} lacks attachments"
            want_internal = internal_body(i)
            if want_internal:
                note = internals.pop(want_internal, None)
                assert note is not None and note.created_at == m.created_at, f"reply {i}: no internal"
                assert note.id not in attachments
            cents = charge_cents(i)
            if cents:
                charge = charges.pop(cents, None)
                assert charge is not None and charge.created_at == m.created_at, f"reply {i}: no charge"
                assert ("charge", f"{cents / 100:.2f}") in events
            assert ("reply", f"message #{m.id}") in events, f"reply {i}: no history line"
            found[i] = m.id
        assert not internals, f"internal comments without their reply: {sorted(internals)}"
        assert not charges, f"charges without their reply: {sorted(charges)}"
        # one staff reply: one unread message for the client and one support incident
        assert ticket.client_unread == len(staff) and ticket.incidents == len(staff)
        assert ticket.locked_by_id == desk.alice.id and ticket.is_open
        assert s.scalar(select(func.count()).select_from(Draft).where(
            Draft.ticket_id == reply_tid)) == 0  # every reply drops the draft on its ticket
    for tid in tids:
        assert sv.peek(store, desk.root, tid).status == "In progress"
    return found


def crash_many_times(url: str, tmp_path: Path, rounds: int) -> tuple[int, int]:
    store = Store.open(url)
    desk = make_desk(store)
    # (the children are other processes, with the real default: their replies go out at once
    # here; a held reply and its release are tests/test_undo_send*.py's)
    admin.set_setting(store, "send_delay_seconds", "0")
    reply_tid, _ = desk.taken(desk.alice, subject="Crash me")
    draft_tid = desk.open(subject="Draft here")
    info = sv.client_card(store, desk.alice, reply_tid)
    start = {"balance": info.balance_cents, "incidents_left": info.incidents_left}
    ledger = Ledger()
    rng = random.Random(20261126)
    zyg = Zygote()
    kills_mid_write = 0
    try:
        for r in range(rounds):
            first = r * 10_000
            job = {"url": url, "start": first, "log": str(tmp_path / f"round-{r}.log"),
                   "reply_ticket": reply_tid, "draft_ticket": draft_tid}
            lines = one_round(zyg, job, rng, early=(r % 7 == 3))
            replies = [ln.split() for ln in lines if ln.startswith("R ")]
            drafts = [int(ln.split()[1]) for ln in lines if ln.startswith("D ")]
            for _, i, mid in replies:
                ledger.committed[int(i)] = int(mid)
            kills_mid_write += len(drafts) > 0

            if url.startswith("sqlite"):
                check_sqlite_file(url)
            found = check_invariants(store, desk, start, (reply_tid, draft_tid))
            # nothing committed is lost
            lost = {i for i in ledger.committed if found.get(i) != ledger.committed[i]}
            assert not lost, f"round {r}: committed replies missing after the kill: {sorted(lost)}"
            # beyond the log, only the reply being written at the kill may have been committed
            extra = set(found) - set(ledger.committed)
            in_flight = int(replies[-1][1]) + 1 if replies else first
            assert extra <= {in_flight}, f"round {r}: replies nobody wrote: {sorted(extra)}"
            ledger.committed.update({i: found[i] for i in extra})
            # a draft survives once save_draft returned: the last one logged, or the one being
            # saved when the child was killed
            logged = drafts[-1] if drafts else ledger.draft
            writing = (drafts[-1] + 1 if drafts else first) if "ready" in lines else None
            allowed = {draft_body(i) for i in (logged, writing) if i is not None}
            got = sv.get_draft(store, desk.alice, draft_tid)
            if got is None:
                assert logged is None, f"round {r}: the draft of #{draft_tid} was lost"
            else:
                assert got.body in allowed, f"round {r}: the draft is not the last one saved"
                ledger.draft = int(got.body.split()[1].rstrip(":"))
    finally:
        zyg.stop()
        store.close()
    assert kills_mid_write >= rounds // 2, "too few kills landed while writing"
    return len(ledger.committed), kills_mid_write


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing_committed_and_leaves_no_partial_reply(
    db_url: str, tmp_path: Path,
) -> None:
    kind = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    replies, kills = crash_many_times(db_url, tmp_path, ROUNDS[kind])
    assert replies > ROUNDS[kind]  # the children did write, between the kills
    print(f"{kind}: {ROUNDS[kind]} kills ({kills} while writing), {replies} replies checked")
