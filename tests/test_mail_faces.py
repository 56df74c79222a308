"""The mail channel's faces for staff (issue 18): the thread marks a mailed message with its
sender, To and Cc; `e` opens its original, read as plain text and saved whole as .eml; an
administrator's view of failed mail, with Enter to take one in again."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList, Static, TextArea

from store import service as sv
from store.actors import client_actor
from store.admin import set_setting
from store.errors import NotAllowed
from store.mail.failed import failed_mail_for, retry_for
from store.mail.intake import receive
from store.views import MailHead
from tests.mail_desk import BILLING, mail, mail_desk, mail_store
from tests.personal import own_store
from tests.pilot_wait import until

HOSTILE = "Please help.\x1b]52;c;cm0gLXJmIH4=\x07 \x1b[31mred\x1b[0m [b]bold[/b]"


def test_staff_see_who_a_mailed_message_came_from_and_went_to(store) -> None:
    desk = mail_desk(store)
    taken = receive(mail_store(store), mail("Invoice is wrong.", to=BILLING,
                                            extra="Cc: Boss <boss@example.com>\r\n"))
    [m] = sv.peek(own_store(store, desk.bob), desk.bob, taken.ticket_id).messages
    assert m.channel == "email"
    assert m.mail == MailHead("Jane Roe <jane@example.com>", BILLING, "Boss <boss@example.com>")
    jane = client_actor(store, "jane@example.com")
    [seen_by_client] = sv.show(store, jane, taken.ticket_id).messages
    assert seen_by_client.mail is None and seen_by_client.channel is None
    typed = sv.open_ticket(store, desk.john, "Billing", "Typed", "In the client area.")
    assert sv.peek(own_store(store, desk.bob), desk.bob, typed).messages[0].mail is None


def test_only_an_administrator_sees_and_retries_failed_mail(store) -> None:
    desk = mail_desk(store)
    set_setting(store, "mail_max_bytes", "2048")
    receive(mail_store(store), mail("y" * 3000, message_id="<later@example.com>"))
    for staff in (desk.alice, desk.carol):
        with pytest.raises(NotAllowed, match="Only an administrator can see failed mail"):
            failed_mail_for(own_store(store, staff), staff)
        with pytest.raises(NotAllowed):
            retry_for(own_store(store, staff), staff, 1)
    with pytest.raises(NotAllowed):
        failed_mail_for(store, desk.john)
    [failed] = failed_mail_for(own_store(store, desk.root), desk.root)
    assert "2,048 bytes" in failed.reason


# --- the TUI (SQLite) --------------------------------------------------------------------------
@pytest.fixture
def desk(sqlite_url):
    from store.db import Store

    return mail_desk(Store.open(sqlite_url))


def _app(desk, actor):
    from tui.app import TicketApp

    return TicketApp(desk.store, actor, live_interval=60)


async def _open(pilot, app, ticket_id: int):
    from tui.ticket.screen import TicketScreen
    from tui.widgets.thread import MessageBox

    await until(pilot, lambda: app.screen.query("#tickets"))
    app.open_ticket(ticket_id)
    await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.query(MessageBox))
    return app.screen


async def test_the_thread_marks_mail_and_e_opens_the_original_as_plain_text(desk, tmp_path: Path) -> None:
    from tui.modals.mail_original import MailOriginalModal
    from tui.widgets.thread import MessageBox

    raw = mail(HOSTILE, extra="Cc: boss@example.com\r\n")
    taken = receive(desk.store, raw)
    app = _app(desk, desk.alice)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, app, taken.ticket_id)
        shown = str(screen.query_one(MessageBox).render())
        assert "✉ by mail" in shown and "From Jane Roe <jane@example.com>" in shown
        assert "Cc boss@example.com" in shown
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, MailOriginalModal))
        modal = app.screen
        await pilot.press("enter")
        area = modal.query_one("#original-text", TextArea)
        await until(pilot, lambda: area.display and "Subject: Help" in area.text)
        assert "\x1b" not in area.text and "\x07" not in area.text
        assert "[b]bold[/b]" in area.text  # markup stays literal text
        modal.query_one("#folder").value = str(tmp_path)
        await pilot.press("ctrl+s")
        saved = tmp_path / f"message-{taken.message_id}.eml"
        await until(pilot, lambda: saved.exists())
    assert saved.read_bytes() == raw


async def test_e_on_a_ticket_that_came_by_no_mail_says_so(desk) -> None:
    from tui.modals.mail_original import MailOriginalModal

    tid = desk.open()
    app = _app(desk, desk.alice)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open(pilot, app, tid)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, MailOriginalModal))
        error = app.screen.query_one("#modal-error", Static)
        await until(pilot, lambda: "No message of this ticket came by mail" in str(error.render()))


async def test_an_administrator_takes_failed_mail_in_again_from_the_list(desk) -> None:
    from tui.modals.failed_mail import FailedMailModal

    set_setting(desk.store, "mail_max_bytes", "2048")
    receive(desk.store, mail("z" * 3000, subject="Big one", message_id="<big@example.com>"))
    app = _app(desk, desk.root)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.screen.query("#tickets"))
        await pilot.press("M")
        await until(pilot, lambda: isinstance(app.screen, FailedMailModal))
        options = app.screen.query_one("#failed-list", OptionList)
        await until(pilot, lambda: options.option_count == 1)
        assert "2,048 bytes" in str(options.get_option_at_index(0).prompt)
        set_setting(desk.store, "mail_max_bytes", "1000000")
        await pilot.press("enter")
        note = app.screen.query_one("#modal-error", Static)
        await until(pilot, lambda: "was taken in: a new ticket" in str(note.render()))
        assert options.option_count == 0


async def test_failed_mail_is_not_offered_to_staff_who_are_not_administrators(desk) -> None:
    from tui.modals.failed_mail import FailedMailModal

    app = _app(desk, desk.alice)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.screen.query("#tickets"))
        await pilot.press("M")
        await pilot.pause()
        assert not isinstance(app.screen, FailedMailModal)
        assert "Failed mail" not in [title for title, *_ in app.screen.palette_commands()]


async def test_r_sends_the_failed_mail_of_a_reply_again(sqlite_url, smtp_server) -> None:
    """A reply whose mail the server refused says so in the thread; R queues it again."""
    from store.db import Store
    from store.mail.outbox import message_deliveries
    from store.mail.sending import send_pass
    from tests.outbox_desk import outbox_desk
    from tui.widgets.thread import MessageBox

    box = outbox_desk(Store.open(sqlite_url), smtp_server)
    ticket = box.mailed_ticket()
    reply_id = sv.reply(box.store, box.desk.alice, ticket, "Bounce me.").reply_id
    smtp_server.handler.refuse_next(1, 550, "5.2.2 Mailbox full")
    send_pass(box.mailer)
    app = _app(box.desk, box.desk.alice)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, app, ticket)
        await until(pilot, lambda: any("mail failed: 550 5.2.2 Mailbox full" in str(b.render())
                                       for b in screen.query(MessageBox)))
        await pilot.press("R")
        await until(pilot, lambda: message_deliveries(box.store, [reply_id])[reply_id].state == "queued")
