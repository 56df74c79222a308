"""The Reports screen driven with Pilot on tests/test_reports.py's hand-computed desk: R from the
list, the tables' numbers, a department chosen, a period typed, the previous period, Esc."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Select

from store.db import Store
from tests.snapshot_apps import LIVE, install_clock, settle, until
from tests.test_reports import build
from tests.test_tui_workflow import SIZE
from tui.app import TicketApp
from tui.queue.screen import TicketListScreen
from tui.reports.screen import ReportsScreen


@pytest.fixture
def desk(sqlite_url, monkeypatch):
    store = Store.open(sqlite_url)
    yield build(store, install_clock(monkeypatch))
    store.close()


def cells(screen, selector: str) -> list[list[str]]:
    table = screen.query_one(selector, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_a_team_lead_reads_the_reports(desk) -> None:
    app = TicketApp(desk.store, desk.root, live_interval=LIVE)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen))
        await pilot.press("R")
        await until(pilot, lambda: isinstance(app.screen, ReportsScreen) and app.screen.report)
        screen = app.screen
        assert screen.query_one("#report-to", Input).value == "2026-11-04"
        rows = cells(screen, "#report-departments")  # 30 days: T0 of November 1st too
        assert rows == [
            ["Billing", "1", "1", "1", "0", "–", "20h00", "20h00", "20h00", "1", "0", "12.50", "1", "0"],
            ["Technical support", "3", "2", "2", "1", "–", "20m", "30m", "1h00", "3", "3", "0.00",
             "1", "1"]]
        assert [r[0] for r in cells(screen, "#report-staff")] == ["Alice Smith", "Bob Brown",
                                                                  "Carol Jones"]
        screen.query_one("#report-department", Select).value = "Billing"
        await until(pilot, lambda: screen.report.department == "Billing")
        assert [r[0] for r in cells(screen, "#report-departments")] == ["Billing"]
        screen.query_one("#report-from", Input).value = "2026-11-02"
        screen.query_one("#report-to", Input).value = "2026-11-02"
        screen.query_one("#report-to", Input).focus()
        await pilot.press("enter")
        await until(pilot, lambda: len(screen.report.days) == 1)
        assert cells(screen, "#report-departments")[0][1:4] == ["1", "0", "0"]  # T2 opened
        await pilot.press("ctrl+left")
        await until(pilot, lambda: screen.report.period.first.day == 1)
        assert screen.query_one("#report-from", Input).value == "2026-11-01"
        screen.query_one("#report-from", Input).value = "yesterday"
        await pilot.press("f5")
        await settle(pilot)
        assert any("not a date" in str(n.message) for n in app._notifications)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, TicketListScreen))
