"""A client's ticket: the conversation with support, charges, a reply box, and Archive."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Static, TextArea

from store import service as sv
from store.errors import StoreError
from store.views import TicketDetail

from tui.runtime.files import with_files
from tui.runtime.safe import text
from tui.widgets.thread import Thread, when
from tui.runtime.working import run_store_call
from tui.widgets.header import SafeHeader
from tui.widgets.footer import KeysFooter
from tui.runtime.drafts import DraftTimer
from tui.runtime.draft_spool import next_version, restore_spooled, save_draft
from tui.runtime.reading import show_or_peek, tell_not_marked
from tui.runtime.live import FollowsTicket
from tui.runtime.early_call import EarlyCall



class ClientTicketScreen(FollowsTicket, Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "send", "Send", id="client.send"),
        Binding("ctrl+r", "archive", "Archive", id="client.archive"),
        Binding("escape", "back", "Back", id="client.back"),
        Binding("f7", "attachments", "Save attachments", id="client.attachments"),
        Binding("f2", "rate", "Rate a reply", show=False, id="client.rate"),
    ]

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.detail: TicketDetail | None = None
        self._marker: int | None = None
        self._drafts = DraftTimer(self, self._save_draft)
        self._draft_waiting = False
        self._early: EarlyCall | None = None  # the first load, started while composing

    def compose(self) -> ComposeResult:
        if self.detail is None and self._early is None:
            self._early = EarlyCall(self, self._fetch, True)
        yield SafeHeader()
        yield Static(id="info")
        yield Thread(id="thread")
        with Vertical(id="reply-pane"):
            yield TextArea(id="reply-body", soft_wrap=True)
            yield Input(placeholder="Attach file: a path (several: separate with ;)", id="attach")
            yield Static(id="reply-error")
            with Horizontal(id="reply-buttons"):
                yield Button("Send ^S", id="send", variant="primary")
                yield Button("Archive ^R", id="archive")
                yield Button("Back Esc", id="back")
        yield KeysFooter()

    async def on_mount(self) -> None:
        self.query_one("#reply-body", TextArea).focus()
        if self._early is None:
            self.load(restore_draft=True)
            return
        # Painted filled in, not empty first (see TicketScreen.on_mount).
        await self._early.answered()
        self._early.then(self._loaded, self._unreadable)
        self._early = None

    def load(self, restore_draft: bool = False) -> None:
        run_store_call(self, self._fetch, restore_draft, done=self._loaded, refused=self._unreadable)

    def _fetch(self, store, actor, restore_draft: bool):
        marker = sv.change_marker(store)
        detail, not_marked = show_or_peek(store, actor, self.ticket_id)  # marks staff replies read
        draft = None
        if restore_draft:
            draft = restore_spooled(store, actor, self.ticket_id) or sv.get_draft(store, actor, self.ticket_id)
        return marker, detail, draft, not_marked

    def _unreadable(self, error: StoreError) -> None:
        self.app.notify(str(error), severity="error", markup=False)
        self.app.pop_screen()

    def _loaded(self, result) -> None:
        self._marker, detail, draft, not_marked = result
        if not_marked is not None and self.detail is None:  # told once, not at each reload
            tell_not_marked(self.app, not_marked)
        self.detail = detail
        d = self.detail
        self.sub_title = f"Ticket #{d.id}"
        info = Text.assemble(("#" + str(d.id) + "  ", "bold"), text(d.subject, "bold", one_line=True),
                             f"\nStatus: {d.status}   Department: ", text(d.department, one_line=True))
        if d.service:
            info.append_text(Text.assemble("   Service: ", text(d.service.name, one_line=True)))
        for c in d.charges:
            info.append(f"\nCharged {c.amount_cents / 100:.2f} on {when(c.created_at)}", style="yellow")
        self.query_one("#info", Static).update(info)
        self.query_one(Thread).show(d.messages)
        self.query_one("#archive", Button).disabled = d.archived_at is not None
        if draft is not None:
            self.query_one("#reply-body", TextArea).load_text(draft.body)

    @on(TextArea.Changed, "#reply-body")
    def _typed(self) -> None:
        self._drafts.changed()

    def _save_draft(self) -> None:
        body = self.query_one("#reply-body", TextArea).text
        run_store_call(self, save_draft, self.ticket_id, body, "", next_version(), group="draft",
                       done=self._draft_saved)

    def _draft_saved(self, kept_locally: bool) -> None:
        self._draft_waiting = kept_locally

    def _error(self, message: str | None) -> None:
        self.query_one("#reply-error", Static).update(text(message or "", "bold red"))

    def action_send(self) -> None:
        body = self.query_one("#reply-body", TextArea).text
        self._drafts.cancel()
        self._error(None)
        run_store_call(self, with_files(sv.client_reply), self.ticket_id, body,
                       attach=self.query_one("#attach", Input).value, done=self._sent,
                       refused=self._not_sent)

    def _not_sent(self, error: StoreError) -> None:
        self._error(str(error))
        self._drafts.changed()  # the draft's save was cancelled for the send: it is due again

    def _sent(self, _message_id: int) -> None:
        self.query_one("#reply-body", TextArea).load_text("")
        self.query_one("#attach", Input).value = ""
        run_store_call(self, sv.drop_draft, self.ticket_id, group="draft")
        self.app.notify("Sent to support.")
        self.load()

    def action_archive(self) -> None:
        run_store_call(self, sv.archive, self.ticket_id, done=self._archived,
                       refused=lambda e: self._error(str(e)))

    def _archived(self, _none) -> None:
        self.app.notify(f"Ticket #{self.ticket_id} is in your Archive.")
        self.app.pop_screen()

    def action_attachments(self) -> None:
        from tui.modals import AttachmentsModal

        if self.detail is not None:
            self.app.push_screen(AttachmentsModal(self.detail.messages))

    def action_rate(self) -> None:
        """Rate one of support's replies (the latest by default): a small form."""
        from tui.modals import RateModal

        replies = [m for m in (self.detail.messages if self.detail else ()) if m.kind == "staff"]
        if not replies:
            self.notify("Support has not replied yet: there is nothing to rate.")
            return
        run_store_call(self, sv.my_ratings, self.ticket_id, done=lambda given: self.app.push_screen(
            RateModal(replies, given), self._rated))

    def _rated(self, rated: bool | None) -> None:
        if rated:
            self.notify("Thank you: your rating is with the department's heads.")

    def action_back(self) -> None:
        self._drafts.flush()
        self.app.pop_screen()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        getattr(self, f"action_{event.button.id}")()

    def palette_commands(self):
        yield "Send", "Send your message to support", self.action_send
        yield "Archive", "Move this ticket to your Archive", self.action_archive
        yield "Back", "Back to your tickets", self.action_back
        yield "Save attachments", "Save a file of this ticket", self.action_attachments
        yield "Rate a reply", "Tell support whether a reply helped", self.action_rate
