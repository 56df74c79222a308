"""Migration 0007 goes down to 0006 and up again on both databases: the mail tables go and
come back, and on PostgreSQL the identity function no longer lets a mail login act as a
client once they are gone."""

from __future__ import annotations

from alembic import command

from store.db import Store, _alembic_config
from store.engine import WRITE
from store.mail.intake import receive
from tests.mail_desk import mail, mail_desk, mail_store

MAIL_TABLES = {"mailboxes", "mail_ids", "mail_originals", "failed_mail"}


def _migrate(store: Store, target: str) -> None:
    with store.engine.execution_options(**{WRITE: True}).begin() as conn:
        if target == "head":
            command.upgrade(_alembic_config(conn), target)
        else:
            command.downgrade(_alembic_config(conn), target)


def test_0007_goes_down_and_up_again(db_url: str) -> None:
    store = Store.open(db_url)
    try:
        _migrate(store, "0006")
        assert store.current_revision() == "0006"
        assert not MAIL_TABLES & set(store.table_names())
        if store.dialect == "postgresql":
            with store.sql() as q:
                source = q.value("SELECT prosrc FROM pg_proc WHERE proname = 'ticket_tui_client_id'")
            assert "mail_client" not in source
        _migrate(store, "head")
        assert MAIL_TABLES <= set(store.table_names())
        mail_desk(store)
        mailer = mail_store(store)
        assert receive(mailer, mail()).outcome == "new_ticket"
        if mailer is not store:
            mailer.close()
    finally:
        store.close()
