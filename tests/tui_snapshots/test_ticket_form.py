"""Snapshots of the staff TUI's ticket form: viewed, taken, with the extra fields, its keys."""

from __future__ import annotations

from textual.widgets import Collapsible

from tests.snapshot_apps import settle, until
from tests.tui_snapshots.steps import app_for, modal, open_ticket, take
from tui.widgets.thread import Thread


def test_ticket_view_state(shoot, desk) -> None:
    """Not mine: no reply pane, "Assign ticket to me"; client, staff, internal, system messages."""
    _, t = desk

    async def run_before(pilot) -> None:
        await open_ticket(pilot, t.thread)

    assert shoot(app_for(desk), run_before)


def test_ticket_view_state_system_messages_hidden(shoot, desk) -> None:
    _, t = desk

    async def run_before(pilot) -> None:
        screen = await open_ticket(pilot, t.thread)
        await pilot.press("h")
        await until(pilot, lambda: screen.query_one(Thread).has_class("hide-system"))
        await settle(pilot)

    assert shoot(app_for(desk), run_before)


def test_ticket_assigned_state(shoot, desk) -> None:
    _, t = desk

    async def run_before(pilot) -> None:
        screen = await open_ticket(pilot, t.thread)
        await take(pilot, screen)

    assert shoot(app_for(desk), run_before)


def test_ticket_assigned_state_additional_fields(shoot, desk) -> None:
    _, t = desk

    async def run_before(pilot) -> None:
        screen = await open_ticket(pilot, t.thread)
        await take(pilot, screen)
        await pilot.press("f8")
        await until(pilot, lambda: not screen.query_one("#extra", Collapsible).collapsed
                    and pilot.app.focused is not None and pilot.app.focused.id == "internal")
        await settle(pilot)

    assert shoot(app_for(desk), run_before)


def test_ticket_keys_screen(shoot, desk) -> None:
    _, t = desk

    async def run_before(pilot) -> None:
        await open_ticket(pilot, t.thread)
        await pilot.press("question_mark")
        await modal(pilot, "KeysScreen")

    assert shoot(app_for(desk), run_before)
