"""Fixtures of the real mail servers (tests/mailservers.py), loaded by tests/conftest.py.

Like PostgreSQL's: a server that can't be started skips its tests with the reason, except in
CI, where a skip is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

import pytest

from tests.mailservers import Dovecot, ImapUser, SmtpServer

IN_CI = os.environ.get("CI") == "true"
Server = TypeVar("Server")


def started_or_skipped(start: Callable[[], Server], what: str) -> Server:
    try:
        return start()
    except Exception as exc:  # noqa: BLE001 - any failure to start means "no server here"
        reason = f"{what} could not be started: {exc}"
        if IN_CI:
            pytest.fail(f"{reason} (in CI a skipped server test is a failure)")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def dovecot():
    server = started_or_skipped(lambda: Dovecot().start(), "Dovecot")
    yield server
    server.stop()


@pytest.fixture
def imap_user(dovecot: Dovecot) -> ImapUser:
    """A mail user of its own for this test: an empty INBOX."""
    return dovecot.add_user()


@pytest.fixture
def smtp_server():
    server = started_or_skipped(lambda: SmtpServer().start(), "The SMTP server (aiosmtpd)")
    yield server
    server.stop()


@pytest.fixture
def box(store, smtp_server):
    """tests/outbox_desk.py's desk with its SMTP server and the mail service's store."""
    from tests.outbox_desk import outbox_desk

    made = outbox_desk(store, smtp_server)
    yield made
    if made.mailer is not store:
        made.mailer.close()
