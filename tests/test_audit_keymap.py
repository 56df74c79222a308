"""The audit's keymap (issue 21): a [keymap] entry naming no binding, or keys Textual can't
match, was ignored silently, and a bad key even took the binding's default key away. Each is
now told in one sentence at start, and its binding keeps its default keys."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.desk import Desk
from tests.test_audit_database_errors import one_sentence
from tests.test_tui_workflow import SIZE, table, until
from tui.app import TicketApp, binding_ids
from tui.queue.screen import TicketListScreen
from tui.runtime.config import Config, is_key, keymap_problem, usable_keymap

TUI = Path(__file__).parents[1] / "tui"


@pytest.fixture
def desk(sqlite_desk: Desk) -> Desk:
    return sqlite_desk


def warnings(app) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "warning"]


async def test_bad_entries_are_told_at_start_and_their_bindings_keep_their_keys(desk: Desk) -> None:
    desk.open(subject="Site down")
    config = Config(keymap={"ticket.okk": "ctrl+k", "list.search": "ctrl+shft+x",
                            "list.view_all": "f2"})
    app = TicketApp(desk.store, desk.alice, config, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and table(app).rows)
        await until(pilot, lambda: warnings(app))
        assert warnings(app) == [
            "Some [keymap] entries were ignored and their bindings keep their default keys: "
            "'ticket.okk' (no binding has that id) and 'list.search' ('ctrl+shft+x' is not a key)."]
        assert one_sentence(warnings(app)[0])
        await pilot.press("f2")  # the good entry still applies
        await until(pilot, lambda: app.screen.spec.view == "all")
        await pilot.press("slash")  # Search keeps its default key
        await until(pilot, lambda: app.screen.query("#search"))


async def test_a_good_keymap_is_not_told_about(desk: Desk) -> None:
    config = Config(keymap={"list.view_all": "f2", "ticket.ok": "ctrl+k,f9", "app.keys": "?"})
    app = TicketApp(desk.store, desk.alice, config, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen))
        await pilot.pause(0.3)
        assert warnings(app) == []


@pytest.mark.parametrize("keys", ["ctrl+k", "f2", "?", "question_mark", "slash", "t,ctrl+t",
                                  "shift+tab", "alt+pageup", "ctrl+full_stop", "A", "space"])
def test_keys_textual_knows_are_used(keys: str) -> None:
    assert usable_keymap({"list.search": keys}) == ({"list.search": keys}, {})


@pytest.mark.parametrize("keys", ["", "ctrl+", "F2", "ctrl+shft+x", "Ctrl+K", "f99", "page up",
                                  "ctrl+k,", "shift++", "enterr", "\x1b[31m"])
def test_keys_textual_cannot_match_are_refused(keys: str) -> None:
    assert usable_keymap({"list.search": keys}) == ({}, {"list.search": keys})
    assert not all(map(is_key, keys.split(",")))


def test_one_entry_is_one_sentence_and_the_files_words_stay_inert() -> None:
    said = keymap_problem(["\x1b]0;owned\x07x"], {})
    assert said is not None and "\x1b" not in said and "\x07" not in said
    assert said.startswith("A [keymap] entry was ignored and its binding keeps its default keys: ")
    assert keymap_problem([], {}) is None


def test_every_binding_id_in_the_code_is_known() -> None:
    """binding_ids() walks the app's modules: a binding added or moved (a screen split in two)
    is known without a list kept by hand."""
    written = set()
    for path in TUI.rglob("*.py"):
        written |= set(re.findall(r'Binding\(.*?\bid="([^"]+)"', path.read_text()))
    assert written and binding_ids() == written
    assert {"ticket.ok", "list.search", "client.send", "new.create", "app.quit"} <= written
