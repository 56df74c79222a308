"""Bulk actions in the staff list (issue 20), driven with Pilot: marking (space, shift+↓/↑, `*`,
Esc), each action through the `b` menu, progress and stop, and the summary naming what was
skipped; asserting on the store."""

from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest
from textual.widgets import Input, RadioButton, Select, Static, TextArea

from store import admin
from store import service as sv
from store.macros import add_macro
from store.views import TicketRow
from tests.desk import Desk
from tests.pilot_wait import until
from tui.app import TicketApp
from tui.modals.bulk_run import BulkRunModal, BulkSummaryModal
from tui.queue.bar import ListBar
from tui.queue.screen import TicketListScreen
from tui.widgets.ticket_table import TicketTable

SIZE = (120, 40)


@pytest.fixture
def desk(sqlite_desk: Desk) -> Desk:
    return sqlite_desk


def table(app) -> TicketTable:
    return app.screen.query_one(TicketTable)


def bar(app) -> str:
    return app.screen.query_one(ListBar).render().plain


def screen_is(app, name: str) -> bool:
    return type(app.screen).__name__ == name


async def list_of(pilot, rows: int) -> TicketListScreen:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and len(table(app).rows) == rows
                and not table(app).fetching)
    return app.screen


def marked_ids(screen: TicketListScreen) -> list[int]:
    return [r.id for r in screen.table.rows if screen.marks.holds(r.id)]


async def summary_of(pilot) -> str:
    """The summary's first line, once the run is over (a run of 1,200 tickets takes a while on
    a loaded machine: a minute is allowed)."""
    app = pilot.app
    await until(pilot, lambda: screen_is(app, "BulkSummaryModal"), timeout=60)
    return str(app.screen.query_one("#bulk-summary", Static).render())


async def test_space_shift_arrows_and_esc_mark_and_clear(desk: Desk) -> None:
    ids = [desk.open(subject=f"Outage {i}") for i in range(6)]
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        screen = await list_of(pilot, 6)
        await pilot.press("space")
        assert marked_ids(screen) == [ids[0]] and "1 marked" in bar(app)
        await pilot.press("space")  # again: unmarked
        assert marked_ids(screen) == [] and "marked" not in bar(app)
        await pilot.press("j", "j", "shift+down", "shift+down")  # from the third, a run of three
        assert marked_ids(screen) == ids[2:5] and table(app).current.id == ids[4]
        await pilot.press("shift+up")  # back over a marked one: it stays marked
        assert marked_ids(screen) == ids[2:5] and "3 marked" in bar(app)
        line = table(app).render_line(3 + 1).text  # the header is line 0
        assert line.startswith("✓")
        assert not table(app).render_line(1).text.startswith("✓")
        await pilot.press("escape")
        assert marked_ids(screen) == [] and "marked" not in bar(app)


async def test_star_marks_the_whole_filtered_view_as_a_query(desk: Desk) -> None:
    """`*` holds the list's query, never its ids: the bar counts them apart; unmarking one
    after it is "all but one"; the action walks the query."""
    many = 1200  # more than the table's first pages and its window of rows
    for i in range(many):
        sv.open_ticket(desk.store, desk.john, "Technical support", f"Mail bounces {i}", "550")
    other = desk.open(subject="Printer on fire", client=desk.mary)
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and table(app).rows)
        screen = app.screen
        await pilot.press("c")  # john's tickets only
        await until(pilot, lambda: screen.spec.client_email == "john@example.com" and table(app).rows
                    and not table(app).fetching)
        await pilot.press("asterisk")
        await until(pilot, lambda: f"all {many:,} marked" in bar(app))
        assert screen.marks.whole == screen.spec and screen.marks.ids == set()
        selection = screen.marks.selection()
        assert selection.ids is None and selection.spec == screen.spec  # a query, no ids
        assert len(table(app).rows) < many  # the table never held them all either
        first = table(app).current.id
        await pilot.press("space")  # unmark one: all but it
        assert f"all but 1 of {many:,} marked" in bar(app)
        assert screen.marks.selection().excluded == {first}
        await pilot.press("b", "f")  # favorite
        assert (await summary_of(pilot)).startswith(f"{many - 1} added to favorites")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen) and not screen.marks)
    favorites = sv.count_tickets(desk.store, desk.alice, sv.ListSpec("favorites"))
    assert favorites == many - 1
    assert not sv.peek(desk.store, desk.alice, first).favorite
    assert not sv.peek(desk.store, desk.alice, other).favorite


