"""Snapshots of bulk actions in the staff list (issue 20): marked rows and the bar's count, the
actions' menu, and the summary naming the ticket locked by another."""

from __future__ import annotations

from tests.snapshot_apps import settle, until
from tests.tui_snapshots.steps import app_for, list_ready, modal, table


def test_bulk_marked_rows(shoot, desk) -> None:
    """Two rows marked with shift+↓ (✓, the marked tint), the cursor on the third, marked too."""
    async def run_before(pilot) -> None:
        await list_ready(pilot, 5)
        await pilot.press("shift+down", "shift+down", "j")
        await settle(pilot)

    assert shoot(app_for(desk), run_before)


def test_bulk_menu(shoot, desk) -> None:
    async def run_before(pilot) -> None:
        await list_ready(pilot, 5)
        await pilot.press("space", "j", "j", "space", "b")
        await modal(pilot, "BulkMenu")

    assert shoot(app_for(desk), run_before)


def test_bulk_summary_names_the_ticket_locked_by_another(shoot, desk) -> None:
    """`*` then close: carol's ticket is skipped and named, with the rule's own sentence."""
    async def run_before(pilot) -> None:
        await list_ready(pilot, 5)
        await pilot.press("asterisk")
        await until(pilot, lambda: pilot.app.screen.marks.count == 5)
        await pilot.press("b", "c")
        await modal(pilot, "BulkSummaryModal")
        await until(pilot, lambda: len(pilot.app.screen_stack[-2].query_one("TicketTable").rows) == 1)
        await settle(pilot)

    assert shoot(app_for(desk), run_before)
