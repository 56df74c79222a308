"""A bulk reply killed (SIGKILL) in the middle, then run again with its run id (issue 20): each
ticket is answered and closed exactly once or not touched at all, after every kill and at the
end. The real command line runs it, as alice's own login role on PostgreSQL."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from store import service as sv
from tests.desk import make_desk
from tests.personal import own_store

CLI = Path(sys.executable).with_name("ticket-tui")
TICKETS = 60
BODY = "The outage is over: mail flows again."
RUN_ID = "outage-2026-12-03"
WAIT = 60  # seconds: only never to hang


def bulk_events(store) -> int:
    with store.sql() as q:
        return q.value("SELECT count(*) FROM ticket_events WHERE action = 'bulk' AND detail = :d",
                       {"d": f"{RUN_ID} reply"})


def state(store, tid: int) -> tuple[int, int, bool, int | None]:
    """(bulk events of the run, alice's replies, is open, who locks it) of one ticket."""
    with store.read() as s:
        events = s.execute(text("SELECT count(*) FROM ticket_events WHERE ticket_id = :t AND "
                                "action = 'bulk' AND detail = :d"),
                           {"t": tid, "d": f"{RUN_ID} reply"}).scalar_one()
        replies = s.execute(text("SELECT count(*) FROM messages WHERE ticket_id = :t AND "
                                 "kind = 'staff' AND body = :b"), {"t": tid, "b": BODY}).scalar_one()
        is_open, locker = s.execute(text("SELECT is_open, locked_by_id FROM tickets WHERE id = :t"),
                                    {"t": tid}).one()
    return events, replies, bool(is_open), locker


def check_done_or_untouched(store, tids: list[int]) -> int:
    done = 0
    for tid in tids:
        got = state(store, tid)
        assert got in ((1, 1, False, None), (0, 0, True, None)), f"#{tid} is half-done: {got}"
        done += got[0]
    return done


def command(url: str, tids: list[int]) -> list[str]:
    return [str(CLI), "--db", url, "--as", "alice", "ticket", "bulk", "reply",
            "--ids", ",".join(map(str, tids)), "--body", BODY, "--close", "--run-id", RUN_ID]


def test_a_killed_bulk_reply_run_again_answers_each_ticket_once(store) -> None:
    desk = make_desk(store)
    tids = [desk.open(subject=f"No mail {i}") for i in range(TICKETS)]
    url = own_store(store, desk.alice).url
    rng = random.Random(20)
    done, kills = 0, 0
    while done < TICKETS - 10 and kills < 4:
        target = min(TICKETS - 5, done + rng.randint(3, 12))
        child = subprocess.Popen(command(url, tids), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE)
        deadline = time.monotonic() + WAIT
        while bulk_events(store) < target and child.poll() is None:
            assert time.monotonic() < deadline, "the bulk run made no progress"
            time.sleep(0.002)
        if child.poll() is not None:
            raise AssertionError(f"the run ended before it was killed: {child.stderr.read()!r}")
        time.sleep(rng.random() * 0.02)  # somewhere inside a later ticket's transaction
        child.send_signal(signal.SIGKILL)
        child.wait(WAIT)
        child.stderr.close()
        kills += 1
        now_done = check_done_or_untouched(store, tids)
        assert now_done >= done and now_done >= target
        done = now_done
    assert kills >= 2
    final = subprocess.run(command(url, tids), capture_output=True, text=True, timeout=WAIT)
    assert final.returncode == 0, final.stderr
    assert final.stdout == f"{TICKETS} answered and closed ({done} of them by the earlier run {RUN_ID})\n"
    assert check_done_or_untouched(store, tids) == TICKETS
    assert all(sv.peek(store, desk.root, t).status == "Awaiting response from client" for t in tids)
