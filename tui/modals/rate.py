"""Rate a reply (the client area): one of the ticket's staff replies (the latest by default),
good or bad, and an optional comment. The store decides (store.service.ratings) and its
sentence is shown as it is; rating a reply again replaces the rating. Dismissed with True once
rated."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Select, Static

from store import service as sv
from store.views import MessageView

from tui.modals.base import Modal, error_line
from tui.runtime.safe import text

COMMENT_MAX = 1000


def reply_label(m: MessageView, rating) -> Text:
    first = next((line for line in m.body.splitlines() if line.strip()), "")
    label = Text.assemble(f"#{m.id} ", text(m.author_name, one_line=True),
                          f", {m.created_at:%Y-%m-%d %H:%M}: ", text(first[:40], one_line=True))
    if rating is not None:
        label.append(f"  (rated {'good' if rating.good else 'bad'})", style="dim")
    return label


class RateModal(Modal):
    """Rate one of `replies` (staff replies, oldest first); `ratings`: the client's own."""

    def __init__(self, replies: list[MessageView], ratings: dict) -> None:
        super().__init__()
        self.replies, self.ratings = replies, ratings

    def compose(self) -> ComposeResult:
        latest = self.replies[-1].id
        given = self.ratings.get(latest)
        with Vertical(classes="modal-box wide"):
            yield Static("Rate a reply from support", classes="modal-title")
            yield Static("The department's heads and the administrators see your rating, not "
                         "the person who wrote the reply. Rating it again replaces it.",
                         classes="hint")
            yield Select([(reply_label(m, self.ratings.get(m.id)), m.id) for m in self.replies],
                         value=latest, allow_blank=False, id="rate-reply")
            yield Select([("Good", "good"), ("Bad", "bad")], allow_blank=False, id="rate-verdict",
                         value="bad" if given is not None and not given.good else "good")
            yield Input(given.comment if given else "", placeholder="Comment (optional)",
                        max_length=COMMENT_MAX, id="rate-comment")
            yield error_line()
            with Horizontal(classes="modal-buttons"):
                yield Button("Rate Enter", id="rate", variant="primary")
                yield Button("Cancel Esc", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#rate-verdict", Select).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#rate")
    def _rate(self) -> None:
        message_id = self.query_one("#rate-reply", Select).value
        verdict = self.query_one("#rate-verdict", Select).value
        comment = self.query_one("#rate-comment", Input).value
        self.call(sv.rate, message_id, verdict, comment, done=lambda _r: self.dismiss(True))

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
