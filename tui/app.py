"""The staff TUI application: screens, the command palette, keys, and the store it talks to."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from store.actors import ClientActor, StaffActor
from store.db import Store

from store.service import my_settings
from store.service.staff_settings import DENSITIES, STAFF_DEFAULTS

from tui.runtime import display
from tui.runtime.config import Config, keymap_problem, usable_keymap
from tui.runtime.themes import (BUNDLED_DIR, DEFAULT_THEME, due_colours, load_themes, mark_colours,
                                user_theme_dir)
from tui.runtime.safe import for_markup
from tui.runtime.working import run_store_call
from tui.runtime.live import LiveFeed
from tui.runtime.memory import Sweeper
from tui.runtime.overdue import OverdueWatch
from tui.ticket.undo_send import HeldWatch
from tui.runtime import textual_fixes

textual_fixes.apply()


def binding_ids() -> set[str]:
    """The id of every binding (BINDINGS) of the app, its screens, dialogs and widgets."""
    import importlib
    import pkgutil

    from textual.dom import DOMNode

    import tui

    ids: set[str] = set()
    for found in pkgutil.walk_packages(tui.__path__, "tui."):
        for value in vars(importlib.import_module(found.name)).values():
            if isinstance(value, type) and issubclass(value, DOMNode) and value.__module__ == found.name:
                ids.update(b.id for b in value.BINDINGS if isinstance(b, Binding) and b.id)
    return ids


class TicketApp(App[None]):
    """Every store call runs in a worker thread; screens stay thin over store.service."""

    CSS_PATH = "app.tcss"
    TITLE = "ticket-tui"
    BINDINGS = [
        Binding("question_mark", "show_keys", "Keys", id="app.keys"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        # Undo send (tui/ticket/undo_send.py): shown only while a reply of one's own is held;
        # Ctrl+Z also while typing, where `u` is a letter (the reply pane's own undo gets Ctrl+Z
        # the rest of the time).
        Binding("u", "undo_send", "Undo send", id="app.undo_send"),
        Binding("ctrl+z", "undo_send", "Undo send", priority=True, id="app.undo_send_typing"),
    ]

    def __init__(self, store: Store, actor: StaffActor | ClientActor | None, config: Config | None = None,
                 *, live_interval: float = 1.0, staff_settings: dict | None = None,
                 first_page: Future | None = None) -> None:
        """staff_settings: the actor's display settings, when read already (the command line
        reads them with the actor, so the list's first paint waits for no worker);
        first_page: the queue's first page being read meanwhile (tui/queue/first_page.py)."""
        super().__init__()
        self.store = store
        self.actor = actor
        self.config = config or Config()
        self.live_interval = live_interval
        self.staff_settings: dict = dict(STAFF_DEFAULTS)
        self._settings_given = staff_settings
        self._first_page = first_page
        self.live = LiveFeed(self)
        self.sweeper = Sweeper(self)
        self.held = HeldWatch(self)
        self.overdue = OverdueWatch(self)
        self._theme_problems = self._start_theme()
        self._home_first = False  # the home screen is the app's first (get_default_screen)

    def on_mount(self) -> None:
        self.watch(self, "title", self._titles_changed, init=False)
        self.watch(self, "sub_title", self._titles_changed, init=False)
        keymap, unparsable = usable_keymap(self.config.keymap)
        if keymap:
            self.set_keymap(keymap)
        for problem in filter(None, [self.config.problem, *self._theme_problems]):
            self.notify(problem, severity="warning", timeout=10, markup=False)
        if self.config.keymap:
            self.run_worker(partial(self._check_keymap, unparsable), thread=True, group="keymap",
                            exit_on_error=True)
        self.live.start()
        self.sweeper.start()
        self.held.start()
        self.overdue.start()
        if self.actor is None:
            from tui.modals.staff_picker import StaffPicker

            self.push_screen(StaffPicker(), self._signed_in)
        elif self._home_first:
            own = (self._settings_given or {}).get("theme")
            if own and own not in self.available_themes:
                self.use_theme(own)  # tells that it is gone
        else:
            self._open_home()

    def _check_keymap(self, unparsable: dict[str, str]) -> None:
        """A worker: knowing every binding id loads every screen's module (~0.3 s), off the UI
        thread, and only for a [keymap] (a start without one never pays it)."""
        known = binding_ids()
        unknown = [binding_id for binding_id in self.config.keymap if binding_id not in known]
        problem = keymap_problem(unknown, unparsable)
        if problem:
            self.call_from_thread(self.notify, problem, severity="warning", timeout=10, markup=False)

    def get_default_screen(self) -> Screen:
        """The home screen is the first screen when all it needs is known before the app runs
        (the command line reads the staff member's settings with the actor): Textual then
        paints no empty screen first and switches no screen before the list is seen."""
        if isinstance(self.actor, ClientActor) or (
                isinstance(self.actor, StaffActor) and self._settings_given is not None):
            if self._settings_given is not None:
                self._apply_display_settings(self._settings_given)
            self._home_first = True
            return self._home_screen()
        return super().get_default_screen()

    def _titles_changed(self) -> None:
        """The headers watch their own screens only (tui/widgets/header.py)."""
        from tui.widgets.header import SafeHeader

        for screen in self.screen_stack:
            for header in screen.query(SafeHeader):
                header.show_title()

    def _signed_in(self, actor: StaffActor | None) -> None:
        if actor is None:
            self.exit()
            return
        self.actor = actor
        self._open_home()

    # --- others' changes and the connection (tui/runtime/live.py) ---------------------------------
    def tickets_changed(self, change) -> None:
        for screen in list(self.screen_stack):
            handler = getattr(screen, "tickets_changed", None)
            if handler is not None and screen.is_attached:
                handler(change)

    def connection_lost(self, sentence: str) -> None:
        self.notify(f"{sentence} Reconnecting… What you type stays in the form and is saved "
                    "once the database is back.", title="Database unreachable",
                    severity="warning", timeout=8, markup=False)

    def connection_back(self) -> None:
        self.notify("The database is back; everything on screen is up to date again.",
                    title="Reconnected", timeout=4, markup=False)
        for screen in list(self.screen_stack):
            handler = getattr(screen, "connection_back", None)
            if handler is not None and screen.is_attached:
                handler()

    def on_unmount(self) -> None:
        self.live.stop()
        self.sweeper.stop()
        self.held.stop()
        self.overdue.stop()

    def _start_theme(self) -> list[str]:
        """Registers the themes and chooses the first one (the staff member's own, else the
        config file's) before anything is styled; returns what was wrong with theme files.

        Setting App.theme once the app runs re-parses every stylesheet, into a fresh parse
        cache that the next new kind of widget then misses: choosing in on_mount parsed all
        the CSS three times before the list's first paint. Here the stylesheet only gets the
        chosen theme's variables, and Textual's theme watcher, which would queue that
        re-parse, does not run."""
        loaded = load_themes(BUNDLED_DIR, user_theme_dir())
        for theme in loaded.themes:
            self.register_theme(theme)
        problems = list(loaded.problems)
        own = (self._settings_given or {}).get("theme")
        if own in self.available_themes:  # an unknown one is told of when the settings apply
            name = own
        else:
            name = self.config.theme or DEFAULT_THEME
        if name not in self.available_themes:
            problems.append(f"There is no theme named '{name}'; using {DEFAULT_THEME}.")
            name = DEFAULT_THEME
        self.set_reactive(App.theme, name)
        theme = self.current_theme
        self.set_class(True, f"-theme-{name}", update=False)
        self.set_class(theme.dark, "-dark-mode", update=False)
        self.set_class(not theme.dark, "-light-mode", update=False)
        self._refresh_truecolor_filter(self.ansi_theme)  # what the theme watcher does
        self.stylesheet.set_variables(self.get_css_variables())
        return problems

    def use_theme(self, name: str) -> None:
        """Switches theme; an unknown name falls back to the default, with a word why."""
        if name not in self.available_themes:
            self.notify(f"There is no theme named '{name}'; using {DEFAULT_THEME}.",
                        severity="warning", markup=False)
            name = DEFAULT_THEME
        self.theme = name

    def get_css_variables(self) -> dict[str, str]:
        """Every theme gets readable internal-comment, system-message and Due colours, unless
        its file chose its own."""
        variables = super().get_css_variables()
        theme = self.get_theme(self.theme) if self.theme else None
        background = variables.get("background", "#000000")
        return {**mark_colours(background, theme.dark if theme else True), **due_colours(variables),
                **variables}

    def apply_staff_settings(self, values: dict) -> None:
        """A staff member's own display settings, from the store: theme, density, reading
        width, system messages, time format."""
        if values["theme"]:
            self.use_theme(values["theme"])
        self._apply_display_settings(values)

    def _apply_display_settings(self, values: dict) -> None:
        """All of the staff member's settings but the theme (chosen before anything is styled,
        see _start_theme)."""
        self.staff_settings = values
        for density in DENSITIES:
            self.set_class(values["density"] == density, f"-density-{density}")
        display.configure(values["time_format"], values["reading_width"])

    def _open_home(self) -> None:
        if isinstance(self.actor, StaffActor):
            if self._settings_given is not None:
                self._settings_loaded(self._settings_given)
            else:
                run_store_call(self, my_settings, done=self._settings_loaded)
            return
        self.push_screen(self._home_screen())

    def _settings_loaded(self, values: dict) -> None:
        self.apply_staff_settings(values)
        self.push_screen(self._home_screen())

    def _home_screen(self) -> Screen:
        if isinstance(self.actor, ClientActor):
            from tui.client.home import ClientHomeScreen

            self.sub_title = f"Client area — {self.actor.name} <{self.actor.email}>"
            return ClientHomeScreen()
        from tui.queue.screen import TicketListScreen

        self.sub_title = f"{self.actor.name} ({self.actor.login})"
        first, self._first_page = self._first_page, None
        return TicketListScreen(first)

    # --- navigation: screens never import each other; they ask the app ---------------------
    def open_ticket(self, ticket_id: int) -> None:
        """The staff ticket form over the list."""
        from tui.ticket.screen import TicketScreen

        self.push_screen(TicketScreen(ticket_id))

    def open_reports(self) -> None:
        """The Reports screen over the list (staff)."""
        from tui.reports.screen import ReportsScreen

        self.push_screen(ReportsScreen())

    def open_rules(self) -> None:
        """The Rules screen over the list (administrators)."""
        from tui.rules.screen import RulesScreen

        self.push_screen(RulesScreen())

    def warm_up_ticket_form(self) -> None:
        """Imports the ticket form while the list is idle, so the first Enter opens it at once."""
        import tui.ticket.screen  # noqa: F401

    def back_to_queue(self, *, client_filter: str | None = None) -> None:
        """Leaves the ticket form for the list under it; client_filter then shows only that
        client's tickets there."""
        self.pop_screen()
        show_only = getattr(self.screen, "set_client_filter", None)
        if client_filter is not None and show_only is not None:
            show_only(client_filter)
            self.notify(f"Showing only {for_markup(client_filter)}'s tickets.")

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "undo_send":
            return self.held.latest is not None
        return True

    def action_undo_send(self) -> None:
        self.held.undo()

    def action_show_keys(self) -> None:
        from tui.widgets.help_screen import KeysScreen

        if not isinstance(self.screen, KeysScreen):
            self.push_screen(KeysScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette offers what the current screen allows now, in the buttons' own words."""
        commands = getattr(screen, "palette_commands", None)
        if commands is not None:
            for title, help_text, callback in commands():
                yield SystemCommand(title, help_text, callback)
        yield from super().get_system_commands(screen)
