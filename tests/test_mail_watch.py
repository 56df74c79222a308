"""`ticket-tui mail watch` as a process against the real Dovecot: a mail appended while it
watches (IMAP IDLE) becomes a ticket, one log line per event, SIGTERM stops it cleanly; the
server stopped and started again is reconnected to; the periodic passes (the hook for the
outbox's sending) run each cycle, and one that fails does not stop the service."""

from __future__ import annotations

import signal
import subprocess
import threading
import time

import pytest

from store.mail.watch import Watch
from tests.imap_desk import append, folder_count, imap_desk, ticket_tui
from tests.mail_desk import count, mail, mail_store, rows
from tests.mailservers import Dovecot

WAIT = 60
ARRIVAL = 30.0  # generous for a loaded machine; bench/mail_watch.py measures the latency


def watch(url: str, log_path) -> subprocess.Popen:
    log = open(log_path, "wb")  # a file, never a pipe nobody reads
    try:
        return ticket_tui(url, "mail", "watch", stdout=log, stderr=subprocess.STDOUT)
    finally:
        log.close()


def wait_until(check, what: str, timeout: float = ARRIVAL, proc=None, log_path=None) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        alive = proc is None or proc.poll() is None
        if time.monotonic() > deadline or not alive:
            log = log_path.read_text() if log_path else ""
            raise AssertionError(f"{what} did not happen (alive: {alive})\n{log}")
        time.sleep(0.05)


def stop(proc: subprocess.Popen) -> int:
    proc.send_signal(signal.SIGTERM)
    return proc.wait(WAIT)


@pytest.mark.parametrize("db_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)],
                         indirect=True)
def test_watch_takes_a_new_mail_while_idle_and_stops_on_sigterm(store, db_url, dovecot, imap_user,
                                                                 tmp_path) -> None:
    imap_desk(store, dovecot, tmp_path, imap_user)
    mailer = mail_store(store)
    log = tmp_path / "watch.log"
    proc = watch(mailer.url, log)
    try:
        wait_until(lambda: "connected to" in log.read_text(), "connecting", proc=proc, log_path=log)
        # Each mail the moment the one before is stored: it arrives while the service is still
        # moving that one, and Dovecot reports it then, never again in IDLE.
        imap = dovecot.connect(imap_user)  # one connection: each APPEND lands at once
        for n in range(1, 6):
            imap.append("INBOX", None, None, mail(f"Arrived while watching {n}"))
            wait_until(lambda: count(store, "tickets") == n, f"ticket {n}", proc=proc, log_path=log)
        imap.logout()
        wait_until(lambda: folder_count(dovecot, imap_user, "Processed") == 5, "the moves")
    finally:
        code = stop(proc)
    text = log.read_text()
    assert code == 0, text
    assert "support@desk.example: UID 1 new_ticket ticket #1" in text
    assert text.rstrip().endswith("mail watch: stopped") and "Traceback" not in text
    mailer.close()


def test_watch_reconnects_when_the_server_comes_back(sqlite_url, tmp_path) -> None:
    from store.db import Store

    server = Dovecot().start()
    store = Store.open(sqlite_url)
    try:
        user = server.add_user()
        imap_desk(store, server, tmp_path, user)
        log = tmp_path / "watch.log"
        proc = watch(sqlite_url, log)
        try:
            append(server, user, mail("Before the restart"))
            wait_until(lambda: count(store, "tickets") == 1, "the first ticket", proc=proc,
                       log_path=log)
            port = server.port
            server.stop()
            wait_until(lambda: "reconnecting" in log.read_text(), "noticing the loss", proc=proc,
                       log_path=log)
            server = Dovecot()
            server.port = port
            server.start()
            append(server, user, mail("After the restart"))
            wait_until(lambda: count(store, "tickets") == 2, "the second ticket", proc=proc,
                       log_path=log)
        finally:
            code = stop(proc)
        assert code == 0, log.read_text()
        assert log.read_text().count("connected to") >= 2
    finally:
        store.close()
        server.stop()


