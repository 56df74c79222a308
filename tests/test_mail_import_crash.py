"""`ticket-tui mail import` killed with SIGKILL in the middle (a real process), then run again:
after each kill the store holds each mail whole or not at all, and once the import has run to
its end every mail of the history is there exactly once, threaded; the processes that read the
mails for it die with it. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.mail_history import write_mbox
from store.db import Store
from tests.mail_desk import mail_desk, rows

ROOT = Path(__file__).resolve().parent.parent
MAILS = 1500  # three batches and more: kills fall after some batches are committed
WAIT = 300


def start_import(url: str, path: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "ticket_tui", "--db", url, "mail", "import",
                             str(path), "--json", "--workers", "2"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def children(pid: int) -> list[int]:
    """The processes this one started (the import's parsing workers)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(n) for n in (task / "children").read_text().split()]
    return found


def gone(pids: list[int]) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{pid}").exists() and "(Z)" not in _state(pid) for pid in pids):
            return True
        time.sleep(0.05)
    return False


def _state(pid: int) -> str:
    try:
        return "(" + Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] + ")"
    except OSError:
        return "(gone)"


def imported(store: Store) -> int:
    return rows(store, "SELECT count(*) FROM mail_ids")[0][0]


def check_whole(store: Store) -> int:
    """Each mail written is whole (message, id and original together) and once; each thread
    (question, desk answer, reply) on one ticket. Returns how many mails are in."""
    found = rows(store, "SELECT i.message_id_header, m.ticket_id, m.kind, o.size FROM mail_ids i "
                        "JOIN messages m ON m.id = i.message_id "
                        "JOIN mail_originals o ON o.message_id = m.id")
    assert len(found) == imported(store) == rows(store, "SELECT count(*) FROM messages")[0][0]
    tickets: dict[int, int] = {}
    for header, ticket, kind, _ in found:
        thread, step = header.removeprefix("t").removesuffix("@example.com").split("s")
        assert kind == ("staff" if step == "1" else "client")
        assert tickets.setdefault(int(thread), ticket) == ticket
    assert len({h for h, *_ in found}) == len(found)
    return len(found)


@pytest.mark.parametrize("db_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)],
                         indirect=True)
def test_an_import_killed_in_the_middle_then_run_again_gives_every_mail_once(store, db_url,
                                                                             tmp_path):
    mail_desk(store)
    path = tmp_path / "history.mbox"
    write_mbox(path, MAILS)
    for threshold in (200, 700):
        proc = start_import(store.url, path)
        deadline = time.monotonic() + WAIT
        while proc.poll() is None and imported(store) < threshold and time.monotonic() < deadline:
            time.sleep(0.02)
        workers = children(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(WAIT)
        assert check_whole(store) < MAILS  # killed in the middle, not after the end
        assert workers and gone(workers), workers  # its parsing processes died with it
    proc = start_import(store.url, path)
    out, err = proc.communicate(timeout=WAIT)
    assert proc.returncode == 0, err
    summary = json.loads(out)
    assert summary["imported"] + summary["duplicates"] == MAILS and summary["failed"] == 0
    assert summary["duplicates"] >= 700
    assert check_whole(store) == MAILS
