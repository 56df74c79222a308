"""The audit's database breaks (issue 21): a database that isn't there, and one that can't be
written (a read-only file, a full disk). Each is one sentence and an exit code on the command
line, never a traceback, and never a new empty database made by mistake."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from store import service as sv
from store.actors import client_actor, staff_actor
from store.db import Store
from store.errors import NotWritable
from tests.desk import make_desk
from tests.pilot_wait import until
from ticket_tui import main

JOHN = "john@example.com"
CHECKOUT = Path(__file__).parents[1]  # `python -m ticket_tui` runs this checkout's code


def run(*args: str, env: dict[str, str] | None = None):
    result = CliRunner().invoke(main, list(args), env=env)
    assert "Traceback" not in result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def one_sentence(text: str) -> bool:
    return "\n" not in text.strip() and text.strip().endswith(".") and ". " not in text


# --- a database that isn't there is refused, not made, outside `init` ---------------------------
ANY_COMMAND = [
    ("--as", "alice", "ticket", "list"),
    ("--client", JOHN, "ticket", "show", "1"),
    ("department", "add", "Billing"),
    ("settings", "get"),
    ("staff", "add", "alice", "--name", "Alice"),
]


@pytest.mark.parametrize("args", ANY_COMMAND, ids=lambda a: " ".join(a[:3]))
def test_a_missing_database_is_refused_naming_init(tmp_path: Path, args: tuple[str, ...]) -> None:
    where = tmp_path / "no" / "such" / "dir" / "x.db"
    url = f"sqlite:///{where}"
    result = run("--db", url, *args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    sentence = line.removeprefix("Error: ")
    assert sentence == f"There is no database at {where}; `ticket-tui --db {url} init` creates one."
    assert one_sentence(sentence)
    assert not (tmp_path / "no").exists(), "the folder was made anyway"


def test_a_missing_database_named_by_the_environment_is_refused(tmp_path: Path) -> None:
    where = tmp_path / "gone.db"
    result = run("settings", "get", env={"TICKET_TUI_DB": f"sqlite:///{where}",
                                         "TICKET_TUI_CONFIG": str(tmp_path / "none.toml")})
    assert result.exit_code == 2 and "init" in result.stderr
    assert not where.exists()


def test_init_makes_the_database_and_then_every_command_opens_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'desk.db'}"
    assert run("--db", url, "init").exit_code == 0
    assert (tmp_path / "new" / "desk.db").exists()
    assert run("--db", url, "department", "add", "Billing").exit_code == 0


def test_seed_builds_a_desk_from_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bulk.db'}"
    assert run("--db", url, "seed", "--tickets", "3").exit_code == 0
    assert (tmp_path / "bulk.db").exists()


def test_the_default_location_is_made_on_a_first_run(tmp_path: Path) -> None:
    """`make demo` and a first `ticket-tui` find nothing yet in the user data directory."""
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "TICKET_TUI_DB": "",
           "TICKET_TUI_CONFIG": str(tmp_path / "none.toml")}
    result = run("department", "add", "Billing", env=env)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "ticket-tui" / "tickets.db").exists()


# --- a database that can't be written: a read-only file, a full disk ----------------------------
class SmallDisk:
    """A 4 MiB file system of its own (tmpfs), to fill up for real: SQLite then gets ENOSPC
    from the kernel and answers SQLITE_FULL, as on any full disk."""

    def __init__(self, where: Path) -> None:
        self.where = where
        self.url = f"sqlite:///{where / 'desk.db'}"

    def fill(self) -> None:
        """Every byte left is taken. The desk's write-ahead log is empty then (the last
        connection closed folded it into the database), so the next write needs room the disk
        no longer has; a store kept open meanwhile keeps the log's files, as an app running
        while the disk fills up does."""
        fd = os.open(self.where / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while True:
                os.write(fd, bytes(65536))
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
        finally:
            os.close(fd)


@pytest.fixture
def small_disk(tmp_path: Path):
    where = tmp_path / "small-disk"
    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(where)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"A small file system can't be mounted here to fill up: {mounted.stderr.strip()}")
    yield SmallDisk(where)
    subprocess.run(["umount", "--lazy", str(where)], check=True)


def desk_at(url: str) -> int:
    """A desk with one ticket from john; the store closed again (its log folded in)."""
    store = Store.open(url)
    try:
        return make_desk(store).open()
    finally:
        store.close()


WRITES = [
    ("--as", "alice", "ticket", "show", "{tid}"),  # marks it seen
    ("--as", "alice", "ticket", "take", "{tid}"),
    ("--client", JOHN, "ticket", "reply", "{tid}", "--body", "still down"),
    ("department", "add", "Sales"),
]
CANT_WRITE = {"read-only": "The database can't be written, its file or folder is read-only: "
                           "nothing was changed.",
              "full": "The database can't be written, the disk holding it is full: nothing was "
                      "changed."}


def test_a_full_disk_is_one_sentence_and_exit_3(small_disk: SmallDisk) -> None:
    tid = desk_at(small_disk.url)
    running = Store.open(small_disk.url)  # the TUI, say, open while the disk fills up
    small_disk.fill()
    for args in WRITES:
        result = run("--db", small_disk.url, *(a.format(tid=tid) for a in args))
        assert (result.exit_code, result.stderr) == (3, f"Error: {CANT_WRITE['full']}\n"), args
        assert result.stdout == ""
    listed = run("--db", small_disk.url, "--as", "alice", "ticket", "list", "--json")
    assert listed.exit_code == 0 and [t["id"] for t in json.loads(listed.stdout)] == [tid]
    assert json.loads(listed.stdout)[0]["locked_by"] is None  # the take was not half-made
    running.close()


def test_the_store_says_why_on_both_of_its_layers(small_disk: SmallDisk) -> None:
    """Plain SQL (show, its seen mark) and SQLAlchemy's sessions (take) translate the driver's
    error in one place, store/sql.py's store_error."""
    tid = desk_at(small_disk.url)
    store = Store.open(small_disk.url)
    try:
        alice = staff_actor(store, "alice")
        small_disk.fill()
        for action in (lambda: sv.show(store, alice, tid), lambda: sv.take(store, alice, tid)):
            with pytest.raises(NotWritable) as refusal:
                action()
            assert str(refusal.value) == CANT_WRITE["full"]
        assert sv.peek(store, alice, tid).locked_by is None  # reading still works
    finally:
        store.close()


