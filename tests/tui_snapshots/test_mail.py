"""Snapshots of the mail channel's faces (issue 18): a mailed message in the thread, marked
with its sender, To and Cc, and its original opened as plain text."""

from __future__ import annotations

import pytest

from store.mail.intake import receive
from tests.mail_desk import mail, mail_desk
from tests.snapshot_apps import NOW, settle, until
from tests.tui_snapshots.steps import app_for, list_ready, modal


@pytest.fixture
def mailed(store, clock):
    desk = mail_desk(store)
    taken = receive(store, mail("Hello,\r\n\r\nthe invoice of November is twice the usual.\r\n",
                                subject="Invoice twice", to="billing@desk.example",
                                extra="Cc: Boss <boss@example.com>\r\nDate: Fri, 20 Nov 2026 "
                                      "10:00:00 +0000\r\n", message_id="<snap1@example.com>"))
    clock.freeze(NOW)
    return (desk, None), taken.ticket_id


async def _opened(pilot, ticket_id: int) -> None:
    from tui.ticket.screen import TicketScreen
    from tui.widgets.thread import MessageBox

    app = pilot.app
    await list_ready(pilot, 1)
    app.open_ticket(ticket_id)
    await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.query(MessageBox))
    await settle(pilot)


def test_mailed_message_in_the_thread(shoot, mailed) -> None:
    desk, ticket_id = mailed

    async def run_before(pilot) -> None:
        await _opened(pilot, ticket_id)

    assert shoot(app_for(desk, "bob"), run_before)


def test_mail_original(shoot, mailed, monkeypatch) -> None:
    from pathlib import Path

    import tui.modals.mail_original as dialog

    monkeypatch.setattr(dialog, "default_folder", lambda: Path("/home/bob/Downloads"))
    desk, ticket_id = mailed

    async def run_before(pilot) -> None:
        await _opened(pilot, ticket_id)
        await pilot.press("e")
        await modal(pilot, "MailOriginalModal")
        await pilot.press("enter")
        await until(pilot, lambda: pilot.app.screen.query_one("#original-text").display)
        await settle(pilot)

    assert shoot(app_for(desk, "bob"), run_before)
