"""Fixtures of the TUI snapshot tests: a fixed help desk on a fresh SQLite file under a fake
clock, and the screen compared at a fixed size.

Each test builds a fixed help desk (tests/snapshot_apps.py), drives the app with keys and waits
for its workers by polling (steps.py), then compares the screen with the SVG under
tests/tui_snapshots/__snapshots__/<test module>/. Update them with
`pytest tests/tui_snapshots --snapshot-update` and look at the report before accepting a change.
This `store` is a copied SQLite file; the suite's own (tests/conftest.py) stays with the rest.
"""

from __future__ import annotations

import shutil

import pytest

from store.db import Store
from tests.snapshot_apps import SIZE, build_desk, install_clock, isolate_user_config, settle
from tui.app import TicketApp


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
