"""Snapshots of the bundled themes and the densities, on the list and the ticket form."""

from __future__ import annotations

import pytest

from store import service as sv
from tests.snapshot_apps import LIVE
from tests.tui_snapshots.steps import app_for, list_ready, open_ticket
from tui.app import TicketApp
from tui.runtime.config import Config


@pytest.mark.parametrize("theme", ["ticket-light", "ticket-high-contrast"])
def test_theme_list(shoot, desk, theme) -> None:
    d, _ = desk
    app = TicketApp(d.store, d.alice, Config(theme=theme), live_interval=LIVE)

    async def run_before(pilot) -> None:
        await list_ready(pilot, 5)

    assert shoot(app, run_before)


@pytest.mark.parametrize("theme", ["ticket-light", "ticket-high-contrast"])
def test_theme_ticket(shoot, desk, theme) -> None:
    """Internal comments and system messages keep their marks in every bundled theme."""
    d, t = desk
    app = TicketApp(d.store, d.alice, Config(theme=theme), live_interval=LIVE)

    async def run_before(pilot) -> None:
        await open_ticket(pilot, t.thread)

    assert shoot(app, run_before)


@pytest.mark.parametrize("density", ["compact", "relaxed"])
def test_density_ticket(shoot, desk, density) -> None:
    d, t = desk
    sv.save_my_settings(d.store, d.alice, {"density": density})

    async def run_before(pilot) -> None:
        await open_ticket(pilot, t.thread)

    assert shoot(app_for(desk), run_before)
