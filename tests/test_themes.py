"""Themes and per-staff display settings: readable marks in every theme, broken files survived,
settings that follow the staff member to another process and not to a colleague."""

from __future__ import annotations

import subprocess
import sys

import pytest

from store import service as sv
from tests.desk import Desk
from tests.test_tui_workflow import SIZE, table, until
from tui.app import TicketApp
from tui.runtime.config import Config
from tui.queue.screen import TicketListScreen
from tui.runtime.themes import BUNDLED_DIR, contrast, load_theme_file, load_themes

BUNDLED = ["ticket-dark", "ticket-light", "ticket-high-contrast"]


@pytest.fixture
def desk(sqlite_desk: Desk) -> Desk:
    return sqlite_desk


@pytest.fixture(autouse=True)
def _own_config_dir(tmp_path, monkeypatch):
    """Each test has its own (empty) config dir, so the user's themes don't leak in."""
    monkeypatch.setenv("TICKET_TUI_CONFIG", str(tmp_path / "config" / "config.toml"))


def test_the_bundled_theme_files_load() -> None:
    load = load_themes(BUNDLED_DIR)
    assert load.problems == []
    assert sorted(t.name for t in load.themes) == sorted(BUNDLED)


async def test_every_theme_keeps_text_internal_comments_system_messages_and_due_readable(desk: Desk) -> None:
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and table(app).loaded)
        assert set(BUNDLED) <= set(app.available_themes)
        weak = []
        for name in sorted(app.available_themes):
            app.theme = name
            await pilot.pause()
            v = app.get_css_variables()
            background = v["background"]
            if contrast(v["internal"], background) < 4.5:
                weak.append((name, "internal", round(contrast(v["internal"], background), 2)))
            if contrast(v["system"], background) < 3.0:
                weak.append((name, "system", round(contrast(v["system"], background), 2)))
            for due in ("due-soon", "due-breached"):  # the list's Due column; high contrast: AAA
                if contrast(v[due], background) < (7.0 if name == "ticket-high-contrast" else 4.5):
                    weak.append((name, due, round(contrast(v[due], background), 2)))
            if name in BUNDLED and contrast(v["foreground"], background) < (
                    7.0 if name == "ticket-high-contrast" else 4.5):
                weak.append((name, "text", round(contrast(v["foreground"], background), 2)))
        assert weak == []


async def test_a_broken_theme_file_is_reported_and_skipped(desk: Desk, tmp_path) -> None:
    themes = tmp_path / "config" / "themes"
    themes.mkdir(parents=True)
    (themes / "broken.toml").write_text("name = [unclosed\n")
    (themes / "nocolour.toml").write_text('name = "x"\nprimary = "not-a-colour"\n')
    (themes / "mine.toml").write_text('name = "mine"\nprimary = "#336699"\ndark = false\n')
    app = TicketApp(desk.store, desk.alice, Config(theme="mine"), live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and table(app).loaded)
        messages = [n.message for n in app._notifications]
        assert any("broken.toml" in m for m in messages)
        assert any("not a colour" in m for m in messages)
        assert "mine" in app.available_themes
    with pytest.raises(ValueError, match="not a colour"):
        load_theme_file(themes / "nocolour.toml")


async def test_an_unknown_theme_name_falls_back_to_the_default(desk: Desk) -> None:
    app = TicketApp(desk.store, desk.alice, Config(theme="no-such-theme"), live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and table(app).loaded)
        assert app.theme == "ticket-dark"
        assert any("no theme named 'no-such-theme'" in n.message for n in app._notifications)


async def test_settings_follow_the_staff_member_to_another_process_and_not_a_colleague(desk: Desk) -> None:
    code = (
        "import sys; from store.db import Store; from store import service as sv; "
        "from store.actors import staff_actor; st = Store.open(sys.argv[1]); "
        "sv.save_my_settings(st, staff_actor(st, 'alice'), {'theme': 'ticket-light', "
        "'density': 'compact', 'reading_width': 72, 'hide_system_messages': True, "
        "'time_format': '%d.%m.%Y %H:%M'})"
    )
    done = subprocess.run([sys.executable, "-c", code, desk.store.url], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    alice = TicketApp(desk.store, desk.alice, live_interval=60)
    async with alice.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(alice.screen, TicketListScreen) and table(alice).loaded)
        assert alice.theme == "ticket-light" and alice.has_class("-density-compact")
        assert alice.staff_settings["reading_width"] == 72
    carol = TicketApp(desk.store, desk.carol, live_interval=60)
    async with carol.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(carol.screen, TicketListScreen) and table(carol).loaded)
        assert carol.theme == "ticket-dark" and carol.has_class("-density-normal")


def test_staff_settings_are_validated(desk: Desk) -> None:
    from store.errors import BadInput

    for bad in ({"density": "huge"}, {"reading_width": 10}, {"time_format": "%Q"},
                {"hide_system_messages": "yes"}, {"nonsense": 1}):
        with pytest.raises(BadInput):
            sv.save_my_settings(desk.store, desk.alice, bad)
    assert sv.my_settings(desk.store, desk.alice)["density"] == "normal"


def test_no_color_is_respected(desk: Desk, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert TicketApp(desk.store, desk.alice).no_color


async def test_the_first_theme_is_chosen_before_anything_is_styled(desk: Desk, monkeypatch) -> None:
    """The staff member's own theme (read with the actor, as the command line does) styles the
    first paint, and no stylesheet is parsed again to get there (a theme change re-parses all
    the CSS: once per theme set at start, and once more for the next new kind of widget)."""
    from textual.css.stylesheet import Stylesheet

    reparses = []
    reparse = Stylesheet.reparse
    monkeypatch.setattr(Stylesheet, "reparse", lambda self: reparses.append(1) or reparse(self))
    mine = {**sv.my_settings(desk.store, desk.alice), "theme": "ticket-light"}
    app = TicketApp(desk.store, desk.alice, live_interval=60, staff_settings=mine)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and table(app).loaded)
        assert app.theme == "ticket-light"
        assert app.has_class("-theme-ticket-light", "-light-mode") and not app.has_class("-dark-mode")
        light = app.get_theme("ticket-light")
        assert app.screen.styles.background.hex.upper() == light.background.upper()
        assert reparses == []
        app.theme = "ticket-dark"  # switching later still works, and re-parses
        await pilot.pause()
        assert app.has_class("-dark-mode") and reparses
        assert app.screen.styles.background.hex.upper() == app.get_theme("ticket-dark").background.upper()


async def test_a_staff_member_s_own_theme_that_is_gone_is_told_of(desk: Desk) -> None:
    mine = {**sv.my_settings(desk.store, desk.alice), "theme": "gone-theme"}
    app = TicketApp(desk.store, desk.alice, live_interval=60, staff_settings=mine)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and table(app).loaded)
        assert app.theme == "ticket-dark"
        assert any("no theme named 'gone-theme'" in n.message for n in app._notifications)
        # Settings read with the actor: the list is the app's first screen (no empty one first).
        assert isinstance(app.screen_stack[0], TicketListScreen)
