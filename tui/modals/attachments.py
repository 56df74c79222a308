"""Saving a ticket's attachments to a folder of your choice."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from store import service as sv
from store.files import save_into
from store.views import MessageView

from tui.runtime.safe import text
from tui.widgets.thread import size
from tui.modals.base import Modal, error_line


def default_folder() -> Path:
    downloads = Path.home() / "Downloads"
    return downloads if downloads.is_dir() else Path.cwd()


class AttachmentsModal(Modal):
    def __init__(self, messages: tuple[MessageView, ...]) -> None:
        super().__init__()
        self.files = [(m.id, a) for m in messages for a in m.attachments]

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static("Attachments", classes="modal-title")
            yield Label("Save into this folder", classes="field-label")
            yield Input(str(default_folder()), id="folder")
            yield OptionList(*[
                Option(Text.assemble(text(a.name, "bold", one_line=True),
                                     (f"  {size(a.size)} · message #{mid}", "dim")), id=str(a.id))
                for mid, a in self.files
            ], id="attachment-list")
            yield Static("Enter saves the chosen file; a name that is taken gets a number.",
                         classes="hint")
            yield error_line()

    def on_mount(self) -> None:
        if not self.files:
            self.show_error("This ticket has no attachments.")
        self.query_one("#attachment-list", OptionList).focus()

    @on(OptionList.OptionSelected)
    def _save(self, event: OptionList.OptionSelected) -> None:
        folder = self.query_one("#folder", Input).value

        def fetch_and_save(store, actor):
            view, data = sv.attachment_data(store, actor, int(event.option.id))
            return save_into(folder, view.name, data)

        self.call(fetch_and_save, done=self._saved)

    def _saved(self, path: Path) -> None:
        self.query_one("#modal-error", Static).update(Text(f"Saved to {path}", style="bold green"))