async def test_a_new_view_drops_a_whole_list_mark_but_keeps_marks_made_one_by_one(desk: Desk) -> None:
    ids = [desk.open() for _ in range(3)]
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        screen = await list_of(pilot, 3)
        await pilot.press("space", "2")
        await list_of(pilot, 3)
        assert marked_ids(screen) == [ids[0]]
        await pilot.press("asterisk", "1")
        await list_of(pilot, 3)
        assert not screen.marks


async def run_menu(pilot, keys: list[str], rows: int, marks: int = 2) -> str:
    """Marks the first `marks` rows, opens the menu with b, presses the keys; the summary."""
    screen = await list_of(pilot, rows)
    for _ in range(marks - 1):
        await pilot.press("shift+down")
    if marks == 1:
        await pilot.press("space")
    await pilot.press("b")
    await until(pilot, lambda: screen_is(pilot.app, "BulkMenu"))
    for key in keys:
        if callable(key):
            await key(pilot)
        else:
            await pilot.press(key)
    return await summary_of(pilot)


def peeks(desk: Desk, ids) -> list:
    return [sv.peek(desk.store, desk.root, i) for i in ids]


async def test_close_takes_each_and_names_the_ticket_locked_by_another(desk: Desk) -> None:
    free = desk.open(subject="Free")
    held = desk.open(subject="Held by carol")
    sv.take(desk.store, desk.carol, held)
    third = desk.open(subject="Also free")
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        summary = await run_menu(pilot, ["c"], rows=3, marks=3)
        assert summary == f"2 closed, 1 locked by others: #{held} (carol)"
        reasons = str(app.screen.query_one("#bulk-refusals Static", Static).render())
        assert f"#{held}: " in reasons and "carol" in reasons
        await pilot.press("enter")
        screen = await list_of(pilot, 1)  # the list refreshed: the closed ones left the queue
        assert marked_ids(screen) == [held]  # what was not done stays marked
    free_d, held_d, third_d = peeks(desk, [free, held, third])
    assert free_d.status == third_d.status == "Awaiting response from client"  # closed
    assert held_d.locked_by == "carol" and held_d.status != free_d.status


async def fill_assign(pilot) -> None:
    app = pilot.app
    await until(pilot, lambda: screen_is(app, "BulkAssignModal")
                and app.screen.query_one("#department", Select)._options[1:])
    app.screen.query_one("#department", Select).value = "Billing"
    await pilot.press("ctrl+s")


async def fill_assign_staff(pilot) -> None:
    app = pilot.app
    await until(pilot, lambda: screen_is(app, "BulkAssignModal")
                and app.screen.query_one("#staff", Select)._options[1:])
    app.screen.query_one("#to-staff", RadioButton).value = True
    app.screen.query_one("#staff", Select).value = "carol"
    await pilot.press("ctrl+s")


async def fill_delay(pilot) -> None:
    app = pilot.app
    await until(pilot, lambda: screen_is(app, "BulkDelayModal"))
    await pilot.press(*"next week", "enter")  # refused inline: nothing runs
    await until(pilot, lambda: "is not a date" in str(app.screen.query_one("#modal-error").render()))
    app.screen.query_one("#until", Input).value = "2030-01-15"
    await pilot.press("enter")


async def fill_priority(pilot) -> None:
    app = pilot.app
    await until(pilot, lambda: screen_is(app, "BulkPriorityModal"))
    app.screen.query_one("#priority", Select).value = "urgent"
    await pilot.press("ctrl+s")


async def fill_reply(pilot) -> None:
    app = pilot.app
    await until(pilot, lambda: screen_is(app, "BulkReplyModal"))
    await pilot.press("ctrl+s")  # nothing written: refused inline
    await until(pilot, lambda: "Write the reply" in str(app.screen.query_one("#modal-error").render()))
    await until(pilot, lambda: app.screen.query_one("#template", Select)._options[1:])
    app.screen.query_one("#template", Select).value = "Outage"
    app.screen.query_one("#bulk-body", TextArea).text = "Sorry for the wait."
    await pilot.press("ctrl+o")  # Ok: answered and closed


