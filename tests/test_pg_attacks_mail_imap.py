"""The IMAP settings of a mailbox against the mail service's own login and a staff member's, at
psql: the mail login moves its UID marks (what `mail fetch` writes) and nothing else; pointing
the mailbox at another server (where the password would go at the next login) or at another
password file is refused, and so is any write of a staff member's."""

from __future__ import annotations

import pytest

from store.mail.mailboxes import add_mailbox
from store.mail.service_login import grant_mail_login
from tests.pg_attacks import desk  # noqa: F401 - the fixture
from tests.pg_attacks import AttackDesk, refused

pytestmark = pytest.mark.pg


@pytest.fixture
def mail_desk(desk: AttackDesk, tmp_path) -> AttackDesk:  # noqa: F811 - the fixture above
    secret = tmp_path / "imap.pw"
    secret.write_text("imap secret")
    secret.chmod(0o600)
    add_mailbox(desk.store, "support@tech.example", "Tech",
                imap_url="imaps://support@mail.tech.example/INBOX", password_file=str(secret))
    desk.roles["mail"] = grant_mail_login(desk.store, "desk_mail_imap")
    return desk


@pytest.mark.parametrize("change", [
    "imap_url = 'imaps://support@mail.attacker.example/INBOX'",
    "password_file = '/root/.pgpass'",
    "address = 'me@attacker.example'",
    "department_id = (SELECT id FROM departments WHERE name = 'Billing')",
])
def test_the_mail_login_changes_no_setting_of_a_mailbox(mail_desk: AttackDesk, change) -> None:
    refused(mail_desk, "mail", f"UPDATE mailboxes SET {change}")


def test_the_mail_login_adds_and_removes_no_mailbox(mail_desk: AttackDesk) -> None:
    refused(mail_desk, "mail", "DELETE FROM mailboxes")
    refused(mail_desk, "mail", "INSERT INTO mailboxes (department_id, address, imap_url, "
                               "imap_last_uid, created_at) SELECT department_id, "
                               "'x@attacker.example', 'imap://x@attacker.example/', 0, now() "
                               "FROM mailboxes")


def test_the_mail_login_moves_its_uid_marks_and_staff_touch_nothing(mail_desk: AttackDesk) -> None:
    assert mail_desk.attempt("mail", "UPDATE mailboxes SET imap_uidvalidity = 7, "
                                     "imap_last_uid = 42") is None
    assert mail_desk.rows("SELECT imap_uidvalidity, imap_last_uid FROM mailboxes") == [(7, 42)]
    for person in ("root", "alice"):
        refused(mail_desk, person, "UPDATE mailboxes SET imap_last_uid = 0")
        refused(mail_desk, person, "UPDATE mailboxes SET imap_url = 'imap://x@attacker.example/'")
