"""Snapshots of hostile client text in the list and the ticket form: shown literally, never obeyed."""

from __future__ import annotations

import pytest

from tests.snapshot_apps import HOSTILE, HOSTILE_MARKUP, LIVE, SIZE, build_hostile, settle, until
from tests.tui_snapshots.steps import list_ready, open_ticket
from tui.app import TicketApp
from tui.queue.screen import TicketListScreen


@pytest.fixture
def hostile(store, clock):
    return build_hostile(store, clock)


def test_hostile_text_in_the_list(shoot, hostile) -> None:
    """Markup, links, click actions, ESC and OSC sequences: shown literally, never obeyed."""
    desk, _ = hostile

    async def run_before(pilot) -> None:
        await list_ready(pilot, 1)

    assert shoot(TicketApp(desk.store, desk.alice, live_interval=LIVE), run_before)


def test_hostile_text_in_the_ticket(shoot, store, clock) -> None:
    """The subject, thread, summary and attachment name: literal text, control sequences removed.

    The subject here carries markup, emoji and CJK; the test below gives it escape sequences."""
    desk, tid = build_hostile(store, clock, subject=HOSTILE_MARKUP)

    async def run_before(pilot) -> None:
        await open_ticket(pilot, tid, queue_rows=1)

    assert shoot(TicketApp(desk.store, desk.alice, live_interval=LIVE), run_before)


async def test_hostile_subject_sends_no_control_sequences_to_the_terminal(hostile) -> None:
    desk, tid = hostile
    assert "\x1b" in HOSTILE
    app = TicketApp(desk.store, desk.alice, live_interval=LIVE)
    async with app.run_test(size=SIZE) as pilot:
        await open_ticket(pilot, tid, queue_rows=1)
        await settle(pilot)
        screen = app.export_screenshot()
        assert "Down" in screen or "red" in screen  # the subject is there, only cleaned
        await pilot.press("escape")  # back to the list before the app closes
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen))
        await settle(pilot)
    assert "\x1b" not in screen and "\x07" not in screen
