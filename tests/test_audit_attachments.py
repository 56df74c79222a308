"""The audit's attachment saving (issue 21, store/files.py save_into, used by the TUI's
attachments dialog and `ticket attachment`): a link in the folder is never written through and
never stops a save (the next free name is taken), and a saved name never starts with a dot (a
hidden ".bashrc" a shell would read on its own)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from store import service as sv
from store.files import save_into
from store.views import NewAttachment
from tests.desk import Desk
from tests.pilot_wait import until
from ticket_tui import main


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    return chosen


@pytest.fixture
def precious(tmp_path: Path) -> Path:
    target = tmp_path / "precious.txt"
    target.write_bytes(b"keep me")
    return target


def test_a_link_at_the_name_is_passed_over_for_the_next_free_name(folder: Path, precious: Path) -> None:
    (folder / "report.pdf").symlink_to(precious)
    saved = save_into(folder, "report.pdf", b"%PDF-1.7")
    assert saved == folder.resolve() / "report (2).pdf" and saved.read_bytes() == b"%PDF-1.7"
    assert precious.read_bytes() == b"keep me" and (folder / "report.pdf").is_symlink()


def test_a_dangling_link_is_neither_followed_nor_a_refusal(folder: Path, tmp_path: Path) -> None:
    ghost = tmp_path / "elsewhere" / "made-by-the-link.log"
    ghost.parent.mkdir()
    (folder / "error.log").symlink_to(ghost)
    assert save_into(folder, "error.log", b"log").name == "error (2).log"
    assert not ghost.exists()


@pytest.mark.parametrize("name, saved", [
    (".bashrc", "bashrc"), ("..profile", "profile"), (". .ssh", "ssh"), ("...", "attachment"),
    (".tar.gz", "tar.gz"), (".hidden.txt", "hidden.txt"),
])
def test_a_saved_name_never_starts_with_a_dot(folder: Path, name: str, saved: str) -> None:
    assert save_into(folder, name, b"x").name == saved
    assert save_into(folder, name, b"y").name.startswith(saved.rpartition(".")[0] or saved)
    assert not [p for p in os.listdir(folder) if p.startswith(".")]


@pytest.fixture
def desk(sqlite_desk: Desk) -> Desk:
    return sqlite_desk


def test_the_command_line_saves_beside_a_link_without_following_it(desk: Desk, folder: Path,
                                                                   precious: Path) -> None:
    tid = sv.open_ticket(desk.store, desk.john, "Billing", "Profile", "see attached",
                         attachments=[NewAttachment(".bashrc", b"alias ls='rm -rf ~'")])
    [att] = sv.peek(desk.store, desk.bob, tid).messages[0].attachments
    assert att.name == ".bashrc"  # stored as sent; only the saved copy is visible
    (folder / "bashrc").symlink_to(precious)
    result = CliRunner().invoke(main, ["--db", desk.store.url, "--as", "bob", "ticket",
                                       "attachment", str(att.id), "--to", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(folder.resolve() / "bashrc (2)")
    assert precious.read_bytes() == b"keep me"


async def test_the_tui_dialog_saves_a_dotted_name_visible(desk: Desk, folder: Path) -> None:
    from tests.test_tui_workflow import save_the_first_attachment
    from tui.app import TicketApp
    from tui.ticket.screen import TicketScreen

    tid = sv.open_ticket(desk.store, desk.john, "Technical support", "Profile", "see attached",
                         attachments=[NewAttachment(".profile", b"export PATH=/tmp:$PATH")])
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.screen.query("#tickets"))
        app.open_ticket(tid)
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail)
        await save_the_first_attachment(pilot, app, folder)
        await until(pilot, lambda: (folder / "profile").exists())
    assert os.listdir(folder) == ["profile"]