def test_the_periodic_passes_run_each_cycle_and_a_failing_one_is_logged(sqlite_url) -> None:
    from store.db import Store

    store = Store.open(sqlite_url)
    calls: list[str] = []
    lines: list[str] = []

    def send_pass(s) -> None:
        assert s is store
        calls.append("send")

    def broken_pass(s) -> None:
        raise RuntimeError("the relay said no")

    service = Watch(store, log=lines.append, passes=[broken_pass, send_pass])
    runner = threading.Thread(target=service.run)
    runner.start()
    try:
        wait_until(lambda: len(calls) >= 2, "two cycles", timeout=WAIT)
    finally:
        service.stop()
        runner.join(WAIT)
    assert not runner.is_alive()
    assert "broken_pass: the relay said no" in lines
    assert lines[0] == "mail watch: started" and lines[-1] == "mail watch: stopped"
    store.close()


def test_a_mailbox_to_fix_is_logged_and_the_others_are_watched(sqlite_url, dovecot, tmp_path) -> None:
    from store.db import Store

    store = Store.open(sqlite_url)
    support, billing = dovecot.add_user(), dovecot.add_user()
    imap_desk(store, dovecot, tmp_path, support, billing)
    (tmp_path / f"{billing.name}.password").chmod(0o644)
    lines: list[str] = []
    service = Watch(store, log=lines.append, passes=[])
    runner = threading.Thread(target=service.run)
    runner.start()
    try:
        append(dovecot, support, mail("Still taken"))
        wait_until(lambda: count(store, "tickets") == 1, "the support ticket", timeout=WAIT)
        wait_until(lambda: any("can be read by anyone" in line for line in lines), "the log")
    finally:
        service.stop()
        runner.join(WAIT)
    assert not runner.is_alive() and folder_count(dovecot, billing, "INBOX") == 0
    assert any(line.startswith("billing@desk.example: The password file") for line in lines)
    store.close()


def test_sigterm_in_the_middle_finishes_the_mail_in_hand_and_moves_what_it_took(
        sqlite_url, dovecot, imap_user, tmp_path) -> None:
    from store.db import Store
    from tests.imap_desk import folder_message_ids
    from tests.test_mail_intake_crash import mail_number

    store = Store.open(sqlite_url)
    imap_desk(store, dovecot, tmp_path, imap_user)
    append(dovecot, imap_user, *(mail_number(i) for i in range(60)))
    log = tmp_path / "watch.log"
    proc = watch(sqlite_url, log)
    try:
        wait_until(lambda: count(store, "tickets") >= 1, "the first ticket", proc=proc,
                   log_path=log)
    finally:
        code = stop(proc)
    assert code == 0, log.read_text()
    stored = {i for i, in rows(store, "SELECT message_id_header FROM mail_ids")}
    # Stopped in the middle, and nothing is left half done: what was taken was moved.
    assert 1 <= len(stored) < 60
    assert set(folder_message_ids(dovecot, imap_user, "Processed")) == stored
    assert len(folder_message_ids(dovecot, imap_user, "INBOX")) == 60 - len(stored)
    store.close()


def test_watch_sends_the_answer_to_a_mail_it_took(store, dovecot, imap_user, smtp_server,
                                                  tmp_path) -> None:
    """The whole round: a mail appended to the mailbox becomes a ticket, a staff member answers
    with Ok, and the same service hands the answer to the SMTP server, threaded to the mail."""
    from store import service as sv
    from tests.mail_desk import set_setting
    from tests.outbox_desk import parsed
    from tests.personal import own_store

    alice = imap_desk(store, dovecot, tmp_path, imap_user).alice
    set_setting(store, "smtp_url", f"smtp://127.0.0.1:{smtp_server.port}")
    mailer = mail_store(store)
    log = tmp_path / "watch.log"
    proc = watch(mailer.url, log)
    try:
        wait_until(lambda: "connected to" in log.read_text(), "connecting", proc=proc, log_path=log)
        append(dovecot, imap_user, mail("The site is down.", message_id="<down@example.com>"))
        wait_until(lambda: count(store, "tickets") == 1, "the ticket", proc=proc, log_path=log)
        [(ticket,)] = rows(store, "SELECT id FROM tickets")
        sv.take(own_store(store, alice), alice, ticket)
        sv.reply(own_store(store, alice), alice, ticket, "It is up again.", close=True)
        [sent] = smtp_server.handler.wait_for(1)
    finally:
        code = stop(proc)
    assert code == 0, log.read_text()
    answer = parsed(sent.data)
    assert answer["In-Reply-To"] == "<down@example.com>" and f"[#{ticket}]" in answer["Subject"]
    assert "It is up again." in answer.get_content()
    mailer.close()
