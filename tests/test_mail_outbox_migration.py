"""Migration 0008 on a desk that has data at 0007 (mailboxes, a mailed ticket): the outbox and
the desk's secret come, the secret once and for good, and the next reply is queued and sent;
0008 goes down and up again. The secret: the environment's wins; a staff login on PostgreSQL
can't read it."""

from __future__ import annotations

import pytest

from store import service as sv
from store.db import HEAD, Store
from store.mail.intake import receive
from store.mail.outbox import list_outbox
from store.mail.secret import SECRET_ENV, desk_secret
from store.mail.sending import send_pass
from tests.mail_desk import mail, mail_desk, mail_store, rows, set_setting
from tests.test_mail_migration import _migrate

OUTBOX_TABLES = {"outbox", "mail_secret"}


def test_0008_comes_onto_a_desk_with_mail_and_goes_down_and_up(db_url: str, smtp_server,
                                                                monkeypatch) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)
    store = Store.open(db_url)
    try:
        # The desk is made with today's models (later migrations add columns the ORM writes),
        # then taken down to 0007 and up again.
        desk = mail_desk(store)
        mailer = mail_store(store)
        ticket = receive(mailer, mail(sender="john@example.com")).ticket_id
        _migrate(store, "0007")
        assert not OUTBOX_TABLES & set(store.table_names())
        _migrate(store, "head")
        assert store.current_revision() == HEAD
        secret = desk_secret(store)
        assert len(secret) == 64 and desk_secret(mailer) == secret
        assert rows(store, "SELECT count(*) FROM mail_secret") == [(1,)]
        set_setting(store, "smtp_url", f"smtp://127.0.0.1:{smtp_server.port}")
        sv.take(store, desk.alice, ticket)
        sv.reply(store, desk.alice, ticket, "Answered after the upgrade.")
        assert send_pass(mailer) == (1, 0, 0)
        assert len(smtp_server.handler.wait_for(1)) == 1
        _migrate(store, "0007")
        assert not OUTBOX_TABLES & set(store.table_names())
        assert rows(store, "SELECT count(*) FROM tickets") == [(1,)]
        _migrate(store, "head")
        assert list_outbox(store) == []
        if mailer is not store:
            mailer.close()
    finally:
        store.close()


def test_the_secret_is_kept_and_the_environment_overrides_it(store, monkeypatch) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)
    kept = desk_secret(store)
    again = Store.open(store.url)
    try:
        assert desk_secret(again) == kept
    finally:
        again.close()
    monkeypatch.setenv(SECRET_ENV, "an operator's own secret, long enough")
    assert desk_secret(store) == "an operator's own secret, long enough"


@pytest.mark.pg
def test_a_staff_login_cannot_read_the_secret(pg_url: str, monkeypatch) -> None:
    from tests.personal import PersonalStore

    monkeypatch.delenv(SECRET_ENV, raising=False)
    store = PersonalStore.open(pg_url)
    try:
        desk = mail_desk(store)
        assert desk_secret(store) is not None
        assert desk_secret(store.as_person(desk.alice)) is None
    finally:
        store.close()
