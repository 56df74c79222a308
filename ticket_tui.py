"""ticket-tui: the command group. Thin: it parses global options and hands over to cli/ and tui/."""

from __future__ import annotations

import os

import click

from cli.common import AppContext, TicketTuiGroup
from cli.tui_launch import open_default
from store.url import ENV_VAR
from tui.runtime.config import load_config


# Each command's module is imported when that command runs: `ticket-tui` alone opens the TUI
# without loading the administration commands (and SQLAlchemy with them).
COMMANDS = {
    **{name: f"cli.admin:{attribute}" for name, attribute in (
        ("init", "init"), ("department", "department"), ("staff", "staff"), ("client", "client"),
        ("service", "service"), ("reply-template", "reply_template"), ("settings", "settings"),
        ("admin", "admin_group"), ("config", "config"))},
    "ticket": "cli.tickets:ticket",
    "seed": "cli.seed:seed",
    "demo": "cli.tui_launch:demo",
    "diag": "cli.diag:diag",
    "mailbox": "cli.mail:mailbox",
    "mail": "cli.mail:mail",
    "macro": "cli.macros:macro",
    "rule": "cli.rules:rule",
    "report": "cli.report:report",
    "sla": "cli.sla:sla",
}


@click.group(cls=TicketTuiGroup, lazy_commands=COMMANDS, invoke_without_command=True)
@click.option("--db", "db_url", metavar="URL", help="sqlite:///PATH or postgresql://USER@HOST/DB "
              "(else $TICKET_TUI_DB, else a SQLite file in the user data directory).")
@click.option("--as", "login", metavar="LOGIN", help="Act as this staff member.")
@click.option("--client", "client_email", metavar="EMAIL", help="Act as this client.")
@click.version_option(package_name="ticket-tui")
@click.pass_context
def main(ctx: click.Context, db_url: str | None, login: str | None, client_email: str | None) -> None:
    """A keyboard-driven help desk for support staff."""
    config = load_config()
    if db_url is None and not os.environ.get(ENV_VAR):
        db_url = config.db
    app = AppContext(db_url, login or (None if client_email else config.login), client_email, config,
                     login_explicit=login is not None)
    ctx.obj = app
    ctx.call_on_close(app.close)
    if ctx.invoked_subcommand is None:
        open_default(app)


if __name__ == "__main__":
    main()
