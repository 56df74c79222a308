"""The mail commands of issue 18 (cli/mail.py): mailbox add/list/remove, mail receive (exit 0
stored, failed or dropped; 75 when the database can't take it now, and the same mail delivered
again afterwards is stored once), mail failed and mail retry; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import socket
import sqlite3
import time

import pytest
from click.testing import CliRunner

from store.db import Store
from ticket_tui import main
from tests.mail_desk import count, mail, mail_desk, mail_store, rows


def run(url: str, *args: str, stdin: bytes | None = None):
    result = CliRunner().invoke(main, ["--db", url, *args], input=stdin)
    assert "Traceback" not in result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


@pytest.fixture
def desk_url(store) -> str:
    mail_desk(store)
    return store.url


def test_mailboxes_are_added_listed_and_removed(desk_url: str, tmp_path) -> None:
    secret = tmp_path / "imap-password"
    secret.write_text("s3cret\n")
    secret.chmod(0o600)
    added = run(desk_url, "mailbox", "add", "Abuse@Desk.Example", "--department", "Billing",
                "--imap", "imaps://abuse@127.0.0.1:993/INBOX", "--password-file", str(secret))
    assert added.exit_code == 0 and "abuse@desk.example added for Billing" in added.stdout
    listed = json.loads(run(desk_url, "mailbox", "list", "--json").stdout)
    assert [b["address"] for b in listed] == ["abuse@desk.example", "billing@desk.example",
                                              "support@desk.example"]
    assert listed[0]["imap_url"] == "imaps://abuse@127.0.0.1:993/INBOX"
    assert listed[0]["password_file"] == str(secret) and "s3cret" not in json.dumps(listed)
    assert run(desk_url, "mailbox", "remove", "ABUSE@desk.example").exit_code == 0
    assert len(json.loads(run(desk_url, "mailbox", "list", "--json").stdout)) == 2


@pytest.mark.parametrize("args, code, words", [
    (["support@desk.example", "--department", "Billing"], 1, "exists already"),
    (["new@desk.example", "--department", "Nowhere"], 1, "no department"),
    (["not an address", "--department", "Billing"], 2, "not a valid email"),
    (["new@desk.example", "--department", "Billing", "--imap", "imap://u:pw@host/INBOX"], 2,
     "passwords are never stored"),
    (["new@desk.example", "--department", "Billing", "--imap", "http://host/"], 2,
     "not an IMAP URL"),
    (["new@desk.example", "--department", "Billing", "--password-file", "/no/such/file"], 2,
     "can't be read"),
])
def test_mailbox_add_refuses_in_one_sentence(desk_url: str, args, code, words) -> None:
    result = run(desk_url, "mailbox", "add", *args)
    assert result.exit_code == code, result.output
    assert result.stderr.startswith("Error: ") and words in result.stderr
    assert len(json.loads(run(desk_url, "mailbox", "list", "--json").stdout)) == 2


def test_a_password_file_others_can_read_is_refused(desk_url: str, tmp_path) -> None:
    secret = tmp_path / "open-password"
    secret.write_text("s3cret")
    secret.chmod(0o644)
    result = run(desk_url, "mailbox", "add", "x@desk.example", "--department", "Billing",
                 "--password-file", str(secret))
    assert result.exit_code == 2 and "can be read by anyone" in result.stderr
    assert run(desk_url, "mailbox", "remove", "x@desk.example").exit_code == 1


def test_mail_receive_stores_keeps_failed_mail_and_retries(store, desk_url: str) -> None:
    mailer = mail_store(store)
    url = mailer.url
    raw = mail(message_id="<cli1@example.com>")
    first = run(url, "mail", "receive", stdin=raw)
    assert first.exit_code == 0 and first.stdout.startswith("new_ticket (ticket #")
    assert run(url, "mail", "receive", stdin=raw).stdout.startswith("duplicate")
    broken = run(url, "mail", "receive", stdin=b"\x00 nothing like a mail")
    assert broken.exit_code == 0 and broken.stdout.startswith("failed:")
    to_billing = run(url, "mail", "receive", "--to", "billing@desk.example",
                     stdin=mail(to="else@example.net"))
    assert to_billing.exit_code == 0 and to_billing.stdout.startswith("new_ticket")
    assert count(store, "messages") == 2
    [failed] = json.loads(run(desk_url, "mail", "failed", "--json").stdout)
    assert failed["source"] == "pipe" and failed["resolved_at"] is None
    again = run(desk_url, "mail", "retry", str(failed["id"]))
    assert again.exit_code == 1 and "failed again" in again.stderr
    assert run(desk_url, "mail", "retry", "999").exit_code == 1


@pytest.mark.pg
def test_a_staff_login_lists_no_failed_mail_unless_an_administrator(pg_url: str) -> None:
    from sqlalchemy.engine import make_url

    from store.logins import grant_login

    store = Store.open(pg_url)
    mail_desk(store)
    run(mail_store(store).url, "mail", "receive", stdin=b"\x01 not a mail")
    seen = {}
    for login in ("alice", "root"):
        role = grant_login(store, login).role
        url = make_url(store.url).set(username=role).render_as_string(hide_password=False)
        seen[login] = len(json.loads(run(url, "mail", "failed", "--json").stdout))
    assert seen == {"alice": 0, "root": 1}
    store.close()


def test_a_locked_sqlite_store_is_75_and_the_mail_delivered_again_is_stored_once(sqlite_url) -> None:
    store = Store.open(sqlite_url)
    mail_desk(store)
    raw = mail(message_id="<locked@example.com>")
    holder = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing, for longer than the busy timeout
    try:
        started = time.monotonic()
        locked = run(sqlite_url, "mail", "receive", stdin=raw)
        assert locked.exit_code == 75, locked.output
        assert "deliver it again later" in locked.stderr and time.monotonic() - started < 60
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert count(store, "messages") == 0 and count(store, "failed_mail") == 0
    for _ in range(2):
        assert run(sqlite_url, "mail", "receive", stdin=raw).exit_code == 0
    assert count(store, "messages") == 1
    store.close()


@pytest.mark.pg
def test_an_unreachable_postgresql_is_75_and_the_mail_delivered_again_is_stored_once(
        pg_url: str) -> None:
    with socket.socket() as probe:  # a port where no server listens: a stopped PostgreSQL
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    raw = mail(message_id="<down@example.com>")
    result = run(f"postgresql://nobody@127.0.0.1:{port}/desk", "mail", "receive", stdin=raw)
    assert result.exit_code == 75 and result.stdout == ""
    assert "deliver it again later" in result.stderr
    store = Store.open(pg_url)
    mail_desk(store)
    mailer = mail_store(store)
    for _ in range(2):
        assert run(mailer.url, "mail", "receive", stdin=raw).exit_code == 0
    assert count(store, "messages") == 1
    mailer.close()
    store.close()


def test_the_stored_rows_are_the_mails_own(store, desk_url: str) -> None:
    run(mail_store(store).url, "mail", "receive", stdin=mail("hello", message_id="<own@example.com>"))
    assert rows(store, "SELECT message_id_header, direction FROM mail_ids") == [("own@example.com", "in")]


@pytest.mark.pg
def test_admin_grant_login_mail_makes_the_mail_services_login(pg_url: str) -> None:
    from sqlalchemy.engine import make_url

    from store.logins import grant_login

    store = Store.open(pg_url)
    mail_desk(store)
    made = run(pg_url, "admin", "grant-login", "desk_mail2", "--mail", "--password-stdin",
               stdin=b"a password\n")
    assert made.exit_code == 0 and "granted to the mail service" in made.stdout
    url = make_url(pg_url).set(username="desk_mail2").render_as_string(hide_password=False)
    assert run(url, "mail", "receive", stdin=mail()).stdout.startswith("new_ticket")
    grant_login(store, "alice")
    taken = run(pg_url, "admin", "grant-login", "alice", "--mail")
    assert taken.exit_code == 1 and "not a mail service login" in taken.stderr
    both = run(pg_url, "admin", "grant-login", "x", "--mail", "--client")
    assert both.exit_code == 2 and "not both" in both.stderr
    reserved = run(pg_url, "admin", "grant-login", "ticket_tui_mail", "--mail")
    assert reserved.exit_code == 1 and "kept for" in reserved.stderr
    store.close()


def test_ticket_show_marks_mailed_messages_for_staff(store, desk_url: str) -> None:
    from store import service as sv
    from store.actors import client_actor, staff_actor

    taken = run(mail_store(store).url, "mail", "receive", stdin=mail(sender="john@example.com"))
    ticket = int(taken.stdout.split("#")[1].split(")")[0])
    john, root = client_actor(store, "john@example.com"), staff_actor(store, "root")
    sv.client_reply(store, john, ticket, "typed in the client area")
    assert [m.channel for m in sv.show(store, root, ticket).messages] == ["email", None]
    assert [m.channel for m in sv.show(store, john, ticket).messages] == [None, None]
    shown = json.loads(run(desk_url, "--as", "root", "ticket", "show", str(ticket), "--json").stdout)
    assert [m.get("channel") for m in shown["messages"]] == ["email", None]


def test_removing_a_mailbox_keeps_the_mail_it_took_in(store, desk_url: str) -> None:
    mailer = mail_store(store)
    assert run(mailer.url, "mail", "receive", stdin=mail(to="billing@desk.example")).exit_code == 0
    assert run(desk_url, "mailbox", "remove", "billing@desk.example").exit_code == 0
    assert rows(store, "SELECT mailbox_id FROM mail_ids") == [(None,)]
    assert count(store, "messages") == 1 and count(store, "mail_originals") == 1
