"""`ticket-tui mail fetch [--json]` as a process, against the real Dovecot: its summary and its
exit codes (0 read, 2 a mailbox to fix, 3 try later), and a temporary failure leaving the mail
on the server, unread, for the next pass."""

from __future__ import annotations

import json
import sqlite3
import subprocess

import pytest

from store.db import Store
from store.mail.mailboxes import add_mailbox
from tests.imap_desk import append, folder_count, folder_flags, imap_desk, password_file, ticket_tui
from tests.mail_desk import count, mail
from tests.mailservers import LOOPBACK, free_port

WAIT = 60


@pytest.fixture
def store_at(sqlite_url: str):
    """The store of the SQLite file the commands run on."""
    store = Store.open(sqlite_url)
    yield store
    store.close()


def fetch(url: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    proc = ticket_tui(url, "mail", "fetch", *args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                      env=env or {})
    out, err = proc.communicate(timeout=WAIT)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out.decode(), err.decode())


def test_fetch_prints_a_summary_per_mailbox_as_json(sqlite_url, store_at, dovecot, tmp_path) -> None:
    support, billing = dovecot.add_user(), dovecot.add_user()
    imap_desk(store_at, dovecot, tmp_path, support, billing)
    append(dovecot, support, mail("One"), b"\x01 not a mail\r\n")
    done = fetch(sqlite_url, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        {"mailbox": "billing@desk.example", "taken": 0, "duplicates": 0, "dropped": 0,
         "failed": 0, "errors": [], "needs_fixing": False},
        {"mailbox": "support@desk.example", "taken": 1, "duplicates": 0, "dropped": 0,
         "failed": 1, "errors": [], "needs_fixing": False}]


def test_a_password_file_others_can_read_is_refused_and_the_mail_waits(sqlite_url, store_at,
                                                                       dovecot, imap_user,
                                                                       tmp_path) -> None:
    imap_desk(store_at, dovecot, tmp_path, imap_user)
    append(dovecot, imap_user, mail("Waiting"))
    (tmp_path / f"{imap_user.name}.password").chmod(0o644)
    done = fetch(sqlite_url)
    assert done.returncode == 2
    assert "can be read by anyone" in done.stderr and "Traceback" not in done.stderr
    assert folder_count(dovecot, imap_user, "INBOX") == 1 and count(store_at, "tickets") == 0


def test_the_password_from_the_environment_and_an_unreachable_server(sqlite_url, store_at,
                                                                      dovecot, imap_user,
                                                                      tmp_path) -> None:
    from tests.desk import make_desk

    make_desk(store_at)
    add_mailbox(store_at, "support@desk.example", "Technical support",
                imap_url=f"imap://{imap_user.name}@{LOOPBACK}:{dovecot.port}/INBOX")
    add_mailbox(store_at, "billing@desk.example", "Billing",
                imap_url=f"imap://nobody@{LOOPBACK}:{free_port()}/INBOX",
                password_file=password_file(tmp_path, imap_user))
    append(dovecot, imap_user, mail("By the environment's password"))
    done = fetch(sqlite_url, env={"TICKET_TUI_IMAP_PASSWORD": imap_user.password})
    assert done.returncode == 3
    assert "Error: billing@desk.example: IMAP 127.0.0.1" in done.stderr
    assert "support@desk.example: 1 taken" in done.stdout
    assert count(store_at, "tickets") == 1


def test_a_locked_database_leaves_the_mail_on_the_server_unread(sqlite_url, store_at, dovecot,
                                                                imap_user, tmp_path) -> None:
    imap_desk(store_at, dovecot, tmp_path, imap_user)
    assert fetch(sqlite_url).returncode == 0  # the folder's UIDVALIDITY is remembered
    append(dovecot, imap_user, mail("While the database is locked"), mail("And another"))
    holder = sqlite3.connect(store_at.location.database, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another writer holds the database past the busy wait
        done = fetch(sqlite_url)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode == 3 and "stays on the server" in done.stderr
    assert folder_flags(dovecot, imap_user, "INBOX") == [set(), set()]
    assert count(store_at, "tickets") == 0
    again = fetch(sqlite_url)
    assert again.returncode == 0 and "2 taken" in again.stdout
    assert count(store_at, "tickets") == 2 and folder_count(dovecot, imap_user, "INBOX") == 0
