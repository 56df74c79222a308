"""`mail fetch` of N waiting messages from a local Dovecot against its baseline, in one run.

    .venv/bin/python -m bench.mail_fetch [--messages 1000] [--postgresql]

Baseline: the same N mails fetched with plain IMAP (imaplib, BODY.PEEK[] in batches of 50, as
the fetch does) and parsed by the intake's own parser, without storing anything. Then the real
pass (store.mail.fetch.fetch_all): fetch, intake (a new ticket each, a client made for each new
sender), the move to Processed, the last UID. The ratio is the cost of storing and moving.
Second reference: N other mails of the same shape taken by the intake alone (as `mail receive`
would, without IMAP, after the fetch: their senders are clients already): what of the fetch's
time is the intake's, and what is IMAP's.
Not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import time

from store.mail.fetch import BATCH, fetch_all
from store.mail.intake import receive
from store.mail.parse import parse_mail
from store.db import Store
from bench.mail_desk import append_all, bench_mail, mail_bench


def _baseline(server, user) -> tuple[float, int]:
    started = time.perf_counter()
    imap = server.connect(user)
    parsed = 0
    try:
        imap.select("INBOX", readonly=True)
        _, data = imap.uid("SEARCH", "ALL")
        uids = data[0].split()
        for start in range(0, len(uids), BATCH):
            batch = b",".join(uids[start:start + BATCH]).decode()
            _, got = imap.uid("FETCH", batch, "(BODY.PEEK[])")
            for part in got:
                if isinstance(part, tuple):
                    parse_mail(part[1], max_bytes=25 * 1024 * 1024)
                    parsed += 1
    finally:
        imap.logout()
    return time.perf_counter() - started, parsed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--postgresql", action="store_true")
    args = parser.parse_args(argv)
    n = args.messages
    with mail_bench(args.postgresql) as (store, service_url, server, user):
        started = time.perf_counter()
        append_all(server, user, [bench_mail(i) for i in range(n)])
        appended = time.perf_counter() - started
        base, parsed = _baseline(server, user)
        assert parsed == n, f"{parsed} of {n} mails read"
        service = Store.open(service_url, migrate=False)
        started = time.perf_counter()
        [summary] = fetch_all(service)
        took = time.perf_counter() - started
        service.close()
        assert summary.taken == n and not summary.errors, summary
        service = Store.open(service_url, migrate=False)
        started = time.perf_counter()
        for i in range(n):
            receive(service, bench_mail(i, "pipe"), source="pipe")
        intake = time.perf_counter() - started
        service.close()
    kind = "PostgreSQL (the mail service's login)" if args.postgresql else "SQLite"
    print(f"mail fetch of {n:,} waiting messages, local Dovecot, {kind}")
    print(f"  (APPEND of the {n:,}: {appended:.2f} s)")
    print(f"  baseline, plain IMAP fetch + parse: {base:6.2f} s  {n / base:7.0f} messages/s")
    print(f"  mail fetch (stored, moved):         {took:6.2f} s  {n / took:7.0f} messages/s"
          f"  {took / base:.1f}x the baseline")
    print(f"  the intake alone, no IMAP:          {intake:6.2f} s  {n / intake:7.0f} messages/s"
          f"  (the fetch takes {took / intake:.2f}x the intake alone)")


if __name__ == "__main__":
    main()
