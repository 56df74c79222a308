"""A mailed message's original: chosen from the thread's mailed messages, read as text, saved
whole as an .eml file. The mail is a stranger's bytes: shown as plain text with its control
characters and escape sequences removed, never as markup; the saved file keeps every byte."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from store.files import save_into
from store.mail.originals import MailOriginalView, mail_original
from store.views import MessageView

from tui.modals.attachments import default_folder
from tui.modals.base import Modal, error_line
from tui.runtime.display import when
from tui.runtime.safe import text
from tui.widgets.thread import size

SHOWN_BYTES = 256 * 1024  # more would make the text area slow; the saved file has it all


def readable(raw: bytes) -> str:
    """The mail's bytes as text to read: undecodable bytes replaced, terminal controls gone."""
    shown = raw[:SHOWN_BYTES].decode("utf-8", errors="replace")
    text_only = text(shown).plain
    if len(raw) > SHOWN_BYTES:
        text_only += (f"\n\n[The first {size(SHOWN_BYTES)} of {size(len(raw))} are shown; "
                      "save the mail to read it all.]")
    return text_only


class MailOriginalModal(Modal):
    BINDINGS = [Binding("ctrl+s", "save", "Save as .eml", id="mail_original.save")]

    def __init__(self, messages: tuple[MessageView, ...]) -> None:
        super().__init__()
        self.mailed = [m for m in messages if m.mail is not None]
        self.original: MailOriginalView | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box mail-original-box"):
            yield Static("Mail originals", classes="modal-title")
            yield OptionList(*[
                Option(Text.assemble((f"#{m.id} ", "bold"), text(m.mail.sender, one_line=True),
                                     (f"  {when(m.created_at)}", "dim")), id=str(m.id))
                for m in reversed(self.mailed)  # the newest first
            ], id="mailed-list")
            yield TextArea("", read_only=True, soft_wrap=True, show_line_numbers=False,
                           id="original-text")
            yield Label("Save into this folder (Ctrl+S)", classes="field-label")
            yield Input(str(default_folder()), id="folder")
            yield error_line()

    def on_mount(self) -> None:
        self.query_one("#original-text").display = False
        if not self.mailed:
            self.show_error("No message of this ticket came by mail.")
        self.query_one("#mailed-list", OptionList).focus()

    @on(OptionList.OptionSelected, "#mailed-list")
    def _open(self, event: OptionList.OptionSelected) -> None:
        self.call(mail_original, int(event.option.id), done=self._opened)

    def _opened(self, original: MailOriginalView) -> None:
        self.original = original
        area = self.query_one("#original-text", TextArea)
        area.load_text(readable(original.raw))
        area.display = True
        area.focus()
        self.query_one("#modal-error", Static).update(Text(
            f"Message #{original.message_id}: {size(original.size)}", style="dim"))

    @on(Input.Submitted, "#folder")
    def action_save(self) -> None:
        if self.original is None:
            self.show_error("Choose a mail first (Enter on it).")
            return
        folder, original = self.query_one("#folder", Input).value, self.original
        self.call(lambda _store, _actor: save_into(folder, f"message-{original.message_id}.eml",
                                                   original.raw), done=self._saved)

    def _saved(self, path: Path) -> None:
        self.query_one("#modal-error", Static).update(Text(f"Saved to {path}", style="bold green"))
