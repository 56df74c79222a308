"""Snapshots of the ticket form's modals: information, summary, assign, delay, abuse, settings,
messages, take-over, quote and reply pickers, Dig."""

from __future__ import annotations

import re

from textual.widgets import Log, OptionList, Select, Static, TextArea

from store import service as sv
from tests.snapshot_apps import LIVE, settle, until
from tests.tui_snapshots.steps import app_for, modal, open_ticket, take
from tui.app import TicketApp
from tui.runtime.config import Config


def options(screen, select_id: str) -> int:
    """How many choices a Select offers (its pop-up is an OptionList)."""
    return screen.query_one(select_id, Select).query_one(OptionList).option_count


def test_modal_information(shoot, desk) -> None:
    _, t = desk

    async def run_before(pilot) -> None:
        await open_ticket(pilot, t.thread)
        await pilot.press("i")
        await modal(pilot, "InformationModal")

    assert shoot(app_for(desk), run_before)


def test_modal_summary(shoot, desk) -> None:
    _, t = desk

    async def run_before(pilot) -> None:
        await open_ticket(pilot, t.thread)
        await pilot.press("s")
        await modal(pilot, "SummaryModal")

    assert shoot(app_for(desk), run_before)


def test_modal_assign(shoot, desk) -> None:
    _, t = desk

    async def run_before(pilot) -> None:
        await open_ticket(pilot, t.thread)
        await pilot.press("a")
        await modal(pilot, "AssignModal",
                    lambda s: options(s, "#department") == 3 and options(s, "#staff") == 5)  # with the blank

    assert shoot(app_for(desk), run_before)


def test_modal_delay_with_a_bad_date(shoot, desk) -> None:
    _, t = desk

    async def run_before(pilot) -> None:
        await open_ticket(pilot, t.thread)
        await pilot.press("d")
        await modal(pilot, "DelayModal")
        await until(pilot, lambda: pilot.app.focused is not None and pilot.app.focused.id == "until")
        await pilot.press(*"next friday", "enter")
        await until(pilot, lambda: "not a date" in str(pilot.app.screen.query_one("#modal-error").render()))
        await settle(pilot)

    assert shoot(app_for(desk), run_before)


def test_modal_abuse(shoot, desk) -> None:
    _, t = desk

    async def run_before(pilot) -> None:
        await open_ticket(pilot, t.thread)
        await pilot.press("b")
        await modal(pilot, "AbuseModal")

    assert shoot(app_for(desk), run_before)


def test_modal_settings(shoot, desk) -> None:
    _, t = desk

    async def run_before(pilot) -> None:
        await open_ticket(pilot, t.thread)
        await pilot.press("o")
        await modal(pilot, "SettingsModal")

    assert shoot(app_for(desk), run_before)


def test_modal_messages(shoot, desk) -> None:
    _, t = desk

    async def run_before(pilot) -> None:
        await open_ticket(pilot, t.thread)
        await pilot.press("m")
        await modal(pilot, "MessagesModal")
        await pilot.press("tab")  # into the list: the first message is highlighted and shown
        await until(pilot, lambda: pilot.app.screen.query_one("#message-text", TextArea).text != "")
        await settle(pilot)

    assert shoot(app_for(desk), run_before)


def test_modal_take_over_confirmation(shoot, desk) -> None:
    _, t = desk

    async def run_before(pilot) -> None:
        await open_ticket(pilot, t.locked)
        await pilot.press("t")
        await modal(pilot, "ConfirmTakeOver")

    assert shoot(app_for(desk), run_before)


def test_modal_quote_picker(shoot, desk) -> None:
    _, t = desk

    async def run_before(pilot) -> None:
        screen = await open_ticket(pilot, t.thread)
        await take(pilot, screen)
        await pilot.press("f3")
        await modal(pilot, "QuotePicker")

    assert shoot(app_for(desk), run_before)


def test_modal_predefined_reply_picker(shoot, desk) -> None:
    _, t = desk

    async def run_before(pilot) -> None:
        screen = await open_ticket(pilot, t.thread)
        await take(pilot, screen)
        await pilot.press("f5")
        await modal(pilot, "TemplatePicker",
                    lambda s: s.query_one("#template-list", OptionList).option_count == 3)

    assert shoot(app_for(desk), run_before)


def test_modal_dig(shoot, desk) -> None:
    """Dig of the ticket's domain against a DNS server on loopback (tests/dnsserver.py)."""
    from store import admin
    from tests.dnsserver import DnsServer

    d, _ = desk
    svc = admin.add_service(d.store, "john@example.com", "example.test", "domain", "example.test")
    tid = sv.open_ticket(d.store, d.john, "Technical support", "Where does example.test point?",
                         "The A record looks wrong.", service_id=svc.id)
    server = DnsServer().start()
    try:
        app = TicketApp(d.store, d.alice, Config(dns_server="127.0.0.1", dns_port=server.port),
                        live_interval=LIVE)

        async def run_before(pilot) -> None:
            await open_ticket(pilot, tid, queue_rows=6)
            await pilot.press("D")
            await modal(pilot, "DiagModal", lambda screen: screen.answer is not None)
            # The port, query id, time taken and date change each run: shown as fixed words.
            screen = pilot.app.screen
            screen.query_one(".hint", Static).update("Asks the DNS server 127.0.0.1#PORT (time-out 3 s).")
            steady = re.sub(r"(-p |#)\d+", r"\1PORT", screen.answer)
            steady = re.sub(r"id: \d+", "id: ID", steady)
            steady = re.sub(r"Query time: \d+ msec", "Query time: N msec", steady)
            steady = re.sub(r"WHEN: .*", "WHEN: (date)", steady)
            log = screen.query_one("#diag-output", Log)
            log.clear()
            log.write_lines(steady.splitlines())
            await settle(pilot)

        assert shoot(app, run_before)
    finally:
        server.stop()