async def fill_reply_macro(pilot) -> None:
    app = pilot.app
    await until(pilot, lambda: screen_is(app, "BulkReplyModal") and app.screen.query_one("#macro", Select)._options[1:])
    app.screen.query_one("#macro", Select).value = "Outage and wait"  # its delay follows
    await pilot.press("ctrl+s")


async def fill_reply_send(pilot) -> None:
    app = pilot.app
    await until(pilot, lambda: screen_is(app, "BulkReplyModal") and app.focused.id == "bulk-body")
    await pilot.press(*"On it.", "ctrl+s")  # Send reply: each stays assigned to alice


@pytest.mark.parametrize("keys, words, check", [
    (["a", fill_assign], "2 assigned to Billing", lambda d: d.department == "Billing"),
    (["a", fill_assign_staff], "2 assigned to carol", lambda d: "Carol" in d.assigned_to),
    (["d", fill_delay], "2 delayed", lambda d: d.delayed_until is not None and d.delayed_until.date().isoformat() == "2030-01-15"),
    (["p", fill_priority], "2 given urgent priority", lambda d: d.priority == 4 and d.locked_by is None),
    (["f"], "2 added to favorites", None),
    (["t"], "2 taken", lambda d: d.locked_by == "alice"),
    (["r", fill_reply], "2 answered and closed",
     lambda d: d.status == "Awaiting response from client"
     and d.messages[-1].body.endswith("Sorry for the wait.")
     and d.messages[-1].body.startswith("We know about the outage")),
    (["r", fill_reply_macro], "2 answered",
     lambda d: d.messages[-1].body == "We know about the outage." and d.delayed_until is not None),
    (["r", fill_reply_send], "2 answered",
     lambda d: d.locked_by == "alice" and d.messages[-1].body == "On it."),
])
async def test_each_action_through_the_menu(desk: Desk, keys, words, check) -> None:
    admin.add_reply_template(desk.store, "Outage", "We know about the outage.")
    add_macro(desk.store, "Outage and wait", "Outage", delay_days=2)
    admin.set_setting(desk.store, "use_priority", "true")
    ids = [desk.open(subject=f"Outage {i}") for i in range(3)]
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        assert await run_menu(pilot, keys, rows=3) == words
    done, untouched = peeks(desk, ids[:2]), peeks(desk, ids[2:])[0]
    if check is None:  # favorites are the actor's own
        assert [sv.peek(desk.store, desk.alice, i).favorite for i in ids] == [True, True, False]
    else:
        assert all(check(d) for d in done) and not check(untouched)


async def test_unfavorite_through_the_menu(desk: Desk) -> None:
    ids = [desk.open() for _ in range(2)]
    for i in ids:
        sv.set_favorite(desk.store, desk.alice, i, True)
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        assert await run_menu(pilot, ["u"], rows=2, marks=1) == "1 removed from favorites"
    assert [sv.peek(desk.store, desk.alice, i).favorite for i in ids] == [False, True]


async def test_stop_mid_run_leaves_each_ticket_done_or_untouched(desk: Desk, monkeypatch) -> None:
    ids = [desk.open() for _ in range(8)]
    at_third, go_on = threading.Event(), threading.Event()
    real = BulkRunModal.progressed

    def held_after_three(modal, done: int, total: int) -> None:
        real(modal, done, total)
        if done == 3:  # the run waits here until the test has pressed stop
            at_third.set()
            go_on.wait(10)

    monkeypatch.setattr(BulkRunModal, "progressed", held_after_three)
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await list_of(pilot, 8)
        await pilot.press("asterisk", "b", "t")
        await until(pilot, lambda: at_third.is_set() and screen_is(app, "BulkRunModal"))
        await until(pilot, lambda: "3 of 8" in str(app.screen.query_one("#bulk-count").render()))
        await pilot.press("s")
        assert app.screen.stop.is_set()
        go_on.set()
        summary = await summary_of(pilot)
        assert summary == "3 taken, stopped, 5 not touched"
        assert "Bulk action stopped" in str(app.screen.query_one(".modal-title").render())
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen))
        assert app.screen.marks.whole is not None  # the rest stays marked
        assert [d.locked_by for d in peeks(desk, ids)] == ["alice"] * 3 + [None] * 5
        run_id = app.screen._stopped[2]
        await pilot.press("b", "t")  # the same again: goes on with the stopped run
        summary = await summary_of(pilot)
        assert summary == f"8 taken (3 of them by the earlier run {run_id})"
    assert [d.locked_by for d in peeks(desk, ids)] == ["alice"] * 8


