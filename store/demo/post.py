"""The demo's post office: where the desk's mail goes while the demo is built. Each mail is
delivered, byte for byte, as a file into a Maildir folder beside the demo database (its `new/`),
so a curious user can open what the desk sent; one client's mailbox is full, as happens, so the
demo also shows a reply whose mail failed with the server's answer. It stands where an SMTP
server would (store.mail.sending.send_pass takes it as its connection); a real desk sets
smtp_url instead."""

from __future__ import annotations

import mailbox
from pathlib import Path

from ..mail.records import OutgoingMail
from ..mail.smtp import PermanentFailure

FULL_MAILBOXES = frozenset({"greta@nordicyarn.example"})


class DemoPostOffice:
    def __init__(self, folder: Path, full: frozenset[str] = FULL_MAILBOXES) -> None:
        self.maildir = mailbox.Maildir(folder, create=True)
        self.full = full

    def send(self, mail: OutgoingMail) -> str:
        for recipient in mail.recipients:
            if recipient.lower() in self.full:
                raise PermanentFailure(f"552 5.2.2 <{recipient}>: Mailbox full")
        key = self.maildir.add(mail.data)
        return f"250 2.0.0 Ok: kept as {key}"

    def close(self) -> None:
        self.maildir.close()
