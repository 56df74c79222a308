"""Mail out across crashes, outages and races (issue 18), with the real command line:
- `mail send` SIGKILLed after the SMTP server took a mail and before it was marked sent: the
  reply is not lost; once the claim's lease is over it goes again, with the same Message-ID,
  and is marked sent once;
- the SMTP server down for a while (connection refused, pass after pass), then back: each
  queued reply delivered exactly once;
- several `mail send` at once: each reply sent exactly once (SKIP LOCKED on PostgreSQL, the
  IMMEDIATE claim on SQLite).
On SQLite, and on PostgreSQL as the mail service's own login."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from store import service as sv
from store.clock import utcnow
from store.mail.outbox import list_outbox
from store.mail.sending import LEASE, send_pass
from tests.mail_desk import rows
from tests.mailservers import LOOPBACK, RecordingHandler, SmtpServer, free_port
from tests.outbox_desk import OutboxDesk, outbox_desk, parsed

ROOT = Path(__file__).resolve().parent.parent
WAIT = 60  # seconds: only never to hang


class HoldingHandler(RecordingHandler):
    """Records a mail, then answers 250 only once the test says so."""

    def __init__(self) -> None:
        super().__init__()
        self.got, self.go = threading.Event(), threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001
        answer = await super().handle_DATA(server, session, envelope)
        self.got.set()
        self.go.wait(WAIT)
        return answer


class SlowHandler(RecordingHandler):
    """A server that takes a tenth of a second per mail, so that senders overlap."""

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001
        import asyncio

        await asyncio.sleep(0.1)
        return await super().handle_DATA(server, session, envelope)


def server_on(port: int, handler: RecordingHandler | None = None) -> SmtpServer:
    from aiosmtpd.controller import Controller

    server = SmtpServer.__new__(SmtpServer)
    server.handler, server.port = handler or RecordingHandler(), port
    server._controller = Controller(server.handler, hostname=LOOPBACK, port=port, ready_timeout=15)
    return server.start()


def sender(url: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "ticket_tui", "--db", url, "mail", "send", *args],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@contextmanager
def marks_blocked(box: OutboxDesk):
    """Holds the outbox's writes (the sender's mark) as the operator until the block ends."""
    if box.store.dialect == "sqlite":
        conn = sqlite3.connect(make_url(box.store.url).database, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.rollback()
            conn.close()
        return
    url = make_url(box.store.url)
    with psycopg.connect(host=url.host, port=url.port, dbname=url.database, user=url.username) as conn:
        conn.execute("LOCK TABLE outbox IN EXCLUSIVE MODE")
        yield
        conn.rollback()


def wait_blocked(box: OutboxDesk) -> None:
    """Until the sender waits for the lock (PostgreSQL says so; SQLite: a moment for the 250)."""
    if box.store.dialect == "sqlite":
        time.sleep(0.5)
        return
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if rows(box.store, "SELECT count(*) FROM pg_stat_activity WHERE usename = 'desk_mail' "
                           "AND wait_event_type = 'Lock'")[0][0]:
            return
        time.sleep(0.05)
    raise AssertionError("the sender never waited for its mark")


@pytest.fixture
def box(store):
    made = outbox_desk(store, server_on(free_port()))
    yield made
    made.smtp.stop()
    if made.mailer is not store:
        made.mailer.close()


def test_killed_after_the_server_took_the_mail_it_is_sent_again_with_the_same_message_id(
        box: OutboxDesk) -> None:
    holding = HoldingHandler()
    box.smtp.stop()
    box.smtp = server_on(box.smtp.port, holding)
    ticket = box.mailed_ticket()
    reply_id = sv.reply(box.store, box.desk.alice, ticket, "Must not be lost.").reply_id
    proc = sender(box.mailer.url)
    assert holding.got.wait(WAIT), proc.stderr.read() if proc.poll() is not None else ""
    with marks_blocked(box):
        holding.go.set()
        wait_blocked(box)
        proc.send_signal(signal.SIGKILL)
        proc.wait(WAIT)
    [row] = list_outbox(box.store)
    assert (row.state, row.message_id) == ("sending", reply_id)  # taken, never marked
    assert send_pass(box.mailer) == (0, 0, 0)  # the dead sender's lease still holds
    assert send_pass(box.mailer, now=utcnow() + LEASE + timedelta(seconds=1)) == (1, 0, 0)
    first, again = [parsed(m.data) for m in holding.wait_for(2)]
    assert first["Message-ID"] == again["Message-ID"] == f"<{row.mail_message_id}>"
    assert first.get_content() == again.get_content()
    [row] = list_outbox(box.store)
    assert (row.state, row.attempts) == ("sent", 2)
    assert rows(box.store, "SELECT count(*) FROM mail_ids WHERE direction = 'out'") == [(1,)]
    assert send_pass(box.mailer, now=utcnow() + 2 * LEASE) == (0, 0, 0)


def test_smtp_down_for_a_while_then_back_delivers_each_reply_once(box: OutboxDesk) -> None:
    port = box.smtp.port
    box.smtp.stop()  # down: connection refused
    ticket = box.mailed_ticket()
    replies = [sv.reply(box.store, box.desk.alice, ticket, f"Reply {n}.").reply_id for n in range(3)]
    now = utcnow()
    for waited in (0, 1, 3):  # minutes: the back-off of 1, then 2
        assert send_pass(box.mailer, now=now + timedelta(minutes=waited)) == (0, 3, 0)
    assert {r.attempts for r in list_outbox(box.store)} == {3}
    assert all("Connection" in r.last_answer or "refused" in r.last_answer
               for r in list_outbox(box.store))
    box.smtp = server_on(port)  # back
    assert send_pass(box.mailer, now=now + timedelta(minutes=6)) == (0, 0, 0)  # 4 minutes' wait
    assert send_pass(box.mailer, now=now + timedelta(minutes=7)) == (3, 0, 0)
    assert send_pass(box.mailer, now=now + timedelta(hours=2)) == (0, 0, 0)
    got = [parsed(m.data) for m in box.smtp.handler.wait_for(3)]
    time.sleep(0.2)
    assert len(box.smtp.handler.received) == 3
    assert sorted(m.get_content().strip() for m in got) == ["Reply 0.", "Reply 1.", "Reply 2."]
    assert len({m["Message-ID"] for m in got}) == 3
    assert {r.message_id for r in list_outbox(box.store, state="sent")} == set(replies)


def test_several_senders_at_once_send_each_reply_once(box: OutboxDesk) -> None:
    ticket = box.mailed_ticket()
    total = 30
    for n in range(total):
        sv.reply(box.store, box.desk.alice, ticket, f"Reply number {n}.")
    box.smtp.stop()
    box.smtp = server_on(box.smtp.port, SlowHandler())
    procs = [sender(box.mailer.url, "--json") for _ in range(3)]
    outputs = [proc.communicate(timeout=WAIT) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0], outputs
    summaries = [json.loads(out) for out, _ in outputs]
    assert sum(s["sent"] for s in summaries) == total
    assert sum(1 for s in summaries if s["sent"]) >= 2, summaries  # they did overlap
    assert sum(s["retrying"] + s["failed"] for s in summaries) == 0
    got = [parsed(m.data) for m in box.smtp.handler.wait_for(total)]
    assert len(box.smtp.handler.received) == total
    assert sorted(m.get_content().strip() for m in got) == sorted(
        f"Reply number {n}." for n in range(total))
    assert len(list_outbox(box.store, state="sent")) == total
