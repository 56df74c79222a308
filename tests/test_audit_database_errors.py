"""The audit's database breaks (issue 21): a database that isn't there, and one that can't be
written (a read-only file, a full disk). Each is one sentence and an exit code on the command
line, never a traceback, and never a new empty database made by mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ticket_tui import main

JOHN = "john@example.com"


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
