"""Local mail servers to try the mail channel by hand (the README's walkthrough): the tests' own
Dovecot (IMAP, a passwd-file user) and aiosmtpd (SMTP), on 127.0.0.1 only, pointed at a desk.

    .venv/bin/python -m tests.mail_sandbox --db sqlite:///$HOME/.local/share/ticket-tui/demo.db

It gives the desk's Technical support mailbox the IMAP folder of a throw-away user (the password
in a file only its owner reads), sets smtp_url to the SMTP server, and then waits: type a line to
put a mail from a client into the IMAP inbox; each mail the desk sends is printed as it arrives.
Ctrl-C (or end of input) stops both servers. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from store import admin
from store.clock import utcnow
from store.db import Store
from store.mail.mailboxes import add_mailbox, list_mailboxes, remove_mailbox
from tests.mailservers import Dovecot, SmtpServer

ADDRESS = "support@example-hosting.example"
CLIENT = "Harriet Cole <harriet@colesbakery.example>"


def _client_mail(text: str) -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = CLIENT, ADDRESS, text[:60] or "Help"
    mail["Date"], mail["Message-ID"] = format_datetime(utcnow()), make_msgid(domain="colesbakery.example")
    mail.set_content(f"Hello,\n\n{text}\n\nHarriet")
    return bytes(mail)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="the desk's database URL (the demo's, say)")
    db = parser.parse_args().db
    dovecot, smtp = Dovecot().start(), SmtpServer().start()
    user = dovecot.add_user()
    secret = Path(tempfile.mkdtemp(prefix="ticket-tui-sandbox-")) / "imap.pw"
    secret.write_text(user.password)
    secret.chmod(0o600)
    store = Store.open(db)
    try:
        if any(m.address == ADDRESS for m in list_mailboxes(store)):
            remove_mailbox(store, ADDRESS)
        add_mailbox(store, ADDRESS, "Technical support",
                    imap_url=f"imap://{user.name}@127.0.0.1:{dovecot.port}/INBOX?starttls=no",
                    password_file=str(secret))
        admin.set_setting(store, "smtp_url", f"smtp://127.0.0.1:{smtp.port}")
        print(f"IMAP {user.name}@127.0.0.1:{dovecot.port} is {ADDRESS}'s inbox; SMTP on port "
              f"{smtp.port}. Type a line to mail the desk as {CLIENT}; Ctrl-C stops.", flush=True)
        _serve(dovecot, user, smtp)
    except KeyboardInterrupt:
        pass
    finally:
        store.close()
        smtp.stop()
        dovecot.stop()


def _serve(dovecot: Dovecot, user, smtp: SmtpServer) -> None:
    import selectors

    shown = 0
    selector = selectors.DefaultSelector()
    selector.register(sys.stdin, selectors.EVENT_READ)
    while True:
        for received in smtp.handler.received[shown:]:
            print(f"--- SMTP received a mail for {', '.join(received.recipients)}:\n"
                  f"{received.data.decode('utf-8', 'replace')}", flush=True)
        shown = len(smtp.handler.received)
        if selector.select(timeout=0.5):
            line = sys.stdin.readline()
            if not line:
                return
            imap = dovecot.connect(user)
            imap.append("INBOX", None, None, _client_mail(line.strip()))
            imap.logout()
            print("--- put into the IMAP inbox", flush=True)
        time.sleep(0.05)


if __name__ == "__main__":
    main()
