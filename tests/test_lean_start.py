"""Reading the desk needs no SQLAlchemy: the TUI opens on plain SQL (store/sql.py), and a
session of reading (the queue, Page Down, a ticket, a search) never loads it, nor the DNS
library, the administration commands, or OpenSSL's digests. SQLAlchemy's import alone takes longer than a bare
Textual app's whole start (bench/, issue 7), and a third of the app's memory. The dialogs
(tui/modals/) are loaded when one is first opened."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import ticket_tui
from store.db import Store
from tests.desk import make_desk

ROOT = Path(__file__).resolve().parent.parent

SESSION = textwrap.dedent("""
    import asyncio, json, sys
    import ticket_tui  # the command line's own imports, as `ticket-tui` makes them
    from cli import tui_launch
    from cli.common import AppContext
    from store.db import Store
    from tui.app import TicketApp
    from tui.runtime.config import Config

    async def read_the_desk(url, login):
        # Who is signing in is found as `ticket-tui --db URL --as LOGIN` finds it (cli/common.py:
        # it loads store/logins.py, whose imports are part of every start).
        context = AppContext(url, login, None)
        kind, name = context.identity()
        store = context.store()
        app = TicketApp(store, tui_launch.staff_actor(store, name), Config())
        async with app.run_test(size=(120, 36)) as pilot:
            async def until(check):
                for _ in range(200):
                    await pilot.pause(0.05)
                    if check():
                        return
                raise AssertionError("the screen never got there")

            def listed():
                tables = app.screen.query("#tickets")
                return bool(tables) and tables.first().loaded and bool(tables.first().rows)

            await until(listed)
            await pilot.press("pagedown")
            await pilot.press("home", "enter")
            await until(lambda: type(app.screen).__name__ == "TicketScreen"
                        and app.screen.detail is not None)
            await pilot.press("escape")
            await until(lambda: type(app.screen).__name__ == "TicketListScreen")
            await pilot.press("slash", *"down", "enter")
            await until(listed)
        store.close()

    asyncio.run(read_the_desk(sys.argv[1], sys.argv[2]))
    heavy = ("sqlalchemy", "alembic", "dns", "cli.admin", "cli.tickets", "tui.modals.",
             "_hashlib",  # OpenSSL's digests (draft_spool names a file only when one is spooled)
             "tui.ticket.reply_pane", "textual.widgets._text_area")  # loaded once a ticket is taken
    print(json.dumps(sorted(m for m in sys.modules if m.startswith(heavy))))
""")


def test_reading_the_desk_loads_no_sqlalchemy(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    desk = make_desk(store)
    for n in range(3):
        desk.open(subject=f"Site down {n}")
    store.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", SESSION, sqlite_url, desk.alice.login],
                          capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_every_command_is_in_the_lazy_map() -> None:
    """ticket_tui.COMMANDS names each command of cli/ (imported only when run)."""
    import cli.admin
    import cli.diag
    import cli.macros
    import cli.mail
    import cli.report
    import cli.rules
    import cli.seed
    import cli.sla
    import cli.tickets
    import cli.tui_launch

    modules = (cli.admin, cli.diag, cli.macros, cli.mail, cli.report, cli.rules, cli.seed,
               cli.sla, cli.tickets, cli.tui_launch)
    defined = {command.name: command for m in modules for command in m.COMMANDS}
    assert set(defined) == set(ticket_tui.COMMANDS)
    group = ticket_tui.main
    for name, command in defined.items():
        assert group.get_command(None, name) is command


def test_every_dialog_is_in_the_lazy_map() -> None:
    """tui.modals names each dialog of its modules (imported when first asked for)."""
    import importlib
    import inspect
    import pkgutil

    import tui.modals
    from tui.modals import base, forms

    modules = [importlib.import_module(f"tui.modals.{info.name}")
               for info in pkgutil.iter_modules(tui.modals.__path__)]
    defined = {name for m in modules
               for name, value in vars(m).items()
               if inspect.isclass(value) and issubclass(value, base.Modal)
               and value.__module__ == m.__name__ and value not in (base.Modal, forms.FormModal)}
    assert defined == set(tui.modals.__all__)
    for name in defined:
        assert getattr(tui.modals, name).__name__ == name
