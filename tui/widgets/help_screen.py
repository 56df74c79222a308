"""The "?" screen: every key of the screen below it, as the keymap has set them."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


class KeysScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close", id="keys.close")]

    def __init__(self, below: Screen) -> None:
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="keys-box", classes="modal-box"):
            yield Static("Keys", classes="modal-title")
            yield Static(self._table(), id="keys-table")
            yield Static(Text("Keys can be changed in the config file's [keymap] (see README)."),
                         classes="hint")

    def _table(self) -> Text:
        text = Text()
        seen: set[tuple[str, str]] = set()
        for key, active in self.below.active_bindings.items():
            binding = active.binding
            description = binding.description or binding.action
            if (binding.action, description) in seen or not description:
                continue
            seen.add((binding.action, description))
            shown = self.app.get_key_display(binding)
            line = Text.assemble((f"{shown:>14}", "bold"), "  ", description)
            if binding.id:
                line.append(f"   [{binding.id}]", style="dim")
            text.append_text(line)
            text.append("\n")
        return text
