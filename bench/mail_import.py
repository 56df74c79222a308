"""`mail import` of an mbox against baselines measured in the same run (issue 18's target: a
100,000-message mbox at 2,000 messages/s or more on SQLite).

    .venv/bin/python -m bench.mail_import [--mails 100000] [--compare 10000] [--postgres]

The mbox is bench/mail_history.py's (threads of question, desk answer and reply; files, HTML,
legacy charsets). Measured, each import on a fresh desk:
- baselines: reading the file and parsing every mail in this process (store.mail.parse, what
  the import's workers do), storing nothing; and SQLite taking rows as fast as it can: the
  mails' originals (raw bytes and a short text) by executemany, 500 to a transaction, into a
  bare table of a fresh file;
- `mail import` of the whole file (store.mail.importer.import_history), wall time and the
  writer's own CPU time (the parsing workers' is theirs);
- the first --compare mails imported with 0, 1 and 2 parsing workers;
- the live intake one mail at a time (store.mail.intake.receive, a transaction each) on the
  first --live mails (it drops the desk's answers, a third of them);
- Python's allocation peak of two imports of --traced sizes, parsing in this process (traced
  runs, not timed): flat memory means the two are close;
- --postgres: the whole import again on a throw-away PostgreSQL server (no target).
Not a test: the numbers depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import mailbox
import os
import sqlite3
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench.mail_history import write_mbox
from store.db import Store
from store.mail.history import read_history
from store.mail.importer import import_history
from store.mail.intake import receive
from store.mail.parse import parse_mail
from store.mail.parse_pool import default_workers
from tests.mail_desk import mail_desk


def _fresh(folder: Path, name: str) -> Store:
    store = Store.open(f"sqlite:///{folder / name}.db")
    mail_desk(store)
    return store


def _timed_import(store: Store, path: Path, **options) -> tuple[float, float, object]:
    started, cpu = time.perf_counter(), time.process_time()
    summary = import_history(store, path, **options)
    return time.perf_counter() - started, time.process_time() - cpu, summary


def bare_parse(path: Path) -> float:
    started = time.perf_counter()
    for item in read_history(path):
        parse_mail(item.raw)
    return time.perf_counter() - started


def bare_executemany(path: Path, folder: Path) -> float:
    """SQLite's own pace for the import's heaviest rows, through the same driver and settings
    (WAL, synchronous=NORMAL), 500 to a transaction."""
    conn = sqlite3.connect(folder / "bare.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("CREATE TABLE originals (id INTEGER PRIMARY KEY, message_id_header TEXT UNIQUE, "
                 "raw BLOB, size INTEGER)")
    started = time.perf_counter()
    batch = []
    for n, item in enumerate(read_history(path)):
        batch.append((f"m{n}@example.com", item.raw, len(item.raw)))
        if len(batch) == 500:
            _insert(conn, batch)
            batch = []
    _insert(conn, batch)
    seconds = time.perf_counter() - started
    conn.close()
    return seconds


def _insert(conn: sqlite3.Connection, rows: list[tuple]) -> None:
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO originals (message_id_header, raw, size) VALUES (?, ?, ?)", rows)
    conn.execute("COMMIT")


def postgres_import(path: Path) -> tuple[float, float, object]:
    from tests.pgcluster import PgCluster

    cluster = PgCluster().start()
    try:
        cluster.admin_sql("CREATE DATABASE bench_import")
        store = Store.open(cluster.url("bench_import"))
        mail_desk(store)
        try:
            return _timed_import(store, path)
        finally:
            store.close()
    finally:
        cluster.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=100_000)
    parser.add_argument("--compare", type=int, default=10_000,
                        help="mails imported with 0, 1 and 2 parsing workers (0: skip)")
    parser.add_argument("--live", type=int, default=1000)
    parser.add_argument("--traced", default="2000,8000",
                        help="the sizes of the two traced imports (memory as the file grows)")
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="ticket-tui-import-"))
    path = folder / "history.mbox"
    write_mbox(path, args.mails)
    n = args.mails
    print(f"{n:,} mails, {path.stat().st_size / 1e6:.1f} MB mbox; {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}; default parsing workers: "
          f"{default_workers()}", flush=True)

    parse = bare_parse(path)
    print(f"baseline, parsing every mail in this process: {parse:.1f} s", flush=True)
    insert = bare_executemany(path, folder)
    print(f"baseline, SQLite executemany of the raw mails: {insert:.1f} s", flush=True)

    store = _fresh(folder, "import")
    workers = default_workers()  # the import's own choice, by the load now
    seconds, cpu, summary = _timed_import(store, path, workers=workers)
    store.close()
    assert summary.mails == n and summary.failed == 0, summary
    print(f"mail import: {seconds:.1f} s", flush=True)

    compared = {}
    if args.compare:
        part = folder / "compare.mbox"
        write_mbox(part, args.compare)
        for workers in (0, 1, 2):
            store = _fresh(folder, f"compare{workers}")
            compared[workers] = _timed_import(store, part, workers=workers)[:2]
            store.close()

    live_path = folder / "live.mbox"
    write_mbox(live_path, args.live)
    store = _fresh(folder, "live")
    started = time.perf_counter()
    for message in mailbox.mbox(str(live_path)):
        receive(store, message.as_bytes(), source="import")
    live = time.perf_counter() - started
    store.close()

    peaks = {}
    for size in (int(size) for size in args.traced.split(",")):
        part = folder / f"part{size}.mbox"
        write_mbox(part, size)
        store = _fresh(folder, f"traced{size}")
        tracemalloc.start()
        import_history(store, part, workers=0)
        peaks[size] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        store.close()

    pg = postgres_import(path) if args.postgres else None

    print(f"\nmail import of {n:,} mails on SQLite ({summary.imported:,} imported: "
          f"{summary.new_tickets:,} tickets, {summary.client_messages:,} client messages, "
          f"{summary.desk_answers:,} desk answers); load average now "
          f"{os.getloadavg()[0]:.1f}")
    print(f"  baseline, parsing only (1 process):  {parse:7.1f} s  {n / parse:7.0f} mails/s")
    print(f"  baseline, SQLite executemany:        {insert:7.1f} s  {n / insert:7.0f} rows/s")
    print(f"  mail import ({workers} parsing workers):    {seconds:7.1f} s  "
          f"{n / seconds:7.0f} mails/s  (writer's CPU: {n / cpu:.0f} mails per CPU second)")
    print(f"  ratios: import / parsing only {parse / seconds:.2f}x the speed; "
          f"import / executemany {insert / seconds:.3f}x the speed")
    for workers, (wall, writer) in compared.items():
        print(f"  {args.compare:,} mails, {workers} parsing workers: {args.compare / wall:7.0f} "
              f"mails/s  (writer's CPU: {args.compare / writer:.0f} mails per CPU second)")
    print(f"  live intake, one by one ({args.live:,}):  {live:7.1f} s  "
          f"{args.live / live:7.0f} mails/s; import / live "
          f"{(n / seconds) / (args.live / live):.1f}x")
    print("  peak of Python's allocations during an import: " + ", ".join(
        f"{count:,} mails {peak / 1e6:.1f} MB" for count, peak in peaks.items()))
    if pg is not None:
        pg_seconds, pg_cpu, pg_summary = pg
        assert pg_summary.mails == n and pg_summary.failed == 0, pg_summary
        print(f"  PostgreSQL, mail import:             {pg_seconds:7.1f} s  "
              f"{n / pg_seconds:7.0f} mails/s  (writer's CPU: {n / pg_cpu:.0f} mails per CPU "
              f"second); PostgreSQL / SQLite {seconds / pg_seconds:.2f}x the speed")


if __name__ == "__main__":
    main()
