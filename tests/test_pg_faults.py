"""Faults on PostgreSQL: the connection killed, or the server restarted, while a reply is being
written. The reply is either fully there or absent (here: absent, since it dies before its
commit), never half there and never duplicated by a retry; the draft it would have dropped is
still there; the store reports ConnectionLost with one plain sentence, and the next call
reconnects by itself. The command line gives that error exit code 3.

The reply is held mid-transaction deterministically: an admin connection holds an EXCLUSIVE
lock on ticket_events, so the reply's message and draft deletion are written (uncommitted) and
it waits on its ticket event, the last thing it writes.
"""

from __future__ import annotations

import threading
import time
import uuid

import psycopg
import pytest
from sqlalchemy import func, select

from cli.common import exit_code
from store import admin, logins
from store import service as sv
from store.actors import client_actor, staff_actor
from store.db import Store
from store.errors import ConnectionLost
from store.models import Message
from tests.test_pg_security import role_url

pytestmark = pytest.mark.pg
BODY = "Restarted nginx; the site is back."


def _admin_conn(pg_cluster, url: str) -> psycopg.Connection:
    from sqlalchemy.engine import make_url

    return psycopg.connect(host="127.0.0.1", port=pg_cluster.port, user="tt_super",
                           dbname=make_url(url).database, autocommit=True)


def _desk(url: str):
    store = Store.open(url)
    admin.add_department(store, "Technical support", per_incident=True)
    login = f"f_{uuid.uuid4().hex[:6]}"
    admin.add_staff(store, login, "Alice", ["Technical support"])
    admin.add_client(store, "john@example.com", "John")
    logins.grant_login(store, login)
    tid = sv.open_ticket(store, client_actor(store, "john@example.com"), "Technical support",
                         "Site down", "502")
    return store, login, tid


def _reply_blocked(pg_cluster, url: str, login: str, tid: int, kill) -> tuple[dict, Store]:
    """Starts the reply as the staff role, waits until it is stuck mid-transaction, runs
    kill(pid), and returns what the reply raised or returned."""
    mine = Store.open(role_url(url, login), migrate=False)
    me = staff_actor(mine, login)
    lock = sv.take(mine, me, tid)
    sv.save_draft(mine, me, tid, BODY)
    holder = _admin_conn(pg_cluster, url)
    holder.autocommit = False
    holder.execute("LOCK TABLE ticket_events IN EXCLUSIVE MODE")
    out: dict = {}

    def run() -> None:
        try:
            out["result"] = sv.reply(mine, me, tid, BODY, token=lock.token)
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            out["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    try:
        with _admin_conn(pg_cluster, url) as watch:
            for _ in range(200):
                row = watch.execute(
                    "SELECT pid FROM pg_stat_activity WHERE usename = %s AND wait_event_type = 'Lock'",
                    (login,)).fetchone()
                if row:
                    break
                time.sleep(0.05)
            assert row, "the reply never got stuck on the held lock"
            # The message is written (not committed): the reply is truly half-way.
            kill(watch, row[0])
        thread.join(30)
        assert not thread.is_alive()
    finally:
        try:
            holder.rollback()
            holder.close()
        except psycopg.Error:
            pass
    out["token"] = lock.token
    return out, mine


def _count(store: Store, tid: int) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(Message)
                        .where(Message.ticket_id == tid, Message.body == BODY))


def _check_lost_then_retry(store: Store, mine: Store, login: str, tid: int, out: dict) -> None:
    error = out.get("error")
    assert isinstance(error, ConnectionLost), out
    sentence = str(error)
    assert sentence.endswith(".") and "\n" not in sentence
    assert "psycopg" not in sentence and "SQL" not in sentence
    assert error.saved is False and exit_code(error) == 3
    assert _count(store, tid) == 0  # absent: nothing half-written
    me = staff_actor(mine, login)
    assert sv.get_draft(mine, me, tid).body == BODY  # the draft survived
    sv.reply(mine, me, tid, BODY, token=out["token"])  # the retry reconnects by itself
    assert _count(store, tid) == 1  # once, never twice
    assert sv.get_draft(mine, me, tid) is None or sv.get_draft(mine, me, tid).body == ""


def test_the_connection_killed_mid_reply(pg_cluster, pg_url: str) -> None:
    store, login, tid = _desk(pg_url)
    out, mine = _reply_blocked(pg_cluster, pg_url, login, tid,
                               lambda watch, pid: watch.execute("SELECT pg_terminate_backend(%s)", (pid,)))
    try:
        _check_lost_then_retry(store, mine, login, tid, out)
    finally:
        mine.close()
        store.close()


def test_the_server_restarted_mid_reply(pg_cluster, pg_url: str) -> None:
    store, login, tid = _desk(pg_url)

    def restart(watch, _pid) -> None:
        watch.close()
        # -l: the new server writes to its log file, not to the pipe this waits on.
        pg_cluster._run(str(pg_cluster.bindir / "pg_ctl"), "-D", str(pg_cluster.datadir),
                        "-l", str(pg_cluster.root / "log"), "-m", "fast", "-w", "restart")

    out, mine = _reply_blocked(pg_cluster, pg_url, login, tid, restart)
    try:
        _check_lost_then_retry(store, mine, login, tid, out)
    finally:
        mine.close()
        store.close()


def test_a_statement_timeout_is_a_plain_sentence(pg_url: str) -> None:
    store, login, tid = _desk(pg_url)
    try:
        with pytest.raises(ConnectionLost, match="took too long") as caught:
            with store.write() as s:
                s.execute(select(func.pg_sleep(0)))
                s.connection().exec_driver_sql("SET LOCAL statement_timeout = 50")
                s.connection().exec_driver_sql("SELECT pg_sleep(2)")
        assert caught.value.saved is False
        assert sv.peek(store, staff_actor(store, login), tid).id == tid  # and the store goes on
    finally:
        store.close()


def test_plain_sql_inside_a_write_reads_the_same_when_the_connection_dies(pg_cluster, pg_url: str) -> None:
    """The service runs plain SQL on its write's own connection (store.db.plain_in); the
    driver raises its own errors there, unwrapped by SQLAlchemy: they read as ConnectionLost
    too, not as a psycopg traceback (found in a full run, where the restart above happened to
    land on such a statement)."""
    from store.db import plain_in

    store, login, tid = _desk(pg_url)
    try:
        with _admin_conn(pg_cluster, pg_url) as watch:
            with pytest.raises(ConnectionLost, match="before the change was saved") as caught:
                with store.write() as s:
                    plain = plain_in(s)
                    watch.execute("SELECT pg_terminate_backend(%s)", (plain.value("SELECT pg_backend_pid()"),))
                    plain.value("SELECT 1")
        assert caught.value.saved is False and exit_code(caught.value) == 3
        assert sv.peek(store, staff_actor(store, login), tid).id == tid  # and the store goes on
    finally:
        store.close()
