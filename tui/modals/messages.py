"""The Messages action: every message of the ticket; edit one (history kept) or split from it."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from store import service as sv
from store.views import MessageView

from tui.runtime.safe import text
from tui.widgets.thread import LABELS, when
from tui.modals.base import Modal, error_line


class MessagesModal(Modal):
    def __init__(self, ticket_id: int, messages: tuple[MessageView, ...], token: str | None,
                 mine: bool) -> None:
        super().__init__()
        self.ticket_id, self.messages, self.token, self.mine = ticket_id, messages, token, mine
        self.chosen: MessageView | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box wide"):
            yield Static("Messages", classes="modal-title")
            yield Static("Editing and splitting need the ticket assigned to you."
                         if not self.mine else "Choose a message to edit it or split from it.",
                         classes="hint")
            yield OptionList(*[
                Option(Text.assemble((f"#{m.id} {LABELS[m.kind]} · {when(m.created_at)}  ", "bold"),
                                     text(m.body, one_line=True)[:120]), id=str(m.id))
                for m in self.messages
            ], id="message-list")
            yield TextArea(id="message-text", disabled=not self.mine)
            yield Static(id="message-history", classes="hint")
            yield error_line()
            with Horizontal(classes="modal-buttons"):
                yield Button("Save edit", id="save", disabled=not self.mine, variant="primary")
                yield Button("Split from this message", id="split", disabled=not self.mine)
                yield Button("Close Esc", id="close")

    @on(OptionList.OptionHighlighted)
    def _highlight(self, event: OptionList.OptionHighlighted) -> None:
        self.chosen = next(m for m in self.messages if str(m.id) == event.option.id)
        self.query_one("#message-text", TextArea).load_text(self.chosen.body)
        self.query_one("#message-history", Static).update("")
        if self.chosen.edited_at:
            self.call(sv.message_history, self.chosen.id, done=self._history)

    def _history(self, earlier) -> None:
        lines = Text("Earlier versions:", style="bold")
        for body, at in earlier:
            lines.append(f"\n{when(at)}: ")
            lines.append_text(text(body, one_line=True))
        self.query_one("#message-history", Static).update(lines)

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        if self.chosen is None:
            self.show_error("Choose a message first.")
            return
        body = self.query_one("#message-text", TextArea).text
        self.call(sv.edit_message, self.chosen.id, body, token=self.token, done=lambda _: self.dismiss(None))

    @on(Button.Pressed, "#split")
    def _split(self) -> None:
        if self.chosen is None:
            self.show_error("Choose the message to split from.")
            return
        self.call(sv.split, self.ticket_id, self.chosen.id, token=self.token, done=self.dismiss)

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)
