"""Hostile text is data: stored byte for byte, shown literally, never reaching the terminal as
control sequences or markup — through the store, the command line and the TUI."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from click.testing import CliRunner

from store import service as sv
from store.db import Store
from store.errors import BadInput
from store.safe_text import printable
from tests.desk import Desk, make_desk
from tests.test_tui_workflow import SIZE, table, until
from ticket_tui import main
from tui.app import TicketApp
from tui.queue.screen import TicketListScreen
from tui.ticket.screen import TicketScreen

HOSTILE = [
    "[bold]bold?[/]", "[/", "[@click=app.quit]click me[/]", "[link=http://evil.example]x[/link]",
    "\x1b[31mred\x1b[0m", "\x1b[2J\x1b[Hcleared?", "\x1b]0;pwned title\x07", "\x1b]2;title\x1b\\",
    "\x1b]8;;http://evil.example\x1b\\hyperlink\x1b]8;;\x1b\\", "\x1b]52;c;ZXZpbA==\x07clipboard",
    "\x07bell\x08back", "\x9b31mC1 CSI", "\x85next line C1", "\u202eevil override\u202c",
    "zero\u200bwidth\u2060joiner", "emoji 🎉👩‍💻 and 漢字かな한국어", "\x1bPdcs string\x1b\\",
    "tab\tand\nnewline", "x" * 20_000,
]
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def desk(store) -> Desk:
    return make_desk(store)


def test_hostile_text_is_stored_byte_for_byte(desk: Desk) -> None:
    for text in HOSTILE:
        tid = desk.open(subject="hostile " + text[:50].replace("\n", " "), body=text)
        assert sv.peek(desk.store, desk.alice, tid).messages[0].body == text


def test_printable_leaves_no_control_sequences() -> None:
    for text in HOSTILE:
        shown = printable(text)
        assert not CONTROL.search(shown), repr(shown)
        assert "\x1b" not in shown


def test_lone_surrogates_and_nul_are_refused_clearly(desk: Desk) -> None:
    with pytest.raises(BadInput, match="not valid text"):
        desk.open(body="bad \udc80 byte")
    with pytest.raises(BadInput, match="NUL"):
        desk.open(body="nul \x00 here")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                    min_size=1).filter(str.strip))
def test_any_text_a_client_sends_comes_back_exactly_and_renders(sqlite_desk: Desk, body: str) -> None:
    from tui.widgets.thread import MessageBox

    tid = sqlite_desk.open(body=body)
    message = sv.peek(sqlite_desk.store, sqlite_desk.john, tid).messages[0]
    assert message.body == body
    rendered = MessageBox._content(message).plain
    assert not CONTROL.search(rendered)


@pytest.fixture(scope="module")
def sqlite_desk(tmp_path_factory) -> Desk:
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('hyp') / 'h.db'}")
    yield make_desk(store)
    store.close()


def test_the_command_line_never_prints_control_bytes(desk: Desk) -> None:
    runner = CliRunner()
    for text in HOSTILE[:18]:
        tid = desk.open(subject="s " + text[:40].replace("\n", " "), body=text)
        shown = runner.invoke(main, ["--db", desk.store.url, "--as", "alice", "ticket", "show", str(tid)])
        assert shown.exit_code == 0, shown.output
        assert not CONTROL.search(shown.output.replace("\n", "").replace("\t", "")), repr(shown.output)
        listed = runner.invoke(main, ["--db", desk.store.url, "--as", "alice", "ticket", "list", "--view", "all"])
        assert "\x1b" not in listed.output
        as_json = runner.invoke(main, ["--db", desk.store.url, "--as", "alice", "ticket", "show", str(tid), "--json"])
        assert not CONTROL.search(as_json.output.replace("\n", ""))
        assert json.loads(as_json.output)["messages"][0]["body"] == text


async def test_the_tui_shows_hostile_text_literally_and_markup_does_nothing(sqlite_url) -> None:
    store = Store.open(sqlite_url)
    desk = make_desk(store)
    for text in HOSTILE[:4]:
        desk.open(subject=text, body=text)
    app = TicketApp(store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and len(table(app).rows) == 4)
        lines = [table(app).render_line(y).text for y in range(1, 5)]
        assert any("[bold]bold?[/]" in line for line in lines)
        assert any("[@click=app.quit]" in line for line in lines)
        table(app).select_id(3)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail)
        shown = " ".join(w.render().plain for w in app.screen.query(".message"))
        assert "[@click=app.quit]click me[/]" in shown
        await pilot.click(".message")  # clicking the "link" must not run the action
        await pilot.pause(0.2)
        assert app.is_running
    store.close()


async def test_the_ticket_forms_fields_show_names_and_subjects_as_plain_text(sqlite_url) -> None:
    """The subject Input and the service Select hold client text too: no escape sequence
    reaches the terminal, no markup is parsed, and saving the other parameters leaves the
    stored subject exactly as the client wrote it."""
    from textual.widgets import Input, Select

    from store import admin

    store = Store.open(sqlite_url)
    desk = make_desk(store)
    svc = admin.add_service(store, "john@example.com", "[bold]vps[/] \x1b[31mred", "vps")
    subject = "Down \x1b]0;pwned\x07[red]now[/]"
    tid = sv.open_ticket(store, desk.john, "Technical support", subject, "help", service_id=svc.id)
    app = TicketApp(store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and table(app).rows)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail)
        await pilot.press("t")
        await until(pilot, lambda: app.screen.mine)
        shown = app.screen.query_one("#subject", Input).value
        assert shown == "Down [red]now[/]" and not CONTROL.search(shown)
        service = app.screen.query_one("#service", Select)
        labels = {value: str(prompt) for prompt, value in service._options}
        assert labels[svc.id] == "[bold]vps[/] red"
        app.screen.action_save_parameters()
        await pilot.pause(0.3)
    assert sv.peek(store, desk.alice, tid).subject == subject
    store.close()
