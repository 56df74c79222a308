"""Snapshots of undo send: the countdown line in the ticket form after Send reply (the reply
marked held in the thread) and on the list after Ok. The clock stands still: 10 s left."""

from __future__ import annotations

from store import admin
from tests.snapshot_apps import settle, until
from tests.tui_snapshots.steps import app_for, list_ready, open_ticket, take
from tui.queue.screen import TicketListScreen
from tui.ticket.undo_send import SendCountdown
from tui.widgets.footer import KeysFooter


def counting(app) -> bool:
    """The countdown line is shown, and the footer offers the key."""
    found = app.screen.query(SendCountdown)
    keys = app.screen.query_one(KeysFooter)._items
    return bool(found) and found.first().display and any(
        item.description == "Undo send" for item in keys)


def test_undo_countdown_in_the_form_after_send_reply(shoot, desk) -> None:
    d, t = desk
    admin.set_setting(d.store, "send_delay_seconds", "10")

    async def run_before(pilot) -> None:
        screen = await open_ticket(pilot, t.thread)
        await take(pilot, screen)
        await pilot.press(*"The load balancer is back; please check again.")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: counting(pilot.app) and screen.detail.messages[-1].held_until)
        await until(pilot, lambda: screen.query_one("#reply-body").text == "")
        pilot.app.clear_notifications()  # (a toast's time is the wall clock's)
        await settle(pilot)

    assert shoot(app_for(desk), run_before)


def test_undo_countdown_on_the_list_after_ok(shoot, desk) -> None:
    d, t = desk
    admin.set_setting(d.store, "send_delay_seconds", "10")

    async def run_before(pilot) -> None:
        screen = await open_ticket(pilot, t.thread)
        await take(pilot, screen)
        await pilot.press(*"Fixed.")
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(pilot.app.screen, TicketListScreen))
        await list_ready(pilot, 4)
        await until(pilot, lambda: counting(pilot.app))
        pilot.app.clear_notifications()
        await settle(pilot)

    assert shoot(app_for(desk), run_before)
