"""Opening the TUIs from the command line: the staff app, and the demo."""

from __future__ import annotations

import click

from store.actors import client_actor, staff_actor
from store.errors import BadInput

from .common import AppContext, pass_app


def run_staff_app(app: AppContext, login: str | None) -> None:
    from tui.app import TicketApp

    from store.service import my_settings
    from tui.queue import first_page

    store = app.store()
    actor = staff_actor(store, login) if login else None
    settings = my_settings(store, actor) if actor else None
    page = first_page.start_reading(store, actor) if actor else None
    TicketApp(store, actor, app.config, staff_settings=settings, first_page=page).run()


def run_client_area(app: AppContext, email: str) -> None:
    from tui.app import TicketApp

    store = app.store()
    TicketApp(store, client_actor(store, email), app.config).run()


def open_default(app: AppContext) -> None:
    """`ticket-tui` alone: the staff TUI, or the client area with --client."""
    if app.client_email and app.login and app.login_explicit:
        raise BadInput("Open the staff TUI (--as) or the client area (--client), not both.")
    kind, name = app.identity()
    if kind == "client":
        run_client_area(app, name)
    else:
        run_staff_app(app, name)


@click.command()
@click.option("--reset", is_flag=True, help="Throw the demo database away and build it again.")
@pass_app
def demo(app: AppContext, reset: bool) -> None:
    """Build a realistic demo help desk if missing, then open the TUI as its administrator."""
    from store.demo import ensure_demo

    store, info = ensure_demo(app.db_url, reset)
    app.adopt(store)
    run_staff_app(app, app.login or info.admin)


COMMANDS = [demo]
