"""The Rules screen driven with Pilot: L from the list (administrators only), a rule added
through the form, a bad one refused in the form's own sentence, move up, remove after y, Esc;
and the palette's entry."""

from __future__ import annotations

from textual.widgets import Checkbox, DataTable, Input, Select

from store import admin
from store.rules.manage import add_rule, list_rules
from store.sla.policy import set_policy
from tests.desk import Desk
from tests.snapshot_apps import LIVE, settle, until
from tests.test_tui_workflow import SIZE
from tui.app import TicketApp
from tui.queue.screen import TicketListScreen
from tui.rules.form import RemoveRule, RuleForm
from tui.rules.screen import RulesScreen


def names(screen: RulesScreen) -> list[str]:
    table = screen.query_one("#rules-table", DataTable)
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


async def test_an_administrator_manages_the_rules(sqlite_desk: Desk) -> None:
    desk = sqlite_desk
    admin.add_reply_template(desk.store, "Got it", "Hello {client.name}.")
    add_rule(desk.store, None, "First", top=True)
    set_policy(desk.store, "Billing", None, 60)
    app = TicketApp(desk.store, desk.root, live_interval=LIVE)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen))
        await pilot.press("L")
        await until(pilot, lambda: isinstance(app.screen, RulesScreen) and app.screen.rules)
        screen = app.screen
        assert names(screen) == ["First"]
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, RuleForm))
        form = app.screen
        await settle(pilot)
        form.query_one("#name", Input).value = "Certificates"
        form.query_one("#words", Input).value = "ssl, certificate"
        form.query_one("#assign-department", Select).value = "Billing"
        form.query_one("#reply", Input).value = "No such reply"
        form.query_one("#stop", Checkbox).value = True
        form.query_one("#policy", Input).value = "Billing"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "No such reply" in str(form.query_one("#modal-error").render()))
        form.query_one("#reply", Input).value = "Got it"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, RulesScreen) and len(screen.rules) == 2)
        made = list_rules(desk.store)[1]
        assert (made.name, made.conditions, made.actions, made.stop) == (
            "Certificates", {"words": ["ssl", "certificate"]},
            {"assign_department": "Billing", "policy": "Billing", "reply": "Got it"}, True)
        assert screen.query_one("#rules-table", DataTable).cursor_row == 1
        await pilot.press("shift+up")
        await until(pilot, lambda: names(screen) == ["Certificates", "First"])
        await pilot.press("down", "d")
        await until(pilot, lambda: isinstance(app.screen, RemoveRule))
        await pilot.press("y")
        await until(pilot, lambda: names(screen) == ["Certificates"])
        assert [r.name for r in list_rules(desk.store)] == ["Certificates"]
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen))
        titles = [title for title, _, _ in app.screen.palette_commands()]
        assert "Rules" in titles


async def test_staff_who_are_not_administrators_are_told(sqlite_desk: Desk) -> None:
    app = TicketApp(sqlite_desk.store, sqlite_desk.alice, live_interval=LIVE)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen))
        await pilot.press("L")
        await settle(pilot)
        assert isinstance(app.screen, TicketListScreen)
        assert any("Only an administrator" in str(n.message) for n in app._notifications)
        assert "Rules" not in [title for title, _, _ in app.screen.palette_commands()]
