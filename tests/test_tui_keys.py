"""Keys: remappable from the config file, every action in the command palette, `?` lists them."""

from __future__ import annotations

import pytest

from tests.desk import Desk
from tests.test_tui_workflow import SIZE, table, until
from tui.app import TicketApp
from tui.runtime.config import Config, load_config
from tui.queue.screen import TicketListScreen
from tui.ticket.screen import TicketScreen


@pytest.fixture
def desk(sqlite_desk: Desk) -> Desk:
    return sqlite_desk


async def test_a_keymap_from_the_config_moves_a_binding(desk: Desk) -> None:
    desk.open(subject="a")
    sv_second = desk.open(subject="b")
    config = Config(keymap={"list.view_all": "f2", "ticket.take": "f6"})
    app = TicketApp(desk.store, desk.alice, config, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and table(app).rows)
        await pilot.press("f2")
        await until(pilot, lambda: app.screen.spec.view == "all")
        table(app).select_id(sv_second)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail)
        await pilot.press("t")  # no longer the key for it
        await pilot.pause(0.3)
        assert not app.screen.mine
        await pilot.press("f6")
        await until(pilot, lambda: app.screen.mine)


def test_the_config_file_is_read_and_a_broken_one_is_reported(tmp_path) -> None:
    good = tmp_path / "good.toml"
    good.write_text('db = "sqlite:///x.db"\nas = "alice"\n[keymap]\n"ticket.ok" = "ctrl+k"\n')
    config = load_config(good)
    assert (config.db, config.login, config.keymap) == ("sqlite:///x.db", "alice", {"ticket.ok": "ctrl+k"})
    bad = tmp_path / "bad.toml"
    bad.write_text("db = [unclosed\n")
    broken = load_config(bad)
    assert broken.db is None and "was ignored" in broken.problem


async def test_the_palette_offers_the_actions_that_apply_now_in_the_buttons_words(desk: Desk) -> None:
    tid = desk.open()
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and table(app).rows)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Assign ticket to me", "Information", "Summary", "Assign", "Delay", "Abuse",
                "Messages", "Favorite", "Filter by client"} <= titles
        assert "Send reply" not in titles and "Ok" not in titles
        await pilot.press("t")
        await until(pilot, lambda: app.screen.mine)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Ok", "Send reply", "Save parameters", "Cancel"} <= titles
        assert "Assign ticket to me" not in titles
        assert tid


async def test_the_keys_screen_lists_the_bindings_with_their_ids(desk: Desk) -> None:
    desk.open()
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and table(app).rows)
        await pilot.press("question_mark")
        await until(pilot, lambda: type(app.screen).__name__ == "KeysScreen")
        shown = str(app.screen.query_one("#keys-table").render())
        assert "Search" in shown and "list.search" in shown and "All" in shown
