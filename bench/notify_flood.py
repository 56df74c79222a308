"""What a flood of change notifications costs an open, idle staff TUI on PostgreSQL.

    .venv/bin/python -m bench.notify_flood [--seconds 20] [--rate 100] [--payload '*']

Anyone who can connect may NOTIFY any channel (PostgreSQL has no privilege for it), so a client
login can send the TUIs' change channel a hundred notifications a second. This starts a
throw-away server (tests/pgcluster.py) with a small desk, opens the staff TUI as a staff
member's own login role in a pseudo-terminal, and measures the CPU time of that process
(/proc, all its threads) while idle and then while another login floods the channel. Not a
test: the numbers depend on the machine; compare them run against run.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime, every thread


def _desk(url: str) -> None:
    from store import admin, logins
    from store import service as sv
    from store.actors import client_actor
    from store.db import Store

    store = Store.open(url)
    try:
        admin.add_department(store, "Tech")
        admin.add_staff(store, "flood_staff", "Idle Reader", ["Tech"])
        admin.add_staff(store, "flood_sender", "Sender", ["Tech"])
        logins.grant_login(store, "flood_staff")
        logins.grant_login(store, "flood_sender")
        admin.add_client(store, "flood@example.com", "Client")
        client = client_actor(store, "flood@example.com")
        for n in range(40):
            sv.open_ticket(store, client, "Tech", f"Ticket {n}", "The site is slow.")
    finally:
        store.close()


def _open_tui(url: str, home: Path) -> subprocess.Popen:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "HOME": str(home),
           "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
           "TICKET_TUI_CONFIG": str(home / "none.toml"), "COLUMNS": "120", "LINES": "36"}
    for name in ("TEXTUAL", "TEXTUAL_DEVTOOLS_PORT", "TEXTUAL_DEBUG", "TICKET_TUI_DB"):
        env.pop(name, None)
    proc = subprocess.Popen([sys.executable, str(ROOT / "ticket_tui.py"), "--db", url], cwd=ROOT,
                            env=env, stdin=slave, stdout=slave, stderr=slave,
                            start_new_session=True)
    os.close(slave)

    def drain() -> None:  # the terminal's reader: the app must never block on a full pty
        while True:
            try:
                if not os.read(master, 65536):
                    return
            except OSError:
                return

    threading.Thread(target=drain, daemon=True).start()
    return proc


def _flood(dsn: str, rate: float, payload: str, stop: threading.Event, sent: list[int]) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        gap = 1.0 / rate
        next_at = time.monotonic()
        while not stop.is_set():
            conn.execute("SELECT pg_notify('ticket_tui_changes', %s)", (payload,))
            sent[0] += 1
            next_at += gap
            time.sleep(max(0.0, next_at - time.monotonic()))


def measure(proc: subprocess.Popen, seconds: float) -> float:
    """The process's CPU over `seconds`, as a fraction of one core."""
    start, t0 = cpu_seconds(proc.pid), time.monotonic()
    time.sleep(seconds)
    return (cpu_seconds(proc.pid) - start) / (time.monotonic() - t0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=100.0, help="notifications per second")
    parser.add_argument("--payload", default="*", help="what each notification says")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from sqlalchemy.engine import make_url

    from tests.pgcluster import PgCluster

    cluster = PgCluster().start()
    proc = None
    try:
        cluster.admin_sql("CREATE DATABASE flood")
        url = cluster.url("flood")
        _desk(url)
        home = Path(tempfile.mkdtemp(prefix="ticket-tui-flood-"))
        proc = _open_tui(make_url(url).set(username="flood_staff").render_as_string(
            hide_password=False), home)
        time.sleep(10)  # started, first page painted, live feed listening
        if proc.poll() is not None:
            raise SystemExit(f"the TUI ended at start (exit {proc.returncode})")
        idle = measure(proc, args.seconds)
        stop, sent = threading.Event(), [0]
        dsn = f"host=127.0.0.1 port={cluster.port} user=flood_sender dbname=flood"
        sender = threading.Thread(target=_flood, args=(dsn, args.rate, args.payload, stop, sent))
        sender.start()
        time.sleep(1)
        flooded = measure(proc, args.seconds)
        stop.set()
        sender.join()
        print(f"idle staff TUI: {idle * 100:.1f}% of a core; under {args.rate:.0f} NOTIFY/s "
              f"(payload {args.payload!r}, {sent[0]} sent): {flooded * 100:.1f}% of a core "
              f"({flooded / idle if idle else float('inf'):.1f}x idle)")
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        cluster.stop()


if __name__ == "__main__":
    main()
