"""The benchmark: each figure of issue 7 beside a baseline measured in the same run.

    .venv/bin/python -m bench                       # SQLite, 1,000,000 tickets (seeded once)
    .venv/bin/python -m bench --tickets 100000 --postgres    # a throw-away local PostgreSQL
    .venv/bin/python -m bench --db postgresql://me@127.0.0.1/desk --tickets 1000000

(1) cold start: process start to the first painted ticket list, against a bare Textual app
    (one Static) started and painted the same way;
(2) Page Down in that list, key to repaint, against the same key repainting the bare app;
(3) opening a ticket with 2,000 messages (Enter to its latest messages painted), against a
    ticket with 4;
(4) a search's first page, store time, against the same view's first page without search;
(5) the peak memory of the app over the whole session (its VmHWM, i.e. ru_maxrss without the
    launching process carried over exec), against the bare app's.
Every figure is the median of several runs; the apps run in a 120x36 pseudo-terminal.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .data import Desk, prepare
from .session import COLUMNS, LINES, ProbeFailed, Session

SEARCHES = [  # (what it stands for, the text typed)
    ("a domain name (rare)", None),  # filled in from the data: a client's domain
    ("an error word", "nginx"),
    ("a common word", "refund"),
    ("a very common word", "problem"),
    ("three words", "website not loading"),
    ("a word's beginning", "certif*"),
]
PAGE_DOWNS = 10
OPENS = 3
TARGETS = {"start": 1.3, "page": 20.0, "open": 150.0, "search": 50.0, "memory": 1.3}


def default_db(tickets: int) -> str:
    folder = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ticket-tui-bench"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / f'sqlite-{tickets}.db'}"


@contextmanager
def bench_db(db: str | None, tickets: int, postgres: bool) -> Iterator[str]:
    """The database a benchmark measures: the URL given, a throw-away PostgreSQL server
    (tests/pgcluster.py, stopped at the end) or the cached SQLite file of that many tickets."""
    cluster = None
    try:
        url = db
        if postgres:
            from tests.pgcluster import PgCluster

            cluster = PgCluster().start()
            cluster.admin_sql("CREATE DATABASE bench")
            url = cluster.url("bench")
        yield url or default_db(tickets)
    finally:
        if cluster is not None:
            cluster.stop()


@dataclass
class Figures:
    start: list[float] = field(default_factory=list)
    bare_start: list[float] = field(default_factory=list)
    start_memory: list[int] = field(default_factory=list)
    bare_start_memory: list[int] = field(default_factory=list)
    page: list[float] = field(default_factory=list)
    bare_page: list[float] = field(default_factory=list)
    open_big: list[float] = field(default_factory=list)
    open_small: list[float] = field(default_factory=list)
    search_ui: dict[str, list[float]] = field(default_factory=dict)
    memory: list[int] = field(default_factory=list)
    bare_memory: list[int] = field(default_factory=list)
    search_store: dict[str, list[float]] = field(default_factory=dict)
    view_store: list[float] = field(default_factory=list)


def compile_app() -> None:
    """Byte-compiles the app's own modules, as installing it would (pip compiles what it
    installs, and Textual's modules came compiled). An editable checkout under
    PYTHONDONTWRITEBYTECODE (as on this machine) would otherwise compile every module from
    source at every start, which the bare app, made of installed modules only, never does."""
    import compileall

    root = Path(__file__).resolve().parent.parent
    for package in ("store", "tui", "cli"):
        compileall.compile_dir(root / package, quiet=1)
    compileall.compile_file(root / "ticket_tui.py", quiet=1)


def app_argv(desk: Desk) -> list[str]:
    return ["--db", desk.url, "--as", desk.admin]


def child_env(workdir: Path) -> dict[str, str]:
    # No user config, no user themes: the defaults, as on a fresh machine.
    return {"TICKET_TUI_CONFIG": str(workdir / "none.toml"), "XDG_CONFIG_HOME": str(workdir)}


def cold_starts(desk: Desk, runs: int, env: dict[str, str], f: Figures) -> None:
    for warm in (True, False):  # one run of each first, for the page cache, not counted
        for _ in range(1 if warm else runs):
            for mode in ("bare", "app"):
                with Session(mode, app_argv(desk) if mode == "app" else [],
                             exit_after_first=True, env=env) as s:
                    painted = s.wait_for("first")
                    memory = s.finish()
                if warm:
                    continue
                (f.start if mode == "app" else f.bare_start).append((painted - s.started) * 1000)
                (f.start_memory if mode == "app" else f.bare_start_memory).append(memory)


def app_session(desk: Desk, searches: list[tuple[str, str]], env: dict[str, str], f: Figures) -> None:
    with Session("app", app_argv(desk), env=env) as s:
        _drive_app(s, searches, f)


def _open_and_back(s: Session) -> float:
    """Opens the ticket under the cursor and returns to the list; ms from Enter to painted."""
    sent = s.press("enter")
    took = (s.wait_for("open") - sent) * 1000
    time.sleep(0.3)
    s.press("escape")
    s.wait_for("list")
    time.sleep(0.3)
    return took


def _drive_app(s: Session, searches: list[tuple[str, str]], f: Figures) -> None:
    s.wait_for("first")
    time.sleep(0.5)  # let the first prefetch and count settle, as a reader would
    for _ in range(PAGE_DOWNS):
        sent = s.press("pagedown")
        f.page.append((s.wait_for("page") - sent) * 1000)
        time.sleep(0.15)
    s.press("home")
    s.wait_for("list")
    time.sleep(0.3)
    for _ in range(OPENS):  # the big ticket is the first row, the small one the second
        f.open_big.append(_open_and_back(s))
        s.press("down")
        time.sleep(0.1)
        f.open_small.append(_open_and_back(s))
        s.press("home")
        s.wait_for("list")
        time.sleep(0.2)
    for label, term in searches:
        s.press("slash")
        time.sleep(0.1)
        s.press(term)
        time.sleep(0.1)
        sent = s.press("enter")
        f.search_ui.setdefault(label, []).append((s.wait_for("search") - sent) * 1000)
        time.sleep(0.3)
        s.press("escape")
        s.wait_for("list")
        time.sleep(0.3)
    s.press("ctrl+q")
    f.memory.append(s.finish())


def bare_session(env: dict[str, str], f: Figures) -> None:
    with Session("bare", env=env) as s:
        _drive_bare(s, f)


def _drive_bare(s: Session, f: Figures) -> None:
    s.wait_for("first")
    time.sleep(0.3)
    for _ in range(PAGE_DOWNS):
        sent = s.press("pagedown")
        f.bare_page.append((s.wait_for("page") - sent) * 1000)
        time.sleep(0.15)
    s.press("ctrl+q")
    f.bare_memory.append(s.finish())


def store_times(desk: Desk, searches: list[tuple[str, str]], runs: int, f: Figures) -> None:
    from store import service as sv
    from store.actors import staff_actor
    from store.db import Store

    store = Store.open(desk.url, migrate=False)
    try:
        admin = staff_actor(store, desk.admin)
        limit = max(100, (LINES - 5) * 3)  # what the list asks for first at this size
        for _ in range(runs):
            started = time.perf_counter()
            sv.list_tickets(store, admin, sv.ListSpec("all"), limit=limit)
            f.view_store.append((time.perf_counter() - started) * 1000)
            for label, term in searches:
                started = time.perf_counter()
                sv.list_tickets(store, admin, sv.ListSpec("all", search=term), limit=limit)
                f.search_store.setdefault(label, []).append((time.perf_counter() - started) * 1000)
    finally:
        store.close()


def rare_word(desk: Desk) -> str:
    """A client's domain name (its first label): the kind of thing one searches for."""
    from sqlalchemy import select

    from store.db import Store
    from store.models import Client

    store = Store.open(desk.url, migrate=False)
    try:
        with store.read() as s:
            count = s.scalar(select(Client.id).order_by(Client.id.desc()).limit(1))
            email = s.scalar(select(Client.email).where(Client.id >= count // 2)
                             .order_by(Client.id).limit(1))
    finally:
        store.close()
    return email.split("@")[1].split(".")[0]


def med(values) -> float:
    return statistics.median(values)


def report(desk: Desk, f: Figures, dialect: str, runs: int, searches) -> str:
    rows = []

    def add(figure, value, unit, baseline_name, baseline, target, ratio_target=None):
        ratio = value / baseline if baseline else None
        if ratio_target is not None:
            ok = ratio <= ratio_target
            goal = f"<= {ratio_target}x"
        else:
            ok = value < target
            goal = f"< {target:g} {unit}"
        rows.append((figure, f"{value:,.1f} {unit}", f"{baseline_name}: {baseline:,.1f} {unit}",
                     f"{ratio:.2f}x" if ratio else "", goal, "yes" if ok else "NO"))

    add("(1) cold start to the first painted list", med(f.start), "ms", "bare Textual app",
        med(f.bare_start), None, TARGETS["start"])
    add("(2) Page Down, key to repaint", med(f.page), "ms", "bare app, same key", med(f.bare_page),
        TARGETS["page"])
    add("(3) open a 2,000-message ticket", med(f.open_big), "ms", "a 4-message ticket",
        med(f.open_small), TARGETS["open"])
    per_query = [med(v) for v in f.search_store.values()]
    add("(4) search, first page (store, median)", med(per_query), "ms", "view without search",
        med(f.view_store), TARGETS["search"])
    add("(5) peak memory, whole session", med(f.memory) / 1024, "MB", "bare app",
        med(f.bare_memory) / 1024, None, TARGETS["memory"])
    widths = [max(len(str(r[i])) for r in rows + [HEADER]) for i in range(len(HEADER))]
    lines = [
        f"ticket-tui benchmark: {dialect}, {desk.tickets:,} tickets; {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; {COLUMNS}x{LINES} terminal; medians of {runs} runs",
        "  ".join(h.ljust(w) for h, w in zip(HEADER, widths)),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)) for r in rows]
    lines.append("")
    lines.append("Search, per query (first page of All tickets, 100+ rows):")
    for label, term in searches:
        store = med(f.search_store[label])
        ui = med(f.search_ui[label]) if label in f.search_ui else float("nan")
        lines.append(f"  {label + ' ' + repr(term):44} store {store:7.1f} ms   "
                     f"Enter to painted {ui:7.1f} ms")
    lines.append(f"  worst store time {max(per_query):.1f} ms")
    lines.append("")
    lines.append(f"Peak memory at the first paint: app {med(f.start_memory) / 1024:.1f} MB, "
                 f"bare app {med(f.bare_start_memory) / 1024:.1f} MB "
                 f"({med(f.start_memory) / med(f.bare_start_memory):.2f}x)")
    lines.append(f"Page Down: {len(f.page)} presses, slowest {max(f.page):.1f} ms; "
                 f"open 2,000 messages: slowest {max(f.open_big):.1f} ms")
    return "\n".join(lines)


