"""`ticket-tui mail fetch` killed with SIGKILL (a real process against the real Dovecot): a kill
between the intake's commit and the move to Processed loses nothing and doubles nothing (the
next pass finds the mail a duplicate and moves it), and kills at random moments never leave a
mail in Processed that the desk does not hold, nor one held twice. On SQLite, and on PostgreSQL
as the mail service's own login."""

from __future__ import annotations

import random
import signal
import subprocess
import time

import pytest

from tests.imap_desk import append, folder_count, folder_message_ids, imap_desk, ticket_tui
from tests.mail_desk import count, mail_store, rows
from tests.test_mail_intake_crash import mail_number

WAIT = 60
ROUNDS = {"sqlite": 5, "postgresql": 3}
both = pytest.mark.parametrize(
    "db_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)], indirect=True)


def fetch(url: str) -> subprocess.Popen:
    return ticket_tui(url, "mail", "fetch", stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def stored_ids(store) -> list[str]:
    return [i for i, in rows(store, "SELECT message_id_header FROM mail_ids ORDER BY id")]


def check_once(store, dovecot, user, appended: set[str]) -> set[str]:
    """Each stored mail once, each mail in Processed stored, none lost; returns those stored."""
    stored = stored_ids(store)
    assert len(stored) == len(set(stored)) and set(stored) <= appended
    assert count(store, "messages") == count(store, "tickets") == len(stored)
    processed = folder_message_ids(dovecot, user, "Processed")
    assert len(processed) == len(set(processed)) and set(processed) <= set(stored)
    waiting = folder_message_ids(dovecot, user, "INBOX")
    assert set(waiting) | set(processed) == appended
    return set(stored)


@both
def test_a_kill_between_the_commit_and_the_move_loses_and_doubles_nothing(store, db_url, dovecot,
                                                                           imap_user, tmp_path) -> None:
    imap_desk(store, dovecot, tmp_path, imap_user)
    mailer = mail_store(store)
    append(dovecot, imap_user, *(mail_number(i) for i in range(40)))
    appended = {f"crash{i}@example.com" for i in range(40)}
    proc = fetch(mailer.url)
    deadline = time.monotonic() + WAIT
    while count(store, "mail_ids") == 0:  # the first mail committed...
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)  # ...and killed before the batch is moved
    proc.wait(WAIT)
    before = check_once(store, dovecot, imap_user, appended)
    assert 1 <= len(before) < 40 and folder_count(dovecot, imap_user, "INBOX") == 40
    again = fetch(mailer.url)
    out, err = again.communicate(timeout=WAIT)
    assert again.returncode == 0, err
    assert f"{40 - len(before)} taken, {len(before)} duplicates" in out.decode()
    assert check_once(store, dovecot, imap_user, appended) == appended
    assert folder_count(dovecot, imap_user, "INBOX") == 0
    mailer.close()


@both
def test_fetch_killed_at_any_moment_keeps_every_mail_once(store, db_url, dovecot, imap_user,
                                                          tmp_path) -> None:
    imap_desk(store, dovecot, tmp_path, imap_user)
    mailer = mail_store(store)
    chance = random.Random(18)
    appended: set[str] = set()
    started = time.monotonic()
    assert fetch(mailer.url).wait(WAIT) == 0
    full_run = time.monotonic() - started
    for round_ in range(ROUNDS[store.dialect]):
        numbers = range(round_ * 8, round_ * 8 + 8)
        append(dovecot, imap_user, *(mail_number(i) for i in numbers))
        appended |= {f"crash{i}@example.com" for i in numbers}
        proc = fetch(mailer.url)
        # Start-up is most of a run; the kills fall before, during and after the intake.
        time.sleep(chance.uniform(0.7, 2.0) * full_run)
        proc.send_signal(signal.SIGKILL)
        proc.wait(WAIT)
        check_once(store, dovecot, imap_user, appended)
    last = fetch(mailer.url)
    assert last.wait(WAIT) == 0, last.stderr.read()
    assert check_once(store, dovecot, imap_user, appended) == appended
    assert folder_count(dovecot, imap_user, "INBOX") == 0
    mailer.close()