def test_a_draft_that_cant_be_written_is_kept_locally(small_disk: SmallDisk) -> None:
    """The TUI's drafts: kept in the local spool (on another disk), nothing typed is lost."""
    from tui.runtime import draft_spool

    tid = desk_at(small_disk.url)
    store = Store.open(small_disk.url)
    try:
        alice = staff_actor(store, "alice")
        sv.take(store, alice, tid)
        small_disk.fill()
        assert draft_spool.save_draft(store, alice, tid, "typed while full", "") is True
        # Opening the ticket again offers it back, and it stays spooled until the store has it.
        restored = draft_spool.restore_spooled(store, alice, tid)
        assert (restored.body, restored.internal_comment) == ("typed while full", "")
        assert draft_spool.restore_spooled(store, alice, tid).body == "typed while full"
    finally:
        store.close()


@pytest.mark.pg
def test_a_read_only_postgresql_database_is_one_sentence_and_exit_3(pg_cluster, pg_url: str) -> None:
    """A standby, or a database its operator made read-only (default_transaction_read_only):
    the server refuses with SQLSTATE 25006, told as the same NotWritable."""
    tid = desk_at(pg_url)
    database = pg_url.rsplit("/", 1)[1]
    pg_cluster.admin_sql(f"ALTER DATABASE {database} SET default_transaction_read_only = on")
    result = run("--db", pg_url, "--as", "alice", "ticket", "take", str(tid))
    assert (result.exit_code, result.stderr) == (
        3, "Error: The database can't be written, the server is read-only: nothing was changed.\n")
    assert run("--db", pg_url, "--as", "alice", "ticket", "list").exit_code == 0


