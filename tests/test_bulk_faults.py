"""`ticket bulk` losing its PostgreSQL connection in the middle of a ticket (issue 20): exit 3,
the tickets before are done and the one in hand untouched, stderr names the run id, and running
it again with that run id does the rest, nothing twice.

The run is held inside a ticket's transaction deterministically: after a few tickets an operator
connection locks ticket_events, so the next ticket waits on its first event (the take's) with
its lock written but uncommitted; then its backend is terminated."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli_tickets.commands import listed, new_ticket
from tests.test_pg_faults import _admin_conn

pytestmark = pytest.mark.pg
CLI = str(Path(sys.executable).with_name("ticket-tui"))
WAIT = 60
TICKETS = 40


def test_the_connection_killed_mid_ticket(pg_cluster, pg_url: str) -> None:
    from store import admin, logins
    from store.db import Store
    from tests.test_pg_security import role_url

    store = Store.open(pg_url)
    admin.add_department(store, "Technical support")
    admin.add_staff(store, "alice", "Alice Smith", ["Technical support"])
    admin.add_client(store, "john@example.com", "John Doe")
    logins.grant_login(store, "alice")
    store.close()
    tids = [new_ticket(pg_url, subject=f"Down {i}") for i in range(TICKETS)]
    command = [CLI, "--db", role_url(pg_url, "alice"), "--as", "alice", "ticket", "bulk", "close",
               "--ids", ",".join(map(str, tids))]
    watch = _admin_conn(pg_cluster, pg_url)
    holding = _admin_conn(pg_cluster, pg_url)
    holding.autocommit = False
    child = None
    try:
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline, pid = time.monotonic() + WAIT, None
        while watch.execute("SELECT count(*) FROM ticket_events WHERE action = 'bulk'"
                            ).fetchone()[0] < 3:
            assert time.monotonic() < deadline and child.poll() is None, "the run did nothing"
            time.sleep(0.002)
        holding.execute("LOCK TABLE ticket_events IN EXCLUSIVE MODE")
        while pid is None:
            assert time.monotonic() < deadline and child.poll() is None, "the run never waited"
            row = watch.execute("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                "AND query LIKE 'INSERT INTO ticket_events%'").fetchone()
            pid = row and row[0]
            time.sleep(0.01)
        watch.execute("SELECT pg_terminate_backend(%s)", (pid,))
        holding.rollback()
        out, err = child.communicate(timeout=WAIT)
    finally:
        holding.close()
        watch.close()
        if child is not None and child.poll() is None:
            child.kill()
    assert child.returncode == 3, (out, err)
    assert out == ""
    hint = err.strip().splitlines()[-2]
    assert hint.startswith("Each ticket is done or untouched: run it again with --run-id ")
    run_id = hint.split("--run-id ")[1].split()[0]
    rows = listed(pg_url, "alice", "--view", "all")
    closed = [t for t in tids if rows[t]["status"] == "Awaiting response from client"]
    assert 3 <= len(closed) < TICKETS and closed == tids[:len(closed)]
    assert all(rows[t]["locked_by"] is None for t in tids)  # the ticket in hand: untouched
    again = subprocess.run([*command, "--run-id", run_id], capture_output=True, text=True,
                           timeout=WAIT)
    assert again.returncode == 0, again.stderr
    assert again.stdout == f"{TICKETS} closed ({len(closed)} of them by the earlier run {run_id})\n"
