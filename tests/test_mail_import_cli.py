"""`ticket-tui mail import PATH`: the summary (plain or --json), the progress bar only on a
terminal (stderr), bad paths refused in one sentence with exit code 2."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from store.db import Store
from tests.mail_desk import mail_desk
from tests.test_mail_import import history, write_mbox
from ticket_tui import main

ROOT = Path(__file__).resolve().parent.parent


def desk_url(sqlite_url: str) -> str:
    store = Store.open(sqlite_url)
    mail_desk(store)
    store.close()
    return sqlite_url


def test_the_summary_plain_and_as_json_and_no_progress_off_a_terminal(sqlite_url, tmp_path):
    url = desk_url(sqlite_url)
    path = write_mbox(tmp_path / "h.mbox", history() + [b"broken\x00"])
    result = CliRunner().invoke(main, ["--db", url, "mail", "import", path])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == ("4 imported (2 new tickets, 1 client messages, 1 desk "
                                     "answers), 0 duplicates, 1 failed, 0 dropped, of 5 mails.")
    assert result.stderr == ""
    again = CliRunner().invoke(main, ["--db", url, "mail", "import", path, "--json"])
    assert json.loads(again.stdout) == dict(mails=5, imported=0, duplicates=4, failed=1,
                                            dropped=0, new_tickets=0, client_messages=0,
                                            desk_answers=0)


def test_a_path_that_is_no_history_is_exit_2_in_one_sentence(sqlite_url, tmp_path):
    url = desk_url(sqlite_url)
    (tmp_path / "notes.txt").write_text("hello\n")
    for path in (tmp_path / "notes.txt", tmp_path, tmp_path / "missing"):
        result = CliRunner().invoke(main, ["--db", url, "mail", "import", str(path)])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1


def test_on_a_terminal_the_progress_goes_to_stderr_and_the_summary_to_stdout(sqlite_url,
                                                                             tmp_path):
    url = desk_url(sqlite_url)
    path = write_mbox(tmp_path / "h.mbox", history())
    terminal, other_end = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm", "COLUMNS": "100"}
    proc = subprocess.run([sys.executable, "-m", "ticket_tui", "--db", url, "mail", "import",
                           path, "--json"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                          stderr=other_end, timeout=120)
    os.close(other_end)
    shown = b""
    try:
        while chunk := os.read(terminal, 65536):
            shown += chunk
    except OSError:
        pass  # the terminal's other end is closed: all of it was read
    os.close(terminal)
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["imported"] == 4
    assert b"Importing" in shown
