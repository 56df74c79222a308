"""What the IMAP intake tests share: a desk whose mailboxes are folders of the test Dovecot
(tests/mailservers.py), mail put in with IMAP APPEND, and a look at the folders and flags as a
person's mail client would see them."""

from __future__ import annotations

import imaplib
import os
import re
import subprocess
import sys
from pathlib import Path

from store.db import Store
from store.mail.mailboxes import add_mailbox
from tests.desk import make_desk
from tests.mail_desk import BILLING, SUPPORT
from tests.mailservers import LOOPBACK, Dovecot, ImapUser

ROOT = Path(__file__).resolve().parent.parent


def imap_url(dovecot: Dovecot, user: ImapUser, folder: str = "INBOX") -> str:
    return f"imap://{user.name}@{LOOPBACK}:{dovecot.port}/{folder}"


def password_file(directory: Path, user: ImapUser) -> str:
    path = directory / f"{user.name}.password"
    path.write_text(user.password + "\n")
    path.chmod(0o600)
    return str(path)


def imap_desk(store: Store, dovecot: Dovecot, directory: Path, *users: ImapUser,
              folder: str = "INBOX"):
    """tests/desk.py's desk; Technical support's mailbox is users[0]'s folder, Billing's
    users[1]'s (when given)."""
    desk = make_desk(store)
    for address, department, user in zip((SUPPORT, BILLING), ("Technical support", "Billing"), users):
        add_mailbox(store, address, department, imap_url=imap_url(dovecot, user, folder),
                    password_file=password_file(directory, user))
    return desk


def append(dovecot: Dovecot, user: ImapUser, *mails: bytes, folder: str = "INBOX",
           flags: str = "") -> None:
    imap = dovecot.connect(user)
    try:
        if folder != "INBOX":
            imap.create(folder)  # an existing folder: NO, harmless
        for raw in mails:
            typ, said = imap.append(folder, f"({flags})" if flags else None, None, raw)
            assert typ == "OK", said
    finally:
        imap.logout()


def folder_flags(dovecot: Dovecot, user: ImapUser, folder: str) -> list[set[str]]:
    """The flags a person's client keeps for each mail of the folder, in UID order ([] when
    there is no such folder); not \\Recent, which only says which session saw it first."""
    imap = dovecot.connect(user)
    try:
        typ, _ = imap.select(folder, readonly=True)
        if typ != "OK":
            return []
        typ, data = imap.uid("FETCH", "1:*", "(FLAGS)")
        found = [d for d in data if d]
        return [set(re.search(rb"FLAGS \(([^)]*)\)", d).group(1).decode().split()) - {"\\Recent"}
                for d in found]
    finally:
        imap.logout()


def folder_count(dovecot: Dovecot, user: ImapUser, folder: str) -> int:
    return len(folder_flags(dovecot, user, folder))


def recreate_folder(dovecot: Dovecot, user: ImapUser, folder: str) -> None:
    """Deletes and makes the folder again: a new UIDVALIDITY, UIDs from 1."""
    imap = dovecot.connect(user)
    try:
        assert imap.delete(folder)[0] == "OK"
        assert imap.create(folder)[0] == "OK"
    finally:
        imap.logout()


def uidvalidity(dovecot: Dovecot, user: ImapUser, folder: str) -> int:
    imap: imaplib.IMAP4 = dovecot.connect(user)
    try:
        typ, data = imap.status(folder, "(UIDVALIDITY)")
        return int(re.search(rb"UIDVALIDITY (\d+)", data[0]).group(1))
    finally:
        imap.logout()


def ticket_tui(url: str, *args: str, **popen) -> subprocess.Popen:
    """`ticket-tui --db URL ARGS` as its own process, with this tree's code."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **popen.pop("env", {})}
    return subprocess.Popen([sys.executable, "-m", "ticket_tui", "--db", url, *args], cwd=ROOT,
                            env=env, stdin=subprocess.DEVNULL, **popen)


def folder_message_ids(dovecot: Dovecot, user: ImapUser, folder: str) -> list[str]:
    """The Message-IDs of the folder's mails, in UID order, without brackets."""
    imap = dovecot.connect(user)
    try:
        if imap.select(folder, readonly=True)[0] != "OK":
            return []
        typ, data = imap.uid("FETCH", "1:*", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        headers = [part[1] for part in data if isinstance(part, tuple)]
        return [re.search(rb"<([^>]+)>", h).group(1).decode() for h in headers]
    finally:
        imap.logout()
