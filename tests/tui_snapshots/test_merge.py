"""Snapshot of Merge into…'s confirmation: both tickets, their subjects and clients (here two
clients, so the warning line too), over the ticket form."""

from __future__ import annotations

from tests.tui_snapshots.steps import app_for, modal, open_ticket, take


def test_merge_confirmation_names_both_tickets_and_clients(shoot, desk) -> None:
    _, t = desk

    async def run_before(pilot) -> None:
        screen = await open_ticket(pilot, t.thread)
        await take(pilot, screen)
        screen.action_merge()
        await modal(pilot, "MergeModal")
        await pilot.press(*str(t.favorite), "enter")
        await modal(pilot, "MergeConfirm")

    assert shoot(app_for(desk), run_before)