async def test_b_without_marks_says_how_to_mark(desk: Desk) -> None:
    desk.open()
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await list_of(pilot, 1)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, TicketListScreen)
        assert any("Mark tickets first" in str(n.message) for n in app._notifications)


async def test_hostile_names_in_the_summary_are_text(desk: Desk) -> None:
    """A department's name in "assigned to …" and a refusal's reason are shown literally."""
    hostile = "[bold]Ops[/] [@click=app.quit]x[/] \x1b[31m"
    admin.add_department(desk.store, hostile)
    tid = desk.open(subject="[red]subject[/]")
    app = TicketApp(desk.store, desk.root, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await list_of(pilot, 1)
        app.screen.marks.mark(tid)
        app.push_screen(BulkRunModal(sv.Selection.of_ids([tid]),
                                     sv.BulkAction("assign", department=hostile), 1),
                        app.screen._ran)
        shown = await summary_of(pilot)
        assert "[bold]Ops[/] [@click=app.quit]x[/]" in shown and "\x1b" not in shown
        assert isinstance(app.screen, BulkSummaryModal)


async def test_marked_rows_are_readable_in_every_theme(desk: Desk) -> None:
    """The marked style keeps the text readable (and marked rows start with ✓ whatever the
    colours): as the bundled themes' text must be (tests/test_themes.py), and at least 3:1 in
    every other theme the app offers, the cursor's row too."""
    desk.open()
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        screen = await list_of(pilot, 1)
        weak = []
        for name in sorted(app.available_themes):
            app.theme = name
            await pilot.pause()
            screen.table._styles = None
            paint = screen.table._paint_styles()
            least = 7.0 if name == "ticket-high-contrast" else 4.5 if name.startswith("ticket-") else 3.0
            plain_cursor = ratio_of(paint["base"] + paint["cursor"])
            for what, style, at_least in (
                    ("marked", paint["base"] + paint["marked"], least),
                    # the cursor's own colours win on its row: no worse than an unmarked row's
                    ("marked cursor", paint["base"] + paint["marked"] + paint["cursor"],
                     min(least, plain_cursor or 0))):
                ratio = ratio_of(style)
                if ratio is None:
                    assert "ansi" in name, name  # the terminal's own colours: its choice
                elif ratio < at_least:
                    weak.append((name, what, round(ratio, 2)))
        assert weak == []


def ratio_of(style) -> float | None:
    from tui.runtime.themes import contrast

    if style.color is None or style.bgcolor is None or None in (style.color.triplet, style.bgcolor.triplet):
        return None
    return contrast(style.color.triplet.hex, style.bgcolor.triplet.hex)


async def test_the_marking_keys_type_into_the_search_box(desk: Desk) -> None:
    """Space, b and * typed in the search are text, not marks nor the menu; Esc there only
    closes the box, the marks stay."""
    ids = [desk.open(subject="Mail bounces b*"), desk.open(subject="Other")]
    app = TicketApp(desk.store, desk.alice, live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        screen = await list_of(pilot, 2)
        await pilot.press("space", "slash", *"mail bounces b*")
        await pilot.press("escape")
        assert marked_ids(screen) == [ids[0]] and screen.spec.search is None
        await pilot.press("slash", *"mail b*", "enter")
        await until(pilot, lambda: screen.spec.search == "mail b*")
        assert marked_ids(screen) == [ids[0]] and isinstance(app.screen, TicketListScreen)


async def test_the_menu_shows_and_obeys_the_keymap(desk: Desk) -> None:
    from tui.runtime.config import Config

    ids = [desk.open() for _ in range(2)]
    app = TicketApp(desk.store, desk.alice, Config(keymap={"bulk.close": "x", "list.bulk": "B"}),
                    live_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await list_of(pilot, 2)
        await pilot.press("space", "B")
        await until(pilot, lambda: screen_is(app, "BulkMenu"))
        from textual.widgets import OptionList

        shown = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
        assert shown[1].strip() == "x  Close" and shown[0].strip().startswith("a  Assign")
        await pilot.press("x")
        assert await summary_of(pilot) == "1 closed"
    assert sv.peek(desk.store, desk.root, ids[0]).locked_by is None
