"""Snapshots of the staff TUI: the list, the ticket form, every modal, hostile client text.

Each test builds a fixed help desk on a fresh SQLite file under a fake clock (tests/snapshot_apps.py),
drives the app with keys and waits for its workers by polling, then compares the screen with the
SVG under tests/__snapshots__/. Update them with `pytest tests/test_tui_snapshots.py --snapshot-update`
and look at the report before accepting a change.
"""

from __future__ import annotations

import re
import shutil

import pytest
from textual.widgets import Collapsible, Log, OptionList, Select, Static, TextArea

from store import service as sv
from store.db import Store
from tests.snapshot_apps import (
    HOSTILE, HOSTILE_MARKUP, LIVE, SIZE, build_desk, build_hostile, install_clock,
    isolate_user_config, screen_name, settle, until,
)
from tui.app import TicketApp
from tui.runtime.config import Config
from tui.queue.screen import TicketListScreen
from tui.ticket.reply_pane import ReplyPane
from tui.widgets.thread import MessageBox, Thread
from tui.ticket.screen import TicketScreen
from tui.widgets.ticket_table import TicketTable


@pytest.fixture
def clock(monkeypatch, tmp_path):
    isolate_user_config(monkeypatch, tmp_path)
    return install_clock(monkeypatch)


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory):
    """An empty, migrated SQLite file, copied for each test (migrating costs more than the test data)."""
    path = tmp_path_factory.mktemp("snapshot-template") / "template.db"
    Store.open(f"sqlite:///{path}").close()
    return path


@pytest.fixture
def store(migrated_db, tmp_path):
    path = tmp_path / "tickets.db"
    shutil.copy(migrated_db, path)
    s = Store.open(f"sqlite:///{path}")
    yield s
    s.close()


@pytest.fixture
def desk(store, clock):
    return build_desk(store, clock)


@pytest.fixture
def shoot(snap_compare):
    """snap_compare at the fixed size, after run_before and with steady text cursors."""
    def compare(app: TicketApp, run_before) -> bool:
        async def prepared(pilot) -> None:
            await run_before(pilot)
            await steady_cursors(pilot)

        return snap_compare(app, terminal_size=SIZE, run_before=prepared)

    return compare


async def steady_cursors(pilot) -> None:
    """Text cursors blink on a 0.5 s timer even headless: stop them (a focused one stays shown)."""
    for screen in pilot.app.screen_stack:
        for widget in screen.query("Input, TextArea"):
            widget.cursor_blink = False
    await settle(pilot)


def app_for(desk, actor="alice") -> TicketApp:
    d, _ = desk
    return TicketApp(d.store, getattr(d, actor) if actor else None, live_interval=LIVE)


def table(app) -> TicketTable:
    return app.screen.query_one(TicketTable)


