"""The reply pane's macros (issue 20): the picker (F9) of the macros offered on this ticket,
and an unknown variable shown before sending, Send refused while its braces remain; then the
macro's reply and actions applied by Send, in the store."""

from __future__ import annotations

from textual.widgets import OptionList, Static, TextArea

from store import admin
from store import service as sv
from store.macros import add_macro
from tests.snapshot_apps import settle, until
from tests.tui_snapshots.steps import app_for, modal, open_ticket, take


def macros(desk) -> None:
    d, _ = desk
    admin.add_reply_template(d.store, "Fixed", "Dear {client.name}, ticket #{ticket.id} "
                             "({service.domain}) works again.", department="Technical support")
    admin.add_reply_template(d.store, "Phone", "We will call you at {client.phone}.")
    add_macro(d.store, "Fixed and close", "Fixed", close=True, delay_days=2,
              comment="web-2 replaced", department="Technical support")
    add_macro(d.store, "Call back", "Phone", assign_staff="carol")
    add_macro(d.store, "Billing only", "Phone", department="Billing")  # not offered to alice


def shown(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def picked(pilot, screen, name: str) -> None:
    """F9, the macro typed into the filter, Enter: its text in the reply."""
    await pilot.press("f9")
    await modal(pilot, "MacroPicker", lambda s: s.query_one("#template-list", OptionList).option_count == 2)
    await pilot.press(*name, "enter")
    await until(pilot, lambda: pilot.app.screen is screen and "Macro" in shown(screen, "#reply-macro"))
    await settle(pilot)


def test_macro_picker(shoot, desk) -> None:
    _, t = desk
    macros(desk)

    async def run_before(pilot) -> None:
        screen = await open_ticket(pilot, t.thread)
        await take(pilot, screen)
        await pilot.press("f9")
        await modal(pilot, "MacroPicker",
                    lambda s: s.query_one("#template-list", OptionList).option_count == 2)

    assert shoot(app_for(desk), run_before)


def test_macro_unknown_variable_notice(shoot, desk) -> None:
    _, t = desk
    macros(desk)

    async def run_before(pilot) -> None:
        screen = await open_ticket(pilot, t.thread)
        await take(pilot, screen)
        await picked(pilot, screen, "call")
        assert "{client.phone}" in shown(screen, "#reply-error")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Fill in or remove {client.phone}" in shown(screen, "#reply-error"))
        await settle(pilot)

    assert shoot(app_for(desk), run_before)
    d, _ = desk
    assert [m.body for m in sv.show(d.store, d.root, t.thread).messages][-1] != \
        "We will call you at {client.phone}."


async def test_send_applies_the_reviewed_macro(desk) -> None:
    d, t = desk
    macros(desk)
    app = app_for(desk)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_ticket(pilot, t.thread)
        await take(pilot, screen)
        assert "Apply macro" in [title for title, *_ in screen.palette_commands()]
        await picked(pilot, screen, "fixed")
        body = screen.query_one("#reply-body", TextArea)
        assert body.text == f"Dear John Doe, ticket #{t.thread} (example.com) works again."
        assert screen.query_one("#internal", TextArea).text == "web-2 replaced"
        body.insert(" PS.")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is not screen)  # the macro closes: back to the list
    detail = sv.show(d.store, d.root, t.thread)
    assert [m.body for m in detail.messages if m.kind in ("staff", "internal")][-2:] == [
        f"Dear John Doe, ticket #{t.thread} (example.com) works again. PS.", "web-2 replaced"]
    assert detail.locked_by is None and detail.delayed_until is not None


async def test_no_macro_keeps_the_text_and_forgets_the_actions(desk) -> None:
    d, t = desk
    macros(desk)
    app = app_for(desk)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_ticket(pilot, t.thread)
        await take(pilot, screen)
        await picked(pilot, screen, "fixed")
        await pilot.press("f9")
        await modal(pilot, "MacroPicker", lambda s: s.query_one("#template-list", OptionList).option_count == 3)
        await pilot.press(*"no macro", "enter")
        await until(pilot, lambda: app.screen is screen and not screen.query("#reply-macro"))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "sent" in " ".join(str(n.message) for n in app._notifications))
    detail = sv.show(d.store, d.root, t.thread)
    assert detail.locked_by == "alice" and detail.delayed_until is None  # Send: no close, no delay
    assert [m.body for m in detail.messages if m.kind == "staff"][-1].startswith("Dear John Doe")
