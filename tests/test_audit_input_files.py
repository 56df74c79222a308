"""The audit's endless files (issue 21): `--attach /dev/zero` or `--body-file /dev/zero` read
until memory ran out. Files are now read no further than the store's limits allow (limit + 1
bytes at most), and the TUI reads them in a worker: a slow file (a pipe nobody writes yet)
leaves the form answering keys."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from textual.widgets import Input

from store import admin
from store import service as sv
from store.errors import BadInput
from tests.desk import Desk
from tests.pilot_wait import until
from tests.test_audit_database_errors import CHECKOUT, one_sentence
from tests.test_tui_workflow import table
from tui.app import TicketApp

JOHN = "john@example.com"
MESSAGE_MAX = 1_000_000  # the settings' default (store/settings.py)
MEMORY_CAP = 1 << 30  # an endless read must fail fast here, not take the machine's memory


@pytest.fixture
def desk(sqlite_desk: Desk) -> Desk:
    return sqlite_desk


def ticket_tui(url: str, *args: str) -> subprocess.CompletedProcess:
    """The real command in its own process, its memory capped: reading /dev/zero whole ends in
    a MemoryError there (a traceback), not in the test run's own memory."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    return subprocess.run([sys.executable, "-m", "ticket_tui", "--db", url, *args], cwd=CHECKOUT,
                          preexec_fn=cap, capture_output=True, text=True, timeout=120)


def refused(desk: Desk, *args: str) -> str:
    before = sv.peek(desk.store, desk.root, 1)
    done = ticket_tui(desk.store.url, *args)
    assert (done.returncode, done.stdout) == (2, ""), done.stderr[-2000:]
    [line] = done.stderr.splitlines()
    assert sv.peek(desk.store, desk.root, 1) == before
    sentence = line.removeprefix("Error: ")
    assert one_sentence(sentence), sentence
    return sentence


# --- the command line ------------------------------------------------------------------------
def test_attaching_dev_zero_is_refused_at_the_limit(desk: Desk) -> None:
    tid, _ = desk.taken()
    admin.set_setting(desk.store, "attachment_max_bytes", "4096")
    want = "The file 'zero' is over the limit of 4096 bytes."
    assert refused(desk, "--as", "alice", "ticket", "reply", str(tid), "--body", "log",
                   "--attach", "/dev/zero") == want
    assert refused(desk, "--client", JOHN, "ticket", "new", "--department", "Billing",
                   "--subject", "s", "--body", "b", "--attach", "/dev/zero") == want
    assert len(sv.peek(desk.store, desk.root, tid).messages) == 1


def test_a_body_file_of_dev_zero_is_refused_at_the_limit(desk: Desk) -> None:
    tid, _ = desk.taken()
    want = f"The text in /dev/zero is longer than the limit of {MESSAGE_MAX} characters."
    assert refused(desk, "--as", "alice", "ticket", "reply", str(tid), "--body-file", "/dev/zero") == want
    assert refused(desk, "--client", JOHN, "ticket", "new", "--department", "Billing",
                   "--subject", "s", "--body-file", "/dev/zero") == want
    assert refused(desk, "--as", "alice", "ticket", "edit-message", "1", "--body-file", "/dev/zero") == want


def test_a_file_at_the_limit_is_taken_and_one_byte_more_is_not(desk: Desk, tmp_path: Path) -> None:
    tid, _ = desk.taken()
    admin.set_setting(desk.store, "attachment_max_bytes", "1000")
    exact, over = tmp_path / "exact.bin", tmp_path / "over.bin"
    exact.write_bytes(b"e" * 1000)
    over.write_bytes(b"o" * 1001)
    assert refused(desk, "--as", "alice", "ticket", "reply", str(tid), "--body", "x",
                   "--attach", str(over)) == "The file 'over.bin' is 1001 bytes; the limit is 1000 bytes."
    done = ticket_tui(desk.store.url, "--as", "alice", "ticket", "reply", str(tid), "--body", "x",
                      "--attach", str(exact))
    assert done.returncode == 0, done.stderr
    [att] = sv.peek(desk.store, desk.root, tid).messages[-1].attachments
    assert (att.name, att.size) == ("exact.bin", 1000)


