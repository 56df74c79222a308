"""Snapshots of the staff TUI's ticket list: the queue, all tickets, filters, keys, the staff picker."""

from __future__ import annotations

from textual.widgets import OptionList

from tests.snapshot_apps import screen_name, settle, until
from tests.tui_snapshots.steps import app_for, list_ready, modal, table


def test_list_queue(shoot, desk) -> None:
    """Placed first (⇧) on top; carol's lock; alice's favorite (★); a new ticket (●, bold)."""
    async def run_before(pilot) -> None:
        await list_ready(pilot, 5)

    assert shoot(app_for(desk), run_before)


def test_list_all_tickets(shoot, desk) -> None:
    """Every status: In progress, Awaiting response from client, In archive (dim)."""
    async def run_before(pilot) -> None:
        await list_ready(pilot, 5)
        await pilot.press("2")
        await list_ready(pilot, 8)

    assert shoot(app_for(desk), run_before)


def test_list_client_filter_and_search_chips(shoot, desk) -> None:
    _, t = desk

    async def run_before(pilot) -> None:
        await list_ready(pilot, 5)
        await pilot.press("2")
        await list_ready(pilot, 8)
        assert table(pilot.app).select_id(t.new)
        await pilot.press("c")  # john's tickets
        await list_ready(pilot, 5)
        await pilot.press("slash", *"mail", "enter")
        await list_ready(pilot, 2)

    assert shoot(app_for(desk), run_before)


def test_list_keys_screen(shoot, desk) -> None:
    async def run_before(pilot) -> None:
        await list_ready(pilot, 5)
        await pilot.press("question_mark")
        await modal(pilot, "KeysScreen")

    assert shoot(app_for(desk), run_before)


def test_staff_picker(shoot, desk) -> None:
    async def run_before(pilot) -> None:
        await until(pilot, lambda: screen_name(pilot.app) == "StaffPicker"
                    and pilot.app.screen.query_one(OptionList).option_count == 4)
        await settle(pilot)

    assert shoot(app_for(desk, actor=None), run_before)
