"""The Rules screen (L from the list, administrators): the rules in order with what they watch
and do, a hostile name shown as typed; and the form of a new rule."""

from __future__ import annotations

from store import admin
from store.rules.manage import add_rule
from tests.snapshot_apps import settle, until


def with_rules(desk):
    d, _ = desk
    admin.add_reply_template(d.store, "We are on it", "Hello {client.name}, we are on it.")
    add_rule(d.store, None, "Certificates to Billing", words=["ssl", "certificate"],
             assign_department="Billing", priority="high", stop=True)
    add_rule(d.store, None, "Night answer", reply="We are on it", client_domain="example.com")
    add_rule(d.store, None, "Deal Tech tickets", department="Technical support", round_robin=True)
    add_rule(d.store, None, "Chasers first", on="client-message", words=["again"], top=True,
             comment="The client wrote again.")
    add_rule(d.store, None, "[red]x[/red] \x1b[31m", balance_below="0", favorite="alice")
    return desk


async def rules_ready(pilot):
    from tui.queue.screen import TicketListScreen
    from tui.rules.screen import RulesScreen

    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, TicketListScreen))
    await settle(pilot)
    await pilot.press("L")
    await until(pilot, lambda: isinstance(app.screen, RulesScreen) and app.screen.rules)
    await settle(pilot)


def test_rules_screen(shoot, desk) -> None:
    from tests.tui_snapshots.steps import app_for

    assert shoot(app_for(with_rules(desk), "root"), rules_ready)


def test_new_rule_form(shoot, desk) -> None:
    from tests.tui_snapshots.steps import app_for

    async def run_before(pilot) -> None:
        await rules_ready(pilot)
        await pilot.press("a")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "RuleForm")
        await settle(pilot)

    assert shoot(app_for(with_rules(desk), "root"), run_before)
