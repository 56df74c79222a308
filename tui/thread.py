"""The message thread of a ticket: client, staff, internal (yellow) and system (dim) messages."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from store.views import MessageView

from . import display
from .display import when
from .safe import text

LABELS = {"client": "Client", "staff": "Staff", "internal": "Internal comment", "system": "System"}


def size(n: int) -> str:
    for unit in ("bytes", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


class MessageBox(Static):
    """One message, its text shown literally."""

    def __init__(self, message: MessageView) -> None:
        super().__init__(self._content(message), classes=f"message message--{message.kind}")
        self.message_id = message.id
        if display.reading_width:
            self.styles.max_width = display.reading_width + 4  # the border and padding

    @staticmethod
    def _content(m: MessageView) -> Text:
        head = Text.assemble(
            (f"#{m.id} {LABELS[m.kind]}", "bold"), " · ",
            text(m.author_name, one_line=True),
            (f" <{m.author}>" if m.kind == "client" else "", "dim"),
            (f" · {when(m.created_at)}", "dim"),
            (" · edited " + when(m.edited_at), "italic dim") if m.edited_at else "",
        )
        body = Text("\n").join([head, text(m.body)])
        for a in m.attachments:
            body.append("\n")
            body.append_text(Text.assemble("📎 ", text(a.name, one_line=True),
                                           (f"  {size(a.size)} · #{a.id}", "dim")))
        return body


class Thread(VerticalScroll, can_focus=True):
    """Shows a ticket's messages; keeps the reader's place when new ones arrive."""

    def show(self, messages: tuple[MessageView, ...]) -> None:
        at_bottom = self.scroll_y >= self.max_scroll_y - 1
        shown = [w.message_id for w in self.query(MessageBox)]
        if shown == [m.id for m in messages[: len(shown)]] and shown:
            for widget, m in zip(self.query(MessageBox), messages):
                widget.update(MessageBox._content(m))
            new = [MessageBox(m) for m in messages[len(shown):]]
        else:
            self.remove_children()
            new = [MessageBox(m) for m in messages]
        if new:
            self.mount_all(new)
        if at_bottom or not shown:
            self.call_after_refresh(self.scroll_end, animate=False)
