"""The staff TUI application: screens, the command palette, keys, and the store it talks to."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from store.actors import ClientActor, StaffActor
from store.db import Store

from .config import Config


class TicketApp(App[None]):
    """Every store call runs in a worker thread; screens stay thin over store.service."""

    CSS_PATH = "app.tcss"
    TITLE = "ticket-tui"
    BINDINGS = [
        Binding("question_mark", "show_keys", "Keys", id="app.keys"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    def __init__(self, store: Store, actor: StaffActor | ClientActor | None, config: Config | None = None,
                 *, live_interval: float = 1.0) -> None:
        super().__init__()
        self.store = store
        self.actor = actor
        self.config = config or Config()
        self.live_interval = live_interval

    def on_mount(self) -> None:
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        if self.config.theme and self.config.theme in self.available_themes:
            self.theme = self.config.theme
        if self.config.problem:
            self.notify(self.config.problem, severity="warning", timeout=10)
        if self.actor is None:
            from .staff_picker import StaffPicker

            self.push_screen(StaffPicker(), self._signed_in)
        else:
            self._open_home()

    def _signed_in(self, actor: StaffActor | None) -> None:
        if actor is None:
            self.exit()
            return
        self.actor = actor
        self._open_home()

    def _open_home(self) -> None:
        if isinstance(self.actor, ClientActor):
            from .client.home import ClientHomeScreen

            self.sub_title = f"Client area — {self.actor.name} <{self.actor.email}>"
            self.push_screen(ClientHomeScreen())
            return
        from .list_screen import TicketListScreen

        self.sub_title = f"{self.actor.name} ({self.actor.login})"
        self.push_screen(TicketListScreen())

    def action_show_keys(self) -> None:
        from .help_screen import KeysScreen

        if not isinstance(self.screen, KeysScreen):
            self.push_screen(KeysScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette offers what the current screen allows now, in the buttons' own words."""
        commands = getattr(screen, "palette_commands", None)
        if commands is not None:
            for title, help_text, callback in commands():
                yield SystemCommand(title, help_text, callback)
        yield from super().get_system_commands(screen)
