"""`mail import` of an mbox against baselines measured in the same run (issue 18's target: a
100,000-message mbox at 2,000 messages/s or more on SQLite).

    .venv/bin/python -m bench.mail_import [--mails 100000] [--live 1000]

The mbox is made here: threads of a client's question, the desk's answer and the client's
reply (In-Reply-To), plain text with a quoted history, some with a small attachment, a few
clients writing many threads. Measured, each on a fresh desk:
- baseline: Python's mailbox module reading the same file (mailbox.mbox, each message parsed),
  storing nothing: what reading the file costs at the least;
- the live intake one mail at a time (store.mail.intake.receive, a transaction each), on the
  first --live mails (it drops the desk's answers, a third of them);
- the import of those --live mails with one mail per transaction (batch=1): what the import
  would be without batching;
- `mail import` of the whole file (store.mail.importer.import_history);
- Python's allocation peak of two imports, of --traced sizes (traced runs, not timed): flat
  memory means the two are close.
Not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import base64
import mailbox
import tempfile
import time
import tracemalloc
from pathlib import Path

from store.db import Store
from store.mail.importer import import_history
from store.mail.intake import receive
from tests.mail_desk import mail_desk


def write_mbox(path: Path, mails: int) -> None:
    """An mbox of `mails` mails, streamed to disk."""
    with open(path, "wb") as f:
        for i in range(mails):
            f.write(b"From bench@example.com Mon Jan  1 10:00:00 2024\n")
            f.write(_mail(i).replace(b"\nFrom ", b"\n>From "))
            f.write(b"\n")


def _mail(i: int) -> bytes:
    thread, step = divmod(i, 3)
    client = f"client{thread % 997}@example.com"
    day = f"{1 + thread % 28:02d} Jan 2024 {step + 9:02d}:{thread % 60:02d}:00 +0000"
    if step == 0:
        head = f"From: Client {thread % 997} <{client}>\nTo: support@desk.example\n"
        body = f"Our site number {thread} is down since this morning.\nPlease help.\n"
        refs = ""
    elif step == 1:
        head = f"From: Support <support@desk.example>\nTo: {client}\n"
        body = ("We restarted the server; it is up again.\n\nOn Mon, 1 Jan 2024, Client wrote:\n"
                f"> Our site number {thread} is down since this morning.\n> Please help.\n")
        refs = f"In-Reply-To: <t{thread}s0@example.com>\n"
    else:
        head = f"From: Client {thread % 997} <{client}>\nTo: support@desk.example\n"
        body = ("Thank you, it works.\n\n-----Original Message-----\nFrom: Support\n"
                "Sent: Monday\n\nWe restarted the server; it is up again.\n")
        refs = f"In-Reply-To: <t{thread}s1@example.com>\nReferences: <t{thread}s0@example.com>\n"
    head += (f"Subject: Site {thread} down\nDate: Mon, {day}\n"
             f"Message-ID: <t{thread}s{step}@example.com>\n{refs}MIME-Version: 1.0\n")
    if i % 10 == 0:
        data = base64.encodebytes(bytes(range(256)) * 8).decode()
        return (head + "Content-Type: multipart/mixed; boundary=CUT\n\n--CUT\n"
                "Content-Type: text/plain; charset=utf-8\n\n" + body + "--CUT\n"
                "Content-Type: application/octet-stream\nContent-Disposition: attachment; "
                f"filename=log{i}.bin\nContent-Transfer-Encoding: base64\n\n{data}--CUT--\n"
                ).encode()
    return (head + "Content-Type: text/plain; charset=utf-8\n\n" + body).encode()


def _fresh(folder: Path, name: str) -> Store:
    store = Store.open(f"sqlite:///{folder / name}.db")
    mail_desk(store)
    return store


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=100_000)
    parser.add_argument("--live", type=int, default=1000)
    parser.add_argument("--traced", default="2000,8000",
                        help="the sizes of the two traced imports (memory as the file grows)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="ticket-tui-import-"))
    path = folder / "history.mbox"
    write_mbox(path, args.mails)
    print(f"{args.mails:,} mails, {path.stat().st_size / 1e6:.1f} MB mbox", flush=True)

    started = time.perf_counter()
    read = sum(1 for message in mailbox.mbox(str(path)) if message.get_payload() is not None)
    baseline = time.perf_counter() - started
    assert read == args.mails, read
    print(f"baseline, Python's mailbox reading the file: {baseline:.1f} s", flush=True)

    live_path = folder / "live.mbox"
    write_mbox(live_path, args.live)
    store = _fresh(folder, "live")
    started = time.perf_counter()
    for message in mailbox.mbox(str(live_path)):
        receive(store, message.as_bytes(), source="import")
    live = time.perf_counter() - started
    store.close()
    store = _fresh(folder, "single")
    started = time.perf_counter()
    import_history(store, live_path, batch=1)
    single = time.perf_counter() - started
    store.close()

    store = _fresh(folder, "import")
    started, cpu = time.perf_counter(), time.process_time()
    summary = import_history(store, path)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    store.close()
    assert summary.mails == args.mails and summary.failed == 0, summary

    peaks = {}
    for n in (int(size) for size in args.traced.split(",")):
        part = folder / f"part{n}.mbox"
        write_mbox(part, n)
        store = _fresh(folder, f"traced{n}")
        tracemalloc.start()
        import_history(store, part)
        peaks[n] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        store.close()

    n = args.mails
    print(f"\nmail import of {n:,} mails on SQLite ({summary.imported:,} imported: "
          f"{summary.new_tickets:,} tickets, {summary.client_messages:,} client messages, "
          f"{summary.desk_answers:,} desk answers)")
    print(f"  Python's mailbox, reading only:    {baseline:7.1f} s  {n / baseline:7.0f} mails/s")
    print(f"  live intake, one by one ({args.live:,}):   {live:7.1f} s  "
          f"{args.live / live:7.0f} mails/s")
    print(f"  import, a transaction a mail ({args.live:,}): {single:5.1f} s  "
          f"{args.live / single:7.0f} mails/s")
    print(f"  mail import:                       {seconds:7.1f} s  {n / seconds:7.0f} mails/s  "
          f"({n / cpu:.0f} mails/s cpu: of this process's own CPU time, on a shared machine)")
    print(f"  ratio import / reading only: {seconds / baseline:.2f}x the time; import / a "
          f"transaction a mail: {(n / seconds) / (args.live / single):.1f}x the speed")
    print("  peak of Python's allocations during an import: " + ", ".join(
        f"{count:,} mails {peak / 1e6:.1f} MB" for count, peak in peaks.items()))


if __name__ == "__main__":
    main()
