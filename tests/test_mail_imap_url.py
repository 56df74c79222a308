"""The IMAP settings of a mailbox as the connection reads them (store/mail/imap.py): the URL's
parts and STARTTLS choice, and the password read at use, never from a file others can read."""

from __future__ import annotations

import pytest

from store.mail.imap import ImapConfigError, ImapTarget, parse_imap_url, read_password


def test_the_url_gives_host_port_user_folder_and_tls() -> None:
    assert parse_imap_url("imap://desk@mail.example.com/Support%20Desk") == ImapTarget(
        "mail.example.com", 143, "desk", "Support Desk", False, True)
    assert parse_imap_url("imaps://desk%40example.com@mail.example.com:1993") == ImapTarget(
        "mail.example.com", 1993, "desk@example.com", "INBOX", True, True)
    assert parse_imap_url("imap://desk@127.0.0.1:1143/INBOX?starttls=no").starttls is False


@pytest.mark.parametrize("url", ["imap://mail.example.com/INBOX", "pop3://u@mail.example.com/",
                                 "imap://u:pw@mail.example.com/", "imap://u@mail.example.com:x/"])
def test_a_url_without_user_or_with_a_password_is_refused(url) -> None:
    with pytest.raises(ImapConfigError):
        parse_imap_url(url)


def test_the_password_is_read_at_use_and_refused_when_others_can_read_it(tmp_path,
                                                                          monkeypatch) -> None:
    monkeypatch.delenv("TICKET_TUI_IMAP_PASSWORD", raising=False)
    secret = tmp_path / "imap.pw"
    secret.write_text("first\n")
    secret.chmod(0o600)
    assert read_password(str(secret)) == "first"
    secret.write_text("changed\n")  # read again at each connection: no restart needed
    assert read_password(str(secret)) == "changed"
    secret.chmod(0o644)
    with pytest.raises(ImapConfigError, match="can be read by anyone"):
        read_password(str(secret))
    with pytest.raises(ImapConfigError, match="TICKET_TUI_IMAP_PASSWORD"):
        read_password(None)
    monkeypatch.setenv("TICKET_TUI_IMAP_PASSWORD", "from the environment")
    assert read_password(None) == "from the environment"


def test_batches_hold_at_most_fifty_mails_and_sixteen_megabytes() -> None:
    from store.mail.fetch import BATCH_BYTES, _batches

    assert _batches([], {}) == []
    assert [len(b) for b in _batches(list(range(1, 121)), {})] == [50, 50, 20]
    big = BATCH_BYTES // 2 + 1
    sizes = {1: 10, 2: big, 3: big, 4: BATCH_BYTES * 2, 5: 10}
    assert _batches([1, 2, 3, 4, 5], sizes) == [[1, 2], [3], [4], [5]]