# --- the TUI ------------------------------------------------------------------------------------
def test_the_tui_reader_stops_at_the_limit() -> None:
    from tui.runtime.files import read_files

    with pytest.raises(BadInput) as refusal:
        read_files("/dev/zero", 4096)
    assert str(refusal.value) == "The file 'zero' is over the limit of 4096 bytes."


class SlowFile:
    """A named pipe that gets its writer only when released (or after a few seconds, so that a
    form reading it on the UI thread is stuck no longer than that)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        os.mkfifo(path)
        self.release = threading.Event()
        self.written = threading.Event()
        threading.Thread(target=self._write, daemon=True).start()

    def _write(self) -> None:
        self.release.wait(timeout=4)
        with open(self.path, "wb") as pipe:
            pipe.write(b"the log, at last\n")
        self.written.set()


async def answers_keys_while_the_file_waits(pilot, app, slow: SlowFile) -> None:
    """Typed after Send: the keys land while the pipe still has no writer."""
    await pilot.press("z", "z")
    assert app.screen.query_one("#attach", Input).value.endswith("zz")
    assert not slow.written.is_set(), "the form waited for the file before answering keys"
    slow.release.set()


async def send_from_the_client_area(pilot, app, body: str, attach: str) -> None:
    """Opens the client's ticket, types body, names attach, presses Send (the cursor left in
    the Attach file field)."""
    from tui.client.ticket import ClientTicketScreen

    await until(pilot, lambda: app.screen.query("#tickets") and table(app).rows)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, ClientTicketScreen) and app.screen.detail)
    await pilot.press(*body)
    app.screen.query_one("#attach", Input).value = attach
    app.screen.query_one("#attach", Input).focus()
    await pilot.press("ctrl+s")


async def test_the_client_reply_reads_its_files_in_a_worker(desk: Desk, tmp_path: Path) -> None:
    tid = desk.open()
    slow = SlowFile(tmp_path / "slow.log")
    app = TicketApp(desk.store, desk.john, live_interval=60)
    async with app.run_test(size=(120, 40)) as pilot:
        await send_from_the_client_area(pilot, app, "logs attached", str(slow.path))
        await answers_keys_while_the_file_waits(pilot, app, slow)
        await until(pilot, lambda: len(app.screen.detail.messages) == 2)
    [att] = sv.peek(desk.store, desk.root, tid).messages[-1].attachments
    assert (att.name, att.size) == ("slow.log", len(b"the log, at last\n"))


async def test_the_staff_reply_reads_its_files_in_a_worker(desk: Desk, tmp_path: Path) -> None:
    from tui.ticket.screen import TicketScreen

    tid, _ = desk.taken()
    slow = SlowFile(tmp_path / "slow.log")
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.screen.query("#tickets"))
        app.open_ticket(tid)
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.query("#reply-body"))
        app.screen.query_one("#reply-body").focus()
        await pilot.press(*"see the log")
        await pilot.press("f8")
        await until(pilot, lambda: app.screen.query("#attach"))
        app.screen.query_one("#attach", Input).value = str(slow.path)
        app.screen.query_one("#attach", Input).focus()
        await pilot.press("ctrl+s")
        await answers_keys_while_the_file_waits(pilot, app, slow)
        await until(pilot, lambda: len(app.screen.detail.messages) == 2)
    [att] = sv.peek(desk.store, desk.root, tid).messages[-1].attachments
    assert att.name == "slow.log"


async def test_the_tui_refuses_dev_zero_in_the_form(desk: Desk) -> None:
    tid = desk.open()
    admin.set_setting(desk.store, "attachment_max_bytes", "4096")
    app = TicketApp(desk.store, desk.john, live_interval=60)
    async with app.run_test(size=(120, 40)) as pilot:
        await send_from_the_client_area(pilot, app, "hello", "/dev/zero")
        error = lambda: str(app.screen.query_one("#reply-error").render())  # noqa: E731
        await until(pilot, lambda: "over the limit" in error())
        assert error() == "The file 'zero' is over the limit of 4096 bytes."
        assert app.screen.query_one("#reply-body").text == "hello"  # still in the form
    assert len(sv.peek(desk.store, desk.root, tid).messages) == 1
