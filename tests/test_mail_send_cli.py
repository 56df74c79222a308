"""The command line of mail out (cli/mail_send.py): `settings set smtp_url` checked in one
sentence, `mail send --json`, `mail outbox`, `mail resend`, the SMTP password's file from the
config file; on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from store import service as sv
from tests.test_cli_mail import run


@pytest.mark.parametrize("url", ["smtp://mail.example.com:587?starttls=yes", "smtps://mx.example.com",
                                 "smtp://desk%40example.com@127.0.0.1:2525", "smtp://[::1]:25"])
def test_smtp_urls_are_taken(box, url: str) -> None:
    result = run(box.store.url, "settings", "set", "smtp_url", url)
    assert result.exit_code == 0, result.output
    assert json.loads(run(box.store.url, "settings", "get", "smtp_url", "--json").stdout) == {"smtp_url": url}


@pytest.mark.parametrize("url, words", [
    ("smtp://desk:hunter2@mail.example.com", "must not hold a password"),
    ("http://mail.example.com", "must look like smtp://host:port"),
    ("smtp://mail.example.com:notaport", "must look like"),
    ("smtp://mail.example.com?starttls=maybe", "one option"),
    ("smtps://mail.example.com?starttls=yes", "TLS already"),
    ("smtp://mail.example.com/path", "must look like"),
])
def test_a_bad_smtp_url_is_refused_in_one_sentence(box, url: str, words: str) -> None:
    result = run(box.store.url, "settings", "set", "smtp_url", url)
    assert result.exit_code == 2
    assert words in result.stderr and result.stderr.count("\n") == 1
    assert "hunter2" not in json.dumps(run(box.store.url, "settings", "get", "--json").stdout)


def test_mail_send_outbox_and_resend(box) -> None:
    ticket = box.mailed_ticket()
    reply_id = sv.reply(box.store, box.desk.alice, ticket, "Refused, then sent.").reply_id
    box.smtp.handler.refuse_next(1, 554, "5.7.1 Rejected by policy")
    url = box.store.url
    assert json.loads(run(url, "mail", "send", "--json").stdout) == {"sent": 0, "retrying": 0, "failed": 1}
    [row] = json.loads(run(url, "mail", "outbox", "--json", "--state", "failed").stdout)
    assert (row["message_id"], row["last_answer"]) == (reply_id, "554 5.7.1 Rejected by policy")
    assert "554 5.7.1 Rejected by policy" in run(url, "mail", "outbox").stdout
    assert run(url, "mail", "resend", str(row["id"])).exit_code == 0
    assert run(url, "mail", "resend", str(row["id"])).exit_code == 1  # not failed any more
    assert run(url, "mail", "send").stdout.strip() == "1 sent, 0 to try again later, 0 failed."
    assert len(box.received(1)) == 1
    # The issue's own names: mail failed / mail retry, with --outbound.
    sv.reply(box.store, box.desk.alice, ticket, "Refused again.")
    box.smtp.handler.refuse_next(1, 550, "5.1.1 Gone")
    run(url, "mail", "send")
    [row] = json.loads(run(url, "mail", "failed", "--outbound", "--json").stdout)
    assert row["last_answer"] == "550 5.1.1 Gone"
    assert json.loads(run(url, "mail", "failed", "--json").stdout) == []  # mail in: none failed
    assert run(url, "mail", "retry", "--outbound", str(row["id"])).stdout == f"Mail #{row['id']} queued again.\n"
    assert json.loads(run(url, "mail", "send", "--json").stdout)["sent"] == 1


def test_no_smtp_url_is_exit_2(box) -> None:
    run(box.store.url, "settings", "set", "smtp_url", "")
    result = run(box.store.url, "mail", "send", "--json")
    assert result.exit_code == 2 and "smtp_url" in result.stderr


def test_the_password_file_must_be_private(box, tmp_path, monkeypatch) -> None:
    secret = tmp_path / "smtp.pw"
    secret.write_text("s3cret\n")
    secret.chmod(0o644)
    config = tmp_path / "config.toml"
    config.write_text(f'smtp_password_file = "{secret}"\n')
    monkeypatch.setenv("TICKET_TUI_CONFIG", str(config))
    monkeypatch.delenv("TICKET_TUI_SMTP_PASSWORD", raising=False)
    result = run(box.store.url, "mail", "send")
    assert result.exit_code == 2 and "can be read by anyone" in result.stderr
    secret.chmod(0o600)
    assert run(box.store.url, "mail", "send").exit_code == 0


def test_a_user_without_a_password_waits_with_the_reason(box, monkeypatch) -> None:
    monkeypatch.delenv("TICKET_TUI_SMTP_PASSWORD", raising=False)
    run(box.store.url, "settings", "set", "smtp_url", f"smtp://desk@127.0.0.1:{box.smtp.port}")
    ticket = box.mailed_ticket()
    sv.reply(box.store, box.desk.alice, ticket, "Needs a login.")
    assert json.loads(run(box.store.url, "mail", "send", "--json").stdout)["retrying"] == 1
    [row] = json.loads(run(box.store.url, "mail", "outbox", "--json").stdout)
    assert "no password" in row["last_answer"]


def test_ticket_show_json_gives_each_staff_replys_delivery(box) -> None:
    ticket = box.mailed_ticket()
    failed = sv.reply(box.store, box.desk.alice, ticket, "Refused.").reply_id
    box.smtp.handler.refuse_next(1, 550, "5.1.1 Unknown user")
    run(box.store.url, "mail", "send")
    queued = sv.reply(box.store, box.desk.alice, ticket, "Still queued.", internal="note").reply_id
    shown = json.loads(run(box.store.url, "--as", "alice", "ticket", "show", str(ticket), "--json").stdout)
    marks = {m["id"]: m for m in shown["messages"]}
    assert marks[failed]["delivery"] == "failed"
    assert marks[failed]["delivery_reason"] == "550 5.1.1 Unknown user"
    assert (marks[queued]["delivery"], marks[queued]["delivery_attempts"]) == ("queued", 0)
    assert [m.get("delivery") for m in shown["messages"] if m["kind"] != "staff"] == [None, None]
    client = json.loads(run(box.store.url, "--client", "john@example.com", "ticket", "show",
                            str(ticket), "--json").stdout)
    assert all("delivery" not in m for m in client["messages"])


def test_mail_send_tells_each_mail_on_stderr(box) -> None:
    ticket = box.mailed_ticket()
    sv.reply(box.store, box.desk.alice, ticket, "First.")
    sv.reply(box.store, box.desk.alice, ticket, "Second.")
    box.smtp.handler.refuse_next(1, 452, "4.2.2 Mailbox full\x1b[31m")
    result = run(box.store.url, "mail", "send")
    assert result.stdout == "1 sent, 1 to try again later, 0 failed.\n"
    lines = result.stderr.splitlines()
    assert "will be tried again in 0:01:00: 452 4.2.2 Mailbox full" in lines[0]
    assert "\x1b" not in result.stderr
    assert lines[1].endswith("sent to john@example.com")
    sv.reply(box.store, box.desk.alice, ticket, "Third.")
    box.smtp.handler.refuse_next(1, 550, "5.0.0 No\x1b]0;owned\x07")
    run(box.store.url, "mail", "send")
    listed = run(box.store.url, "mail", "outbox").stdout
    assert "550 5.0.0 No" in listed and "\x1b" not in listed and "\x07" not in listed
