"""Mail out (issue 18): what the outbox costs, as ratios measured in the same run.

    .venv/bin/python -m bench.mail_send [--mails 300] [--rounds 3]

1. The reply path: take + reply + Ok on tickets of a department with a mailbox (the reply's
   mail queued in its transaction) against the same on a department without one (nothing
   queued, the baseline).
2. Sending: `send_pass` (claim, compose, SMTP, mark sent: three transactions a mail) against
   handing the very same mails' bytes to the same local SMTP server over one smtplib
   connection (the baseline: what SMTP alone costs).
SQLite, aiosmtpd on loopback (tests/mailservers.py). Not a test: the numbers depend on the
machine.
"""

from __future__ import annotations

import argparse
import smtplib
import statistics
import tempfile
import time

from store import admin
from store import service as sv
from store.actors import client_actor, staff_actor
from store.db import Store
from store.mail.mailboxes import add_mailbox
from store.mail.sending import send_pass

MAILED, PLAIN = "Mailed support", "Plain support"


def _desk(store: Store, smtp_port: int) -> None:
    admin.add_department(store, MAILED)
    admin.add_department(store, PLAIN)
    admin.add_staff(store, "agent", "Alex Agent", [MAILED, PLAIN])
    admin.add_client(store, "client@example.com", "Casey Client")
    add_mailbox(store, "support@desk.example", MAILED)
    admin.set_setting(store, "smtp_url", f"smtp://127.0.0.1:{smtp_port}")


def _replies(store: Store, department: str, n: int) -> float:
    client, agent = client_actor(store, "client@example.com"), staff_actor(store, "agent")
    ids = [sv.open_ticket(store, client, department, f"Question {i}", "Is the site down?")
           for i in range(n)]
    started = time.perf_counter()
    for tid in ids:
        token = sv.take(store, agent, tid).token
        sv.reply(store, agent, tid, "It is up again; sorry for the wait.", close=True, token=token)
    return time.perf_counter() - started


def _smtp_alone(port: int, mails: list[tuple[str, list[str], bytes]]) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for sender, recipients, data in mails:
            smtp.sendmail(sender, recipients, data)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    from tests.mailservers import SmtpServer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    server = SmtpServer().start()
    store = Store.open(f"sqlite:///{tempfile.mkdtemp(prefix='ticket-tui-mail-')}/bench.db")
    _desk(store, server.port)
    plain, mailed, sending, alone = [], [], [], []
    try:
        for r in range(args.rounds):
            order = [(PLAIN, plain), (MAILED, mailed)]
            for department, times in (order if r % 2 == 0 else order[::-1]):
                times.append(_replies(store, department, args.mails))
            before = len(server.handler.received)
            started = time.perf_counter()
            summary = send_pass(store)
            sending.append(time.perf_counter() - started)
            assert summary.sent == args.mails, summary
            sent = server.handler.received[before:]
            alone.append(_smtp_alone(server.port, [(m.mail_from, list(m.recipients), m.data)
                                                    for m in sent]))
            print(f"round {r + 1}: replies {plain[-1]:.2f} s plain, {mailed[-1]:.2f} s mailed; "
                  f"send_pass {sending[-1]:.2f} s, SMTP alone {alone[-1]:.2f} s", flush=True)
    finally:
        store.close()
        server.stop()
    n = args.mails
    p, m, s, a = (statistics.median(x) for x in (plain, mailed, sending, alone))
    print(f"\nMail out, {n} mails a round, SQLite, medians of {args.rounds} rounds")
    print(f"  take + reply + Ok, no mailbox:       {p / n * 1000:6.1f} ms a ticket")
    print(f"  take + reply + Ok, mail queued:      {m / n * 1000:6.1f} ms a ticket  "
          f"({m / p:.2f}x)")
    print(f"  SMTP alone (one connection):         {n / a:6.0f} mails/s")
    print(f"  send_pass (claim, compose, mark):    {n / s:6.0f} mails/s  ({s / a:.2f}x the time)")


if __name__ == "__main__":
    main()