HEADER = ("figure", "measured", "baseline (same run)", "ratio", "target", "met")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--db", help="database URL (default: a SQLite file in the cache "
                                     "directory, seeded once per size)")
    parser.add_argument("--postgres", action="store_true",
                        help="start a throw-away PostgreSQL server (tests/pgcluster.py) and "
                             "seed it (lost at the end)")
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each measurement")
    args = parser.parse_args(argv)
    os.chdir(Path(__file__).resolve().parent.parent)
    sys.path.insert(0, os.getcwd())
    with bench_db(args.db, args.tickets, args.postgres) as url:
        _measure(url, args)


def _measure(url: str, args) -> None:
    try:
        dialect = "PostgreSQL (loopback)" if url.startswith("postgres") else "SQLite"
        desk = prepare(url, args.tickets)
        if desk.seeded_now is not None:
            print(f"Seeded in {desk.seeded_now:.0f} s.", file=sys.stderr)
        searches = [(label, term or rare_word(desk)) for label, term in SEARCHES]
        compile_app()
        f = Figures()
        with tempfile.TemporaryDirectory() as work:
            env = child_env(Path(work))
            print("Cold starts...", file=sys.stderr, flush=True)
            cold_starts(desk, args.runs, env, f)
            print("Sessions...", file=sys.stderr, flush=True)
            for _ in range(max(1, args.runs // 2)):
                bare_session(env, f)
                app_session(desk, searches, env, f)
        print("Store times...", file=sys.stderr, flush=True)
        store_times(desk, searches, args.runs * 2 + 1, f)
        print(report(desk, f, dialect, args.runs, searches))
    except ProbeFailed as error:
        raise SystemExit(f"The benchmark failed: {error}") from None
