"""The audit's draft spool (issue 21): drafts kept locally while the database is unreachable
(tui/runtime/draft_spool.py). Nothing planted in the folder is written through or read back,
a folder others may use is refused, and a file is private from the moment it exists."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.test_audit_database_errors import SmallDisk, one_sentence, small_disk  # noqa: F401
from tui.runtime import draft_spool
from tui.runtime.draft_spool import SpooledDraft, SpoolRefused, keep, spool_dir, take

URL, WHO, TICKET = "sqlite:////srv/desk.db", "StaffActor:2", 7


def spooled_name() -> Path:
    """Where keep() puts the draft of URL, WHO and TICKET."""
    return draft_spool._path(URL, WHO, TICKET)


def private_folder() -> Path:
    folder = spool_dir()
    folder.mkdir(mode=0o700)
    return folder


def precious(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    target.write_text("not a draft: leave me alone")
    target.chmod(0o644)
    return target


def untouched(target: Path) -> bool:
    return (target.read_text() == "not a draft: leave me alone"
            and stat.S_IMODE(target.stat().st_mode) == 0o644)


def test_links_planted_at_the_spool_files_names_are_not_followed(tmp_path: Path) -> None:
    private_folder()
    final, scratch = spooled_name(), spooled_name().with_suffix(".tmp")
    elsewhere, other = precious(tmp_path, "elsewhere.txt"), precious(tmp_path, "other.txt")
    final.symlink_to(elsewhere)
    scratch.symlink_to(other)  # the name the spool used to write first
    keep(URL, WHO, TICKET, "typed during the outage", "note")
    assert untouched(elsewhere) and untouched(other)
    assert not final.is_symlink() and stat.S_IMODE(final.lstat().st_mode) == 0o600
    assert take(URL, WHO, TICKET) == SpooledDraft("typed during the outage", "note")


def test_a_link_at_the_spool_files_name_is_not_read_back(tmp_path: Path) -> None:
    private_folder()
    planted = tmp_path / "planted.json"
    planted.write_text('{"body": "words put in your mouth", "internal": ""}')
    spooled_name().symlink_to(planted)
    assert take(URL, WHO, TICKET) is None


@pytest.mark.parametrize("mode", [0o777, 0o755, 0o770])
def test_a_folder_open_to_others_is_refused(mode: int) -> None:
    folder = spool_dir()
    folder.mkdir()
    folder.chmod(mode)
    with pytest.raises(SpoolRefused) as refusal:
        keep(URL, WHO, TICKET, "typed", "")
    assert str(refusal.value) == (f"The folder {folder} is open to other users, so no draft is "
                                  "kept there; it stays in the form.")
    assert one_sentence(str(refusal.value))
    assert list(folder.iterdir()) == []
    # and a draft planted there by someone else is not offered back as yours
    spooled_name().write_text('{"body": "planted", "internal": ""}')
    assert take(URL, WHO, TICKET) is None


def test_a_folder_of_another_user_is_refused() -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can give a folder to another user here")
    folder = private_folder()
    os.chown(folder, 65534, 65534)  # nobody
    with pytest.raises(SpoolRefused) as refusal:
        keep(URL, WHO, TICKET, "typed", "")
    assert "belongs to another user" in str(refusal.value) and one_sentence(str(refusal.value))
    assert list(folder.iterdir()) == []


def test_the_folder_is_made_0700_and_each_file_0600_whatever_the_umask() -> None:
    before = os.umask(0)
    try:
        keep(URL, WHO, TICKET, "typed", "")
    finally:
        os.umask(before)
    assert stat.S_IMODE(spool_dir().stat().st_mode) == 0o700
    assert [stat.S_IMODE(p.stat().st_mode) for p in spool_dir().iterdir()] == [0o600]


def test_a_draft_that_cant_be_written_leaves_no_file_behind(small_disk: SmallDisk,  # noqa: F811
                                                            monkeypatch) -> None:
    """The spool's own disk full: refused in one sentence (the draft stays in the form), and no
    half-written file is left, least of all one others may read (a file is 0600 from the start,
    not once written)."""
    folder = small_disk.where / "spool"
    monkeypatch.setenv(draft_spool.ENV_SPOOL, str(folder))
    folder.mkdir(mode=0o700)
    small_disk.fill()
    before = os.umask(0)
    try:
        with pytest.raises(SpoolRefused) as refusal:
            keep(URL, WHO, TICKET, "x" * 100_000, "")
    finally:
        os.umask(before)
    assert str(refusal.value) == (f"The draft can't be kept in {folder} (No space left on device); "
                                  "it stays in the form.")
    assert list(folder.iterdir()) == []
