"""Merge into… in the ticket form, driven with Pilot: the number, the confirmation, the store's
sentence on a refusal, the target shown after; a stub opened from anywhere shows its target."""

from __future__ import annotations

import pytest

from store import service as sv
from tests.desk import Desk
from tests.pilot_wait import until
from tui.app import TicketApp
from tui.modals.merge import MergeConfirm, MergeModal
from tui.queue.screen import TicketListScreen
from tui.ticket.screen import TicketScreen
from tui.widgets.ticket_table import TicketTable

SIZE = (120, 40)


@pytest.fixture
def desk(sqlite_desk: Desk) -> Desk:
    return sqlite_desk


async def _open(pilot, app, ticket_id: int) -> TicketScreen:
    await until(pilot, lambda: isinstance(app.screen, TicketListScreen)
                and app.screen.query_one(TicketTable).rows)
    app.push_screen(TicketScreen(ticket_id))
    await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail)
    return app.screen


async def test_merge_into_asks_confirms_and_shows_the_target(desk: Desk) -> None:
    target, source = desk.open(subject="Site down"), desk.open(subject="[b]Still[/b] down")
    for tid in (target, source):
        sv.take(desk.store, desk.alice, tid)
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        form = await _open(pilot, app, source)
        await pilot.press("M")
        await until(pilot, lambda: isinstance(app.screen, MergeModal))
        await pilot.press(*str(target), "enter")
        await until(pilot, lambda: isinstance(app.screen, MergeConfirm))
        assert "[b]Still[/b] down" in str(app.screen.query("Static")[1].render())
        await pilot.press("y")
        await until(pilot, lambda: app.screen is form and form.detail is not None
                    and form.detail.id == target)
        assert form.ticket_id == target and form.mine
    assert sv.peek(desk.store, desk.root, source).merged_into == target


async def test_a_refusal_shows_the_stores_sentence_and_merges_nothing(desk: Desk) -> None:
    target, source = desk.open(), desk.open()
    sv.take(desk.store, desk.alice, source)  # not the target's lock
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app, source)
        await pilot.press("M")
        await until(pilot, lambda: isinstance(app.screen, MergeModal))
        await pilot.press(*str(target), "enter")
        await until(pilot, lambda: isinstance(app.screen, MergeConfirm))
        await pilot.press("y")
        error = lambda: str(app.screen.query_one("#modal-error").render())  # noqa: E731
        await until(pilot, lambda: "lock of both" in error())
        assert error() == (f"Merging needs the lock of both tickets; take ticket #{target} first "
                           "(\"Assign ticket to me\").")
    assert sv.peek(desk.store, desk.root, source).merged_into is None


async def test_opening_a_stub_opens_its_target(desk: Desk) -> None:
    target, source = desk.open(), desk.open()
    sv.merge(desk.store, desk.root, source, target)
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        form = await _open(pilot, app, source)
        await until(pilot, lambda: form.detail is not None and form.detail.id == target)
        assert any(f"merged into #{target}; showing #{target}" in n.message
                   for n in app._notifications)