def without_overriding_permissions() -> list[str]:
    """Root reads and writes a 0444 file anyway: run as root without CAP_DAC_OVERRIDE (setpriv,
    util-linux, which CI installs for runuser), so the file's mode counts as it does for anyone."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed to run a command as root that obeys file modes"
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"]


def test_a_read_only_database_file_is_one_sentence_and_exit_3(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    url = f"sqlite:///{path}"
    tid = desk_at(url)
    before = path.read_bytes()
    path.chmod(0o444)
    command = [*without_overriding_permissions(), sys.executable, "-m", "ticket_tui", "--db", url]
    for args in WRITES:
        result = subprocess.run([*command, *(a.format(tid=tid) for a in args)], cwd=CHECKOUT,
                                capture_output=True, text=True, timeout=60)
        assert (result.returncode, result.stderr) == (3, f"Error: {CANT_WRITE['read-only']}\n"), args
        assert result.stdout == ""
    listed = subprocess.run([*command, "--as", "alice", "ticket", "list"], cwd=CHECKOUT,
                            capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0 and "Site down" in listed.stdout
    assert path.read_bytes() == before


# --- the TUI: the ticket still opens, with a notice, and nothing typed is lost ----------------
def told(app, title: str) -> list[str]:
    return [n.message for n in app._notifications if n.title == title]


async def test_the_staff_form_opens_on_a_full_disk_and_keeps_what_is_typed(small_disk: SmallDisk) -> None:
    from tui.app import TicketApp
    from tui.runtime import draft_spool
    from tui.ticket.screen import TicketScreen

    tid = desk_at(small_disk.url)
    store = Store.open(small_disk.url)
    alice = staff_actor(store, "alice")
    sv.take(store, alice, tid)
    small_disk.fill()
    app = TicketApp(store, alice, live_interval=60)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.screen.query("#tickets"))
        app.open_ticket(tid)
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.query("#reply-body"))
        assert told(app, "Opened without marking it read") == [CANT_WRITE["full"]]
        app.screen.query_one("#reply-body").focus()
        await pilot.press(*"typed while full")
        spooled = lambda: draft_spool.take(store.url, f"StaffActor:{alice.id}", tid)  # noqa: E731
        await until(pilot, lambda: spooled() == draft_spool.SpooledDraft("typed while full", ""))
        await pilot.press("ctrl+s")
        error = lambda: str(app.screen.query_one("#reply-error").render())  # noqa: E731
        await until(pilot, lambda: error() == CANT_WRITE["full"])
        assert app.screen.query_one("#reply-body").text == "typed while full"
        assert isinstance(app.screen, TicketScreen)
    assert len(sv.peek(store, alice, tid).messages) == 1
    store.close()


async def test_the_client_area_opens_a_ticket_on_a_full_disk(small_disk: SmallDisk) -> None:
    from tests.test_tui_workflow import table
    from tui.app import TicketApp
    from tui.client.ticket import ClientTicketScreen

    tid = desk_at(small_disk.url)
    store = Store.open(small_disk.url)
    alice, john = staff_actor(store, "alice"), client_actor(store, JOHN)
    sv.reply(store, alice, tid, "Fixed.", token=sv.take(store, alice, tid).token)
    small_disk.fill()
    app = TicketApp(store, john, live_interval=60)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.screen.query("#tickets") and table(app).rows)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ClientTicketScreen) and app.screen.detail)
        assert [m.body for m in app.screen.detail.messages][-1] == "Fixed."
        assert told(app, "Opened without marking it read") == [CANT_WRITE["full"]]
    assert sv.peek(store, john, tid).status == "New messages"  # unread still, and said so
    store.close()