async def list_ready(pilot, rows: int) -> None:
    """The list screen shows its rows and has counted them."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and len(table(app).rows) == rows
                and table(app).total == rows and not table(app).fetching)
    await until(pilot, lambda: f"of {rows} ·" in str(app.screen.query_one("#list-status", Static).render()))
    await settle(pilot)


async def open_ticket(pilot, ticket_id: int, queue_rows: int = 5) -> TicketScreen:
    """From the queue: the cursor on the ticket, Enter, and wait until the thread is painted."""
    app = pilot.app
    await list_ready(pilot, queue_rows)
    assert table(app).select_id(ticket_id)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail is not None)
    screen = app.screen
    await until(pilot, lambda: len(screen.query(MessageBox)) == len(screen.detail.messages))
    await settle(pilot)
    return screen


async def take(pilot, screen: TicketScreen) -> None:
    await pilot.press("t")
    await until(pilot, lambda: screen.mine and screen.query(ReplyPane)
                and pilot.app.focused is not None and pilot.app.focused.id == "reply-body")
    await settle(pilot)


def options(screen, select_id: str) -> int:
    """How many choices a Select offers (its pop-up is an OptionList)."""
    return screen.query_one(select_id, Select).query_one(OptionList).option_count


async def modal(pilot, name: str, ready=lambda screen: True) -> None:
    app = pilot.app
    await until(pilot, lambda: screen_name(app) == name and ready(app.screen))
    await settle(pilot)


# --- the list --------------------------------------------------------------------------------

def test_list_queue(shoot, desk) -> None:
    """Placed first (⇧) on top; carol's lock; alice's favorite (★); a new ticket (●, bold)."""
    async def run_before(pilot) -> None:
        await list_ready(pilot, 5)

    assert shoot(app_for(desk), run_before)


def test_list_all_tickets(shoot, desk) -> None:
    """Every status: In progress, Awaiting response from client, In archive (dim)."""
    async def run_before(pilot) -> None:
        await list_ready(pilot, 5)
        await pilot.press("2")
        await list_ready(pilot, 8)

    assert shoot(app_for(desk), run_before)


def test_list_client_filter_and_search_chips(shoot, desk) -> None:
    _, t = desk

    async def run_before(pilot) -> None:
        await list_ready(pilot, 5)
        await pilot.press("2")
        await list_ready(pilot, 8)
        assert table(pilot.app).select_id(t.new)
        await pilot.press("c")  # john's tickets
        await list_ready(pilot, 5)
        await pilot.press("slash", *"mail", "enter")
        await list_ready(pilot, 2)

    assert shoot(app_for(desk), run_before)


def test_list_keys_screen(shoot, desk) -> None:
    async def run_before(pilot) -> None:
        await list_ready(pilot, 5)
        await pilot.press("question_mark")
        await modal(pilot, "KeysScreen")

    assert shoot(app_for(desk), run_before)


def test_staff_picker(shoot, desk) -> None:
    async def run_before(pilot) -> None:
        await until(pilot, lambda: screen_name(pilot.app) == "StaffPicker"
                    and pilot.app.screen.query_one(OptionList).option_count == 4)
        await settle(pilot)

    assert shoot(app_for(desk, actor=None), run_before)


# --- the ticket form -------------------------------------------------------------------------

def test_ticket_view_state(shoot, desk) -> None:
    """Not mine: no reply pane, "Assign ticket to me"; client, staff, internal, system messages."""
    _, t = desk

    async def run_before(pilot) -> None:
        await open_ticket(pilot, t.thread)

    assert shoot(app_for(desk), run_before)


def test_ticket_view_state_system_messages_hidden(shoot, desk) -> None:
    _, t = desk

    async def run_before(pilot) -> None:
        screen = await open_ticket(pilot, t.thread)
        await pilot.press("h")
        await until(pilot, lambda: screen.query_one(Thread).has_class("hide-system"))
        await settle(pilot)

    assert shoot(app_for(desk), run_before)


def test_ticket_assigned_state(shoot, desk) -> None:
    _, t = desk

    async def run_before(pilot) -> None:
        screen = await open_ticket(pilot, t.thread)
        await take(pilot, screen)

    assert shoot(app_for(desk), run_before)


def test_ticket_assigned_state_additional_fields(shoot, desk) -> None:
    _, t = desk

    async def run_before(pilot) -> None:
        screen = await open_ticket(pilot, t.thread)
        await take(pilot, screen)
        await pilot.press("f8")
        await until(pilot, lambda: not screen.query_one("#extra", Collapsible).collapsed
                    and pilot.app.focused is not None and pilot.app.focused.id == "internal")
        await settle(pilot)

    assert shoot(app_for(desk), run_before)


def test_ticket_keys_screen(shoot, desk) -> None:
    _, t = desk

    async def run_before(pilot) -> None:
        await open_ticket(pilot, t.thread)
        await pilot.press("question_mark")
        await modal(pilot, "KeysScreen")

    assert shoot(app_for(desk), run_before)


# --- the modals --------------------------------------------------------------------------------

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


# --- hostile client text ---------------------------------------------------------------------

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


# --- the client area (issue 5) ------------------------------------------------------------------


async def client_home_ready(pilot, rows: int) -> None:
    from tui.client.home import ClientHomeScreen

    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, ClientHomeScreen) and len(table(app).rows) == rows
                and not table(app).fetching)
    await settle(pilot)


def test_client_home(shoot, desk) -> None:
    """John's tickets with the client area's own status words; the archived one is not here."""
    async def run_before(pilot) -> None:
        await client_home_ready(pilot, 4)

    assert shoot(app_for(desk, "john"), run_before)


def test_client_ticket(shoot, desk) -> None:
    """The thread as the client sees it: no internal comment, no system message."""
    from tui.client.ticket import ClientTicketScreen

    _, t = desk

    async def run_before(pilot) -> None:
        await client_home_ready(pilot, 4)
        assert table(pilot.app).select_id(t.thread)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, ClientTicketScreen)
                    and pilot.app.screen.detail is not None)
        await settle(pilot)

    assert shoot(app_for(desk, "john"), run_before)


def test_client_new_ticket(shoot, desk) -> None:
    from tui.client.new_ticket import NewTicketScreen

    async def run_before(pilot) -> None:
        await client_home_ready(pilot, 4)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(pilot.app.screen, NewTicketScreen)
                    and pilot.app.screen.query_one("#department")._options[1:])
        await settle(pilot)

    assert shoot(app_for(desk, "john"), run_before)


# --- themes and density (issue 8) ------------------------------------------------------------------


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


# --- Dig from the ticket form --------------------------------------------------------------------


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
