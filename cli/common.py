"""What every command shares: the opened store, the acting identity, and error reporting."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import click

from store.db import Store
from store.errors import BadInput, ConnectionLost, NotWritable, StoreError, Unavailable
from store.safe_text import printable
from store.url import is_default
from tui.runtime.config import Config


@dataclass
class AppContext:
    db_url: str | None
    login: str | None
    client_email: str | None
    config: Config = field(default_factory=Config)
    # False when the login came from the config file: a PostgreSQL login role then overrides it.
    login_explicit: bool = True
    _store: Store | None = field(default=None, repr=False)

    def store(self, *, create: bool = False) -> Store:
        """The database, opened once. A missing one is made only at the default location (a
        first run) or when the command builds a whole desk (create: `seed`); `init` and `demo`
        open their own."""
        if self._store is None:
            self._store = Store.open(self.db_url, create=create or is_default(self.db_url))
            release_held(self._store)
        return self._store

    def identity(self) -> tuple[str, str | None]:
        """("staff", login or None) or ("client", email). On PostgreSQL with a ticket-tui login
        role, the role decides: --as / --client must name it, or may be left out."""
        from store.logins import client_email_for, connected_as, staff_login_for

        if self.login and self.client_email and self.login_explicit:
            raise BadInput("Act as staff (--as) or as a client (--client), not both.")
        store = self.store()
        if self.client_email:
            return "client", client_email_for(store, self.client_email)
        who = connected_as(store)
        if who is not None and who.kind == "client" and not (self.login and self.login_explicit):
            return "client", who.name
        return "staff", staff_login_for(store, self.login, explicit=self.login_explicit)

    def adopt(self, store: Store) -> None:
        """Use a store opened elsewhere (the demo's)."""
        self._store = store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def release_held(store: Store) -> None:
    """Every command first releases the held replies whose time has come (undo send): whoever
    runs next does it. A database that can't be written now leaves them to the next one."""
    from store import service

    try:
        service.release_due(store)
    except NotWritable:
        pass


pass_app = click.make_pass_decorator(AppContext)


def exit_code(error: StoreError) -> int:
    """1 refused by a rule; 2 bad usage or input, or no database; 3 the database failed the
    action (connection dropped, server restarted, timed out, read-only, disk full): nothing
    half-written, try again once it is back or fixed."""
    if isinstance(error, (ConnectionLost, NotWritable)):
        return 3
    return 2 if isinstance(error, (BadInput, Unavailable)) else 1


class TicketTuiGroup(click.Group):
    """Turns every StoreError into its one sentence on stderr and its exit code, no traceback.

    lazy_commands: name -> "module:attribute", imported when the command is run (or listed):
    opening the TUI loads none of the administration commands' modules.
    """

    def __init__(self, *args, lazy_commands: dict[str, str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        where = self.lazy_commands.get(name)
        if where is not None and name not in self.commands:
            from importlib import import_module

            module, attribute = where.split(":")
            self.add_command(getattr(import_module(module), attribute), name)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except StoreError as error:
            # The sentence may quote what was typed: no escape sequence reaches the terminal.
            click.echo(f"Error: {printable(str(error), one_line=True)}", err=True)
            sys.exit(exit_code(error))
