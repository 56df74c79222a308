"""PostgreSQL's queue of pending rule runs (migration 0017): the operator's own session runs an
event at once, a client's login leaves it queued for `rule run`, which says what fired; an event
of a ticket merged into another meanwhile runs nothing; with no rule watching nothing is queued."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from store import service as sv
from store.rules.manage import add_rule
from tests.desk import make_desk
from tests.personal import own_store
from tests.rules_desk import TS, rows, system_lines
from ticket_tui import main

pytestmark = pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.pg)], indirect=True)


def queued(store) -> int:
    return rows(store, "SELECT count(*) FROM rule_queue")[0][0]


def test_nothing_is_queued_without_a_rule_watching(store) -> None:
    desk = make_desk(store)
    add_rule(store, None, "later", on="client-message", top=True)
    tid = desk.open()  # a new ticket: no rule watches `new`
    assert queued(store) == 0
    sv.client_reply(store, desk.john, tid, "and?")
    assert queued(store) == 1


def test_the_operator_runs_at_once_a_client_login_leaves_it_to_rule_run(store) -> None:
    desk = make_desk(store)
    add_rule(store, None, "note", comment="seen")
    operators = sv.open_ticket.__wrapped__(store, desk.john, TS, "By the operator", "x")
    assert system_lines(store, operators) == ['Rule "note": internal comment added.']
    clients = desk.open()  # john's own login
    assert system_lines(store, clients) == [] and queued(store) == 1
    result = CliRunner().invoke(main, ["--db", store.url, "rule", "run"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"#{clients}: note\n1 event run.\n"
    assert system_lines(store, clients) == ['Rule "note": internal comment added.']
    assert queued(store) == 0


def test_a_ticket_merged_while_its_event_waited_runs_nothing(store) -> None:
    desk = make_desk(store)
    add_rule(store, None, "note", comment="seen")
    target = sv.open_ticket.__wrapped__(store, desk.john, TS, "First", "x")
    source = desk.open()
    sv.merge(own_store(store, desk.root), desk.root, source, target)
    result = CliRunner().invoke(main, ["--db", store.url, "rule", "run"])
    assert result.stdout == f"#{source}: no rule fired\n1 event run.\n"
    assert rows(store, "SELECT count(*) FROM messages WHERE kind = 'internal'") == [(1,)]


def test_rule_run_watch_keeps_working_the_queue_off(store) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    desk = make_desk(store)
    add_rule(store, None, "note", comment="seen")
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen([sys.executable, "-m", "ticket_tui", "--db", store.url, "rule", "run",
                             "--watch", "--interval", "0.2"], cwd=root,
                            env={**os.environ, "PYTHONPATH": str(root)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        tids = [desk.open(subject=f"T{i}") for i in range(3)]
        deadline = time.monotonic() + 30
        while queued(store) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert queued(store) == 0
        assert all(system_lines(store, t) == ['Rule "note": internal comment added.'] for t in tids)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
