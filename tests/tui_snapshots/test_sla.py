"""Snapshots of response targets in the staff TUI (tests/sla_desk.py at the fixed clock): the
queue with its Due column (one ticket overdue, one due soon, one later, one without targets),
in the default and the high-contrast theme; the Overdue view (key 7); the ticket form's line
of due times."""

from __future__ import annotations

import pytest

from tests.sla_desk import build_sla_desk
from tests.snapshot_apps import LIVE, settle
from tests.tui_snapshots.steps import list_ready, open_ticket
from tui.app import TicketApp
from tui.runtime.config import Config


@pytest.fixture
def sla_desk(store, clock):
    return build_sla_desk(store, clock)


@pytest.mark.parametrize("theme", ["ticket-dark", "ticket-high-contrast"])
def test_sla_list_due_column(shoot, sla_desk, theme) -> None:
    d, _ = sla_desk
    app = TicketApp(d.store, d.root, Config(theme=theme), live_interval=LIVE)

    async def run_before(pilot) -> None:
        await list_ready(pilot, 4)
        await pilot.press("end")  # the cursor's colours would hide the first row's
        await settle(pilot)

    assert shoot(app, run_before)


def test_sla_overdue_view(shoot, sla_desk) -> None:
    d, _ = sla_desk

    async def run_before(pilot) -> None:
        await list_ready(pilot, 4)
        await pilot.press("7")
        await list_ready(pilot, 2)
        await pilot.press("down")
        await settle(pilot)

    assert shoot(TicketApp(d.store, d.root, live_interval=LIVE), run_before)


def test_sla_ticket_form_due_times(shoot, sla_desk) -> None:
    d, t = sla_desk

    async def run_before(pilot) -> None:
        await open_ticket(pilot, t.late, queue_rows=4)

    assert shoot(TicketApp(d.store, d.root, live_interval=LIVE), run_before)
