"""The child side of a benchmark run: the real ticket-tui (or a bare Textual app) in a terminal,
reporting when what the user waits for has been painted.

Run by bench/session.py in a pseudo-terminal, never by hand. It reports on the file descriptor
in $BENCH_REPORT_FD, one line per event: "<event> <time.monotonic()>", the same clock as the
parent's (CLOCK_MONOTONIC), so the parent measures from its own keypress or process start.
An event is sent right after the frame that shows it was handed to the terminal driver.

Only Textual's frame output (App._display) and a few actions are wrapped, to know what was just
asked for; the app itself runs unchanged, from its command-line entry point. This module
imports nothing heavy before the app does: the cold start is the app's own.
"""

from __future__ import annotations

import os
import sys
import time

_report = None
_expect: str | None = "first"
EXIT_AFTER_FIRST = os.environ.get("BENCH_EXIT_AFTER_FIRST") == "1"


def emit(event: str) -> None:
    global _report
    if _report is None:
        _report = os.fdopen(int(os.environ["BENCH_REPORT_FD"]), "w", buffering=1)
    _report.write(f"{event} {time.monotonic():.6f}\n")


def expect(event: str) -> None:
    global _expect
    _expect = event


def _wrap_display(ready) -> None:
    """After each frame: if the awaited thing is on it, report it."""
    import textual.app

    original = textual.app.App._display

    def _display(self, screen, renderable):
        original(self, screen, renderable)
        if renderable is None or self._batch_count or _expect is None:
            return
        try:
            event = ready(self)
        except Exception:  # noqa: BLE001 - a half-built screen: not ready yet
            event = None
        if event:
            emit(event)
            if event == "first" and EXIT_AFTER_FIRST:
                self.exit()

    textual.app.App._display = _display


# --- the ticket-tui app ------------------------------------------------------------------------
def _app_ready(app) -> str | None:
    global _expect
    screen = app.screen
    name = type(screen).__name__
    if name == "TicketListScreen" and _expect in ("first", "list", "search", "page"):
        table = screen.query_one("#tickets")
        if _expect == "page":
            ready = table._pending is None  # no move waiting for rows from the store
        else:  # a (re)loaded list: rows are emptied first, so any row is a fresh one
            ready = table.loaded and bool(table.rows)
        if ready:
            event, _expect = _expect, None
            return event
    if _expect == "open" and name in ("TicketScreen", "ClientTicketScreen"):
        from tui.widgets.thread import MessageBox, Thread

        thread = screen.query_one(Thread)
        boxes = thread.query(MessageBox)
        # The latest message on screen: scrolled to the end, or all of it fits.
        if (screen.detail is not None and boxes and boxes.last().region.height > 0
                and thread.scroll_y >= thread.max_scroll_y - 1):
            _expect = None
            return "open"
    return None


def _mark_calls(owner, name: str, label: str) -> None:
    """Reports when a step of the start-up begins and ends (the breakdown of the cold start)."""
    original = getattr(owner, name)

    def marked(*args, **kwargs):
        emit(f"mark:{label}-begin")
        try:
            return original(*args, **kwargs)
        finally:
            emit(f"mark:{label}-end")

    setattr(owner, name, marked)


def _trace_sql() -> None:
    """Every plain statement's time (the reads the app waits for; SQLAlchemy's writes are not
    traced)."""
    import threading

    from store.sql import Sql

    execute = Sql._execute

    def traced(self, query, params):
        t0 = time.monotonic()
        try:
            return execute(self, query, params)
        finally:
            took = (time.monotonic() - t0) * 1000
            words = "_".join(query.split()[:3])[:40]
            emit(f"mark:sql:{threading.get_ident() % 1000}:{took:.1f}ms:{words}")

    Sql._execute = traced


def run_app(argv: list[str]) -> None:
    emit("mark:interpreter-ready")
    _wrap_display(_app_ready)
    emit("mark:textual-imported")
    from tui.queue import screen as list_screen
    from tui.widgets import ticket_table

    emit("mark:tui-imported")
    import ticket_tui

    emit("mark:cli-imported")
    import store.service
    from cli import tui_launch
    from store import db

    if os.environ.get("BENCH_SQL_TRACE") == "1":  # diagnostics: every statement's time
        _trace_sql()
    _mark_calls(db.Store, "open", "store-open")
    _mark_calls(db.Store, "upgrade", "schema-check")
    _mark_calls(store.service, "list_tickets", "page")
    _mark_calls(store.service, "count_tickets", "count")
    _mark_calls(store.service, "change_marker", "marker")
    _mark_calls(tui_launch, "staff_actor", "actor")
    from tui import app as tui_app

    _mark_calls(tui_app, "load_themes", "themes")
    _mark_calls(tui_app.TicketApp, "_home_screen", "home-screen")

    table = ticket_table.TicketTable
    for action, event in (("action_page_down", "page"), ("action_open", "open"),
                          ("action_first", "list")):
        original = getattr(table, action)

        def wrapped(self, _original=original, _event=event):
            expect(_event)
            return _original(self)

        setattr(table, action, wrapped)
    screen = list_screen.TicketListScreen
    resume, apply = screen.on_screen_resume, screen._apply

    def on_screen_resume(self):  # also sent when the screen is first shown
        if _expect != "first":
            expect("list")
        return resume(self)

    def _apply(self):  # a new view, search or filter
        expect("search" if self.spec.search else "list")
        return apply(self)

    screen.on_screen_resume, screen._apply = on_screen_resume, _apply
    mount = screen.on_mount

    def on_mount(self):
        emit("mark:list-mounted")
        return mount(self)

    screen.on_mount = on_mount
    ticket_tui.main(argv, standalone_mode=False)


# --- the bare Textual app ------------------------------------------------------------------------
def run_bare() -> None:
    _wrap_display(_bare_ready)
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.widgets import Static

    class Bare(App[None]):
        BINDINGS = [Binding("pagedown", "page", "Page")]

        def compose(self) -> ComposeResult:
            yield Static("bare Textual app", id="text")

        def action_page(self) -> None:
            self.pages = getattr(self, "pages", 0) + 1
            expect("page")
            self.query_one("#text", Static).update(f"page {self.pages}")

    Bare().run()


def _bare_ready(app) -> str | None:
    global _expect
    event, _expect = _expect, None
    if event == "first" and not app.screen.query("#text"):
        _expect = "first"
        return None
    return event


def _report_peak_memory() -> None:
    """The peak resident memory of this program itself. (The parent's wait4 ru_maxrss can't
    be used: Linux carries the high-water mark of the forking process across exec.)"""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                emit(f"mark:peak-kb:{int(line.split()[1])}")


def main() -> None:
    import atexit

    atexit.register(_report_peak_memory)
    mode, argv = sys.argv[1], sys.argv[2:]
    if mode == "bare":
        run_bare()
    else:
        run_app(argv)


if __name__ == "__main__":
    main()
