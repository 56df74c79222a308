"""`mail watch` latency: IMAP APPEND to the ticket stored, and to the change heard by a live
listener (store.live, what an open TUI waits on), median and worst of N; target <= 2 s.

    .venv/bin/python -m bench.mail_watch [--mails 20] [--postgresql]

`ticket-tui mail watch` runs as its own process (as the service does) and IDLEs on a local
Dovecot; each mail is appended `--gap` seconds after the previous one is heard, when the
service is IDLE again (with no gap a mail often lands while it still moves the one before,
and is found without IDLE: faster, and not what a mail arriving alone meets). Baseline, in the same run: the
same kind of mail taken by the intake alone in this process (`receive`, no IMAP, no IDLE), so
the ratio is what the service's waiting, fetching and moving add. On SQLite the listener polls
every 0.5 s (store/live.py); on PostgreSQL it hears NOTIFY. Not a test: the numbers depend on
the machine.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from store import live
from store.db import Store
from store.mail.intake import receive
from bench.mail_desk import bench_mail, mail_bench

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60.0


class Heard:
    """The times at which a live listener heard a change (a thread of its own)."""

    def __init__(self, store: Store) -> None:
        self.times: list[float] = []
        self._listener = live.listen(store)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                change = self._listener.wait(1.0)
            except Exception:  # noqa: BLE001 - closed
                return
            if change is not None:
                self.times.append(time.perf_counter())

    def first_after(self, moment: float) -> float:
        deadline = time.perf_counter() + TIMEOUT
        while time.perf_counter() < deadline:
            later = [t for t in self.times if t > moment]
            if later:
                return later[0]
            time.sleep(0.005)
        raise RuntimeError("no change heard")

    def close(self) -> None:
        self._listener.close()


def _tickets(store: Store) -> int:
    with store.sql() as q:
        return q.value("SELECT count(*) FROM tickets")


def _wait_tickets(store: Store, n: int) -> float:
    deadline = time.perf_counter() + TIMEOUT
    while _tickets(store) < n:
        if time.perf_counter() > deadline:
            raise RuntimeError(f"ticket {n} never arrived")
        time.sleep(0.005)
    return time.perf_counter()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=20)
    parser.add_argument("--gap", type=float, default=1.0)
    parser.add_argument("--postgresql", action="store_true")
    args = parser.parse_args(argv)
    stored, heard, alone = [], [], []
    with mail_bench(args.postgresql) as (store, service_url, server, user):
        log = open(Path(tempfile.mkdtemp(prefix="ticket-tui-watch-")) / "watch.log", "wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "ticket_tui", "--db", service_url, "mail", "watch"], cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=log, stderr=subprocess.STDOUT)
        listener = Heard(store)
        imap = server.connect(user)
        try:
            time.sleep(3)  # connected and IDLE
            for i in range(args.mails):
                time.sleep(args.gap)
                started = time.perf_counter()
                imap.append("INBOX", None, None, bench_mail(i, "watch"))
                stored.append(_wait_tickets(store, i + 1) - started)
                heard.append(listener.first_after(started) - started)
        finally:
            imap.logout()
            listener.close()
            proc.send_signal(signal.SIGTERM)
            proc.wait(TIMEOUT)
            log.close()
        service = Store.open(service_url, migrate=False)
        for i in range(args.mails):
            started = time.perf_counter()
            receive(service, bench_mail(i, "alone"), source="pipe")
            alone.append(time.perf_counter() - started)
        service.close()
    kind = "PostgreSQL (the mail service's login, NOTIFY)" if args.postgresql else \
        "SQLite (the listener polls every 0.5 s)"
    base = statistics.median(alone)
    print(f"mail watch latency, APPEND to ticket, {args.mails} mails {args.gap} s apart, {kind}; "
          "target <= 2 s")
    print(f"  baseline, the intake alone:   median {base:6.3f} s  worst {max(alone):6.3f} s")
    for name, found in (("stored (in the database)", stored), ("heard (store.live)", heard)):
        median = statistics.median(found)
        print(f"  {name:28} median {median:6.3f} s  worst {max(found):6.3f} s"
              f"  {median / base:.1f}x the baseline")


if __name__ == "__main__":
    main()
