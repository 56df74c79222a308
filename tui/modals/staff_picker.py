"""Who are you? Shown when no staff identity is known (no --as, none in the config file)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from store import admin
from store.actors import StaffActor, staff_actor

from tui.runtime.safe import text
from tui.runtime.working import run_store_call
from tui.widgets.header import SafeHeader
from tui.widgets.footer import KeysFooter


class StaffPicker(Screen[StaffActor | None]):
    # Esc leaves too, but the footer names quitting once (the app's ctrl+q).
    BINDINGS = [Binding("escape", "dismiss_none", "Quit", show=False)]

    def compose(self) -> ComposeResult:
        yield SafeHeader()
        with Vertical(classes="modal-box"):
            yield Static("Who are you?", classes="modal-title")
            yield Static("Choose your staff account (set 'as' in the config file, or --as, to skip this).",
                         classes="hint")
            yield OptionList(id="staff-list")
        yield KeysFooter()

    def on_mount(self) -> None:
        run_store_call(self, lambda store, actor: admin.list_staff(store), done=self._fill)

    def _fill(self, staff) -> None:
        options = self.query_one("#staff-list", OptionList)
        for s in staff:
            role = "administrator" if s.is_admin else ", ".join(s.departments) or "no department"
            options.add_option(Option(Text.assemble(text(s.name, "bold", one_line=True),
                                                    f"  {s.login}  ", (role, "dim")), id=s.login))
        if not staff:
            self.notify("There are no staff members yet: add one with 'ticket-tui staff add'.",
                        severity="error", markup=False)
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        login = event.option.id
        run_store_call(self, lambda store, actor: staff_actor(store, login), done=self.dismiss)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
