"""The administrators' view of failed mail: what the intake could not take, why, and Enter to
take one in again (after a setting or the desk changed). The reasons quote strangers' mail
(file names, addresses): shown as plain text."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from store.mail.failed import FailedMailInfo, failed_mail_for, retry_for
from store.mail.intake import IntakeResult

from tui.modals.base import Modal, error_line
from tui.runtime.display import when
from tui.runtime.safe import text
from tui.widgets.thread import size

OUTCOMES = {"new_ticket": "a new ticket", "client_message": "a message on its ticket",
            "bounce": "a bounce note", "duplicate": "a copy of a mail already taken",
            "dropped": "dropped (as the desk's rules say)"}


def _line(f: FailedMailInfo) -> Text:
    where = f" · {f.mailbox}" if f.mailbox else ""
    again = f" · tried again {when(f.retried_at)}" if f.retried_at else ""
    return Text.assemble((f"#{f.id} ", "bold"), (f"{when(f.received_at)} · {f.source}", "dim"),
                         text(where, one_line=True), (f" · {size(f.size)}{again}", "dim"), "\n  ",
                         text(f.reason, one_line=True))


class FailedMailModal(Modal):
    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box wide"):
            yield Static("Failed mail", classes="modal-title")
            yield OptionList(id="failed-list")
            yield Static("Enter takes the chosen mail in again; `ticket-tui mail failed` lists "
                         "the same from the command line.", classes="hint")
            yield error_line()

    def on_mount(self) -> None:
        self.query_one("#failed-list", OptionList).focus()
        self._load()

    def _load(self, note: Text | None = None) -> None:
        self.call(failed_mail_for, done=lambda failed: self._show(failed, note))

    def _show(self, failed: list[FailedMailInfo], note: Text | None) -> None:
        options = self.query_one("#failed-list", OptionList)
        options.clear_options()
        options.add_options([Option(_line(f), id=str(f.id)) for f in failed])
        if failed:
            options.highlighted = 0
        if note is None and not failed:
            note = Text("No failed mail is waiting.", style="bold green")
        self.query_one("#modal-error", Static).update(note or "")

    @on(OptionList.OptionSelected, "#failed-list")
    def _retry(self, event: OptionList.OptionSelected) -> None:
        failed_id = int(event.option.id)
        self.call(retry_for, failed_id, done=lambda result: self._retried(failed_id, result))

    def _retried(self, failed_id: int, result: IntakeResult) -> None:
        if result.outcome == "failed":
            note = text(f"Mail #{failed_id} failed again: {result.reason}", "bold red")
        else:
            ticket = f" (ticket #{result.ticket_id})" if result.ticket_id else ""
            note = Text(f"Mail #{failed_id} was taken in: "
                        f"{OUTCOMES.get(result.outcome, result.outcome)}{ticket}.", style="bold green")
        self._load(note)
