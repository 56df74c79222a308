"""Merge into…: the target's number, then a confirmation naming both tickets and their clients.

Subjects and names are the clients' text: Rich Text, never markup. The store decides (the
locks, or an administrator; one client unless an administrator confirms) and its sentence is
shown as it is; this only asks. Dismissed with the target's id once merged.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from store import service as sv
from store.views import TicketDetail

from tui.modals.base import Modal, error_line
from tui.runtime.safe import text


def _peek(store, actor, ticket_id: int) -> TicketDetail:
    return sv.peek(store, actor, ticket_id, last=1)


class MergeModal(Modal):
    """Asks for the ticket to merge this one into."""

    def __init__(self, source: TicketDetail) -> None:
        super().__init__()
        self.source = source

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static(f"Merge ticket #{self.source.id} into…", classes="modal-title")
            yield Static("Its messages, charges and holders move into the ticket you name; "
                         f"#{self.source.id} stays as a closed stub pointing there.", classes="hint")
            yield Input(placeholder="Ticket number", id="merge-target", restrict=r"#?[0-9]*")
            yield error_line()
            with Horizontal(classes="modal-buttons"):
                yield Button("Next Enter", id="next", variant="primary")
                yield Button("Cancel Esc", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#next")
    def _next(self) -> None:
        typed = self.query_one("#merge-target", Input).value.strip().lstrip("#")
        if not typed.isdigit():
            self.show_error("Type the number of the ticket to merge into.")
            return
        self.call(_peek, int(typed), done=self._found)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    def _found(self, target: TicketDetail) -> None:
        self.app.push_screen(MergeConfirm(self.source, target), self._confirmed)

    def _confirmed(self, merged: int | None) -> None:
        if merged is not None:
            self.dismiss(merged)


def _ticket_line(d: TicketDetail) -> Text:
    return Text.assemble((f"#{d.id} ", "bold"), "«", text(d.subject, one_line=True), "»  ",
                         text(d.client_name, one_line=True), (f" <{d.client_email}>", "dim"))


class MergeConfirm(Modal):
    """Names both tickets and their clients; y merges."""

    BINDINGS = [Binding("y", "merge", "Merge", id="merge.yes"),
                Binding("n", "dismiss_none", "Cancel", id="merge.no")]

    def __init__(self, source: TicketDetail, target: TicketDetail) -> None:
        super().__init__()
        self.source, self.target = source, target
        self.two_clients = source.client_email != target.client_email

    def compose(self) -> ComposeResult:
        s, t = self.source, self.target
        facts = Text.assemble(("Merge  ", "bold"), _ticket_line(s), "\n",
                              ("into   ", "bold"), _ticket_line(t))
        with Vertical(classes="modal-box wide"):
            yield Static(f"Merge ticket #{s.id} into #{t.id}?", classes="modal-title")
            yield Static(facts)
            if self.two_clients:
                yield Static(Text("These are tickets of two clients: only an administrator "
                                  "merges them, and the other client will see these messages.",
                                  style="bold yellow"))
            yield Static(f"#{s.id} becomes a closed stub \"Merged into #{t.id}\"; a system message "
                         "in both names you.", classes="hint")
            yield error_line()
            with Horizontal(classes="modal-buttons"):
                yield Button("Merge (y)", id="yes", variant="warning")
                yield Button("Cancel (n)", id="no")

    def action_merge(self) -> None:
        self.call(sv.merge, self.source.id, self.target.id, confirmed=self.two_clients,
                  done=self.dismiss)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "yes":
            self.action_merge()
        else:
            self.dismiss(None)
