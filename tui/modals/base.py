"""What every modal shares: a title, an inline error line, Esc to cancel, store calls."""

from __future__ import annotations

from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static

from store.errors import StoreError

from tui.runtime.safe import text
from tui.runtime.working import run_store_call


class Modal(ModalScreen):
    BINDINGS = [Binding("escape", "dismiss_none", "Cancel", id="modal.cancel")]

    def action_dismiss_none(self) -> None:
        self.dismiss(None)

    def show_error(self, message: str | None) -> None:
        """Validation messages appear inline, under the fields, as plain text."""
        self.query_one("#modal-error", Static).update(text(message or "", "bold red"))

    def refused(self, error: StoreError) -> None:
        self.show_error(str(error))

    def call(self, fn, *args, done=None, **kwargs) -> None:
        self.show_error(None)
        run_store_call(self, fn, *args, done=done, refused=self.refused, **kwargs)


def error_line() -> Static:
    return Static(id="modal-error")
