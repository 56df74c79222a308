"""Reading many mails on more than one core, in order: for `mail import`, whose writer (one
SQLite writer at a time) waits for nothing but the parse of the next batch.

A batch of raw mails goes to worker processes while the caller writes the batch before: the
parse of batch k+1 overlaps the writing of batch k, and at most two batches are held. Each
result is the mail read (the ParsedMail and its message's text, the intake's reply_text: the
split from the quoted history is a tenth of the writer's time) or the sentence why the mail
can't be read (the worker never sends an exception back: one broken mail is failed mail, and
the rest goes on).

The workers are forked (started fresh, "spawn" would run the caller's main script again in
each: a script importing without `if __name__ == "__main__"` would import twice; they use
nothing of the caller's connections, and leave with os._exit, closing none), and only when a
history has more than one batch. A worker waits for work on a pipe whose only writer is the
import: an import killed with SIGKILL closes it, and its workers end
(tests/test_mail_import_crash.py). They ignore SIGINT: Ctrl-C stops the import in the parent,
whose batch in hand is rolled back whole, and the parent ends them.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections.abc import Iterable, Iterator
from typing import NamedTuple, TypeVar

from .errors import MailError
from .intake import reply_text
from .parse import parse_mail
from .records import ParsedMail

T = TypeVar("T")


class Read(NamedTuple):
    mail: ParsedMail
    body: str  # store.mail.intake.reply_text(mail)


Parsed = Read | str  # the mail, or why it can't be read (one sentence)


def default_workers() -> int:
    """Parsing processes beside the writer: two on two cores or more while the machine has a
    core to spare, else none. Measured (bench/mail_import.py, 10,000 mails, 2 cores): with the
    load below 2, 0/1/2 workers gave 1,577/1,709/2,022 mails/s; with the load near 5, 1,855/
    1,011/733: the workers then take the writer's core, and one process is faster."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    if cores < 2 or os.getloadavg()[0] > cores - 1:
        return 0
    return 2


def parse_one(raw: bytes, max_bytes: int) -> Parsed:
    try:
        mail = parse_mail(raw, max_bytes=max_bytes)
    except MailError as error:
        return str(error)
    return Read(mail, reply_text(mail))


def parsed_batches(batches: Iterable[list[T]], raw_of, max_bytes: int,
                   workers: int) -> Iterator[tuple[list[T], list[Parsed]]]:
    """Each batch with its mails read, in order. raw_of: an item's raw bytes."""
    # Python's email headers are each of a class made for it (headerregistry): cyclic garbage
    # only the full collector frees, which seldom runs on its own, so memory grew with the file
    # until it did. It runs after each batch read here; the heap there was before is set aside
    # (gc.freeze) so that it walks only what the import made (it walked every object of the
    # process, 40 to 120 ms a batch, a fifth of the writer's time).
    gc.freeze()
    try:
        yield from _parsed(iter(batches), raw_of, max_bytes, workers)
    finally:
        gc.unfreeze()


def _parsed(batches: Iterator[list[T]], raw_of, max_bytes: int,
            workers: int) -> Iterator[tuple[list[T], list[Parsed]]]:
    first = next(batches, None)
    if first is None:
        return
    second = next(batches, None)
    if second is None or workers <= 0:  # a short history: no process to start
        for batch in [first] if second is None else _chain(first, second, batches):
            parsed = [parse_one(raw_of(item), max_bytes) for item in batch]
            gc.collect()
            yield batch, parsed
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_worker_started) as pool:
        pending = None
        for batch in _chain(first, second, batches):
            job = pool.starmap_async(parse_one, [(raw_of(item), max_bytes) for item in batch],
                                     chunksize=max(1, len(batch) // (4 * workers)))
            if pending is not None:
                yield pending[0], pending[1].get()
            pending = (batch, job)
        if pending is not None:
            yield pending[0], pending[1].get()


def _chain(first: T, second: T, rest: Iterator[T]) -> Iterator[T]:
    yield first
    yield second
    yield from rest


def _worker_started() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The email headers' cyclic garbage (above): the parent's heap, copied by the fork, set
    # aside, and full collections run often, over what this worker made.
    gc.freeze()
    gc.set_threshold(700, 5, 5)
