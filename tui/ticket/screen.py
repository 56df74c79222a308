"""The ticket form: subject and service, the information line, toolbar, thread and reply pane."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, Input, Select, Static

from store import service as sv
from store import settings as global_settings
from store.clock import utcnow
from store.errors import LockedByOther, StoreError
from store.safe_text import printable
from store.views import ClientCard, DraftView, LockInfo, TicketDetail

from tui import modals
from tui.runtime.safe import service_label, text
from tui.widgets.thread import FETCH, Thread, when
from tui.widgets.due_line import due_line
from tui.runtime.working import run_store_call
from tui.widgets.header import SafeHeader
from tui.widgets.footer import KeysFooter
from tui.widgets.lazy_select import LazySelect
from tui.runtime.drafts import DraftTimer
from tui.runtime.draft_spool import restore_spooled
from tui.runtime.reading import show_or_peek, tell_not_marked
from tui.ticket.replying import Replying
from tui.ticket.toolbar import Toolbar
from tui.ticket.toolbar_actions import DOMAIN_ACTIONS, MERGE_ACTIONS, TOOLBAR, ToolbarActions
from tui.runtime.live import FollowsTicket
from tui.runtime.early_call import EarlyCall


NEEDS_LOCK = {"ok", "send", "save_parameters", "quote", "editor", "predefined", "macro", "additional"}


class TicketScreen(FollowsTicket, Replying, ToolbarActions, Screen[None]):
    """Layout, loading and painting, which actions apply now, and the lock; what the form
    writes is in Replying (tui/ticket/replying.py), the toolbar's actions in ToolbarActions."""

    BINDINGS = [
        Binding("t,ctrl+t", "take", "Assign ticket to me", id="ticket.take"),
        Binding("ctrl+o", "ok", "Ok", id="ticket.ok"),
        Binding("ctrl+s", "send", "Send reply", id="ticket.send"),
        Binding("ctrl+g", "save_parameters", "Save parameters", id="ticket.save"),
        Binding("escape", "cancel", "Cancel", id="ticket.cancel"),
        Binding("i", "information", "Information", id="ticket.information"),
        Binding("s", "summary", "Summary", id="ticket.summary"),
        Binding("a", "assign", "Assign", id="ticket.assign"),
        Binding("d", "delay", "Delay", id="ticket.delay"),
        Binding("b", "abuse", "Abuse", show=False, id="ticket.abuse"),
        Binding("o", "settings", "Settings", show=False, id="ticket.settings"),
        Binding("m", "messages", "Messages", show=False, id="ticket.messages"),
        Binding("f", "favorite", "Favorite", show=False, id="ticket.favorite"),
        Binding("l", "filter_client", "Filter by client", show=False, id="ticket.filter_client"),
        Binding("h", "toggle_system", "Hide system messages", show=False, id="ticket.hide_system"),
        Binding("M", "merge", "Merge into…", show=False, id="ticket.merge"),
        Binding("f3", "quote", "Quote", show=False, id="ticket.quote"),
        Binding("f4", "editor", "Write in $EDITOR", show=False, id="ticket.editor"),
        Binding("f5", "predefined", "Predefined reply", show=False, id="ticket.predefined"),
        Binding("f9", "macro", "Apply macro", show=False, id="ticket.macro"),
        Binding("f8", "additional", "Additional fields", show=False, id="ticket.additional"),
        Binding("f7", "attachments", "Save attachments", show=False, id="ticket.attachments"),
        Binding("e", "mail_original", "Mail original", show=False, id="ticket.mail_original"),
        Binding("R", "resend_mail", "Send failed mail again", show=False, id="ticket.resend_mail"),
        Binding("U", "unlock", "Unlock", show=False, id="ticket.unlock"),
        Binding("W", "whois", "Whois", show=False, id="ticket.whois"),
        Binding("D", "dig", "Dig", show=False, id="ticket.dig"),
    ]

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.detail: TicketDetail | None = None
        self.lock_token: str | None = None
        self.use_priority = False
        self.services: list = []
        self._marker: int | None = None
        self._drafts = DraftTimer(self, self._save_draft)
        self._draft_waiting = False  # kept in the local spool: the database was unreachable
        self._shown_subject = ""
        self._early: EarlyCall | None = None  # the first load, started while composing
        self._reply_gets_cursor = False  # just taken: the reply pane, when shown, takes the cursor

    # --- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        if self.detail is None and self._early is None:
            self._early = EarlyCall(self, self._fetch)
        yield SafeHeader()
        with Horizontal(id="ticket-top"):
            yield Input(id="subject", disabled=True)
            yield LazySelect([], prompt="No service", id="service", disabled=True)
        with Horizontal(id="info-row"):
            yield Static(id="info")
            yield Button("Assign ticket to me  t", id="tb-take", variant="warning")
        yield Toolbar(TOOLBAR, id="toolbar")
        yield Thread(id="thread")
        yield KeysFooter()

    @property
    def mine(self) -> bool:
        return bool(self.detail and self.detail.locked_by == self.app.actor.login)

    async def on_mount(self) -> None:
        if self.app.staff_settings.get("hide_system_messages"):
            self.action_toggle_system()
        # At once, not after the next refresh: restyling for focus is then the thread's own
        # (done before its messages are mounted), not the thread and all its messages again.
        self.set_focus(self.query_one(Thread))
        if self._early is None:
            self.load()
            return
        # The form is first painted filled in, not empty and again a moment later: its first
        # paint waits a little for the answer (keys pressed meanwhile wait too). A slow answer
        # fills it in as it comes.
        await self._early.answered()
        self._early.then(self._loaded, self._unreadable)
        self._early = None

    # --- loading ------------------------------------------------------------------------
    def load(self) -> None:
        run_store_call(self, self._fetch, done=self._loaded, refused=self._unreadable)

    def _fetch(self, store, actor):
        marker = sv.change_marker(store)  # before the reads: a change in between shows next time
        # Only the thread's tail: a ticket of thousands of messages opens like a short one;
        # the thread fetches earlier pages as the reader scrolls up.
        detail, not_marked = show_or_peek(store, actor, self.ticket_id, last=FETCH)
        with store.sql() as q:
            use_priority = global_settings.read(q, "use_priority")
        card = sv.client_card(store, actor, self.ticket_id)
        draft = restore_spooled(store, actor, self.ticket_id) or sv.get_draft(store, actor, self.ticket_id)
        ratings = sv.ticket_ratings(store, actor, detail.id) if actor.is_admin or actor.head_of else {}
        return detail, use_priority, card, draft, marker, not_marked, ratings

    def _unreadable(self, error: StoreError) -> None:
        self.app.notify(str(error), severity="error", markup=False)
        self.app.pop_screen()

    def _loaded(self, result) -> None:
        detail, use_priority, card, draft, marker, not_marked, ratings = result
        self.query_one(Thread).ratings = ratings
        if detail.merged_into is not None:  # a merged ticket's stub: its messages are there
            self.app.notify(f"Ticket #{detail.id} was merged into #{detail.merged_into}; "
                            f"showing #{detail.merged_into}.", markup=False)
            self.show_ticket(detail.merged_into)
            return
        if not_marked is not None and self.detail is None:  # told once, not at each reload
            tell_not_marked(self.app, not_marked)
        was_mine = self.mine
        self._marker = marker
        self.detail, self.use_priority = detail, use_priority
        self.services = list(card.services)
        if detail.lock_token:
            self.lock_token = detail.lock_token
        if was_mine and not self.mine:
            who = detail.locked_by or "nobody"
            self.app.notify(f"Ticket #{detail.id} is no longer yours (now locked by {who}); "
                            "your draft is kept.", severity="warning", markup=False)
        self._paint(card, draft)

    def _paint(self, card: ClientCard, draft: DraftView | None = None) -> None:
        d = self.detail
        self.sub_title = f"Ticket #{d.id}"
        subject = self.query_one("#subject", Input)
        if not self.mine or not subject.has_focus:
            # Shown without control sequences; saved only if the agent edits it (so a subject
            # holding escapes is not rewritten just by saving the other parameters).
            self._shown_subject = printable(d.subject, one_line=True)
            subject.value = self._shown_subject
        subject.disabled = not self.mine
        service = self.query_one("#service", Select)
        service.set_options([(service_label(s.name, s.domain), s.id) for s in self.services])
        service.value = d.service.id if d.service else Select.NULL
        service.disabled = not self.mine
        self.query_one("#info", Static).update(self._info_text(d))
        self.query_one("#tb-take", Button).display = not self.mine
        toolbar = self.query_one(Toolbar)
        toolbar.show_only_if(DOMAIN_ACTIONS, self._domain is not None)
        toolbar.show_only_if(MERGE_ACTIONS, self._may_merge)
        toolbar.set_title("favorite", "Unfavorite" if d.favorite else "Favorite")
        earlier = 0 if len(d.messages) < FETCH else None  # a short thread came whole
        self.query_one(Thread).show(d.messages, ticket_id=d.id, earlier=earlier)
        self._show_pane(draft)
        self.refresh_bindings()

    def follow_the_clock(self) -> None:
        """The due times' "in 5m" / "3m late" move on (the app's response-target clock calls
        it every 30 s: a timer of the form's own would keep the form alive once closed)."""
        if self.detail is not None and self.detail.due_times is not None:
            self.query_one("#info", Static).update(self._info_text(self.detail))

    def _info_text(self, d: TicketDetail) -> Text:
        line = Text.assemble(("Ticket information: ", "bold"), "The ticket is assigned to ",
                             text(d.assigned_to, one_line=True), ".")
        line.append(f"   Status: {d.status}", style="bold")
        line.append_text(Text.assemble("   Client: ", text(d.client_name, one_line=True),
                                       (f" <{d.client_email}>", "dim")))
        if d.locked_by:
            mine = d.locked_by == self.app.actor.login
            lock = "🔒 assigned to you" if mine else f"🔒 locked by {d.locked_by} ({d.locked_by_name})"
            line.append(f"\n{lock} since {when(d.locked_at)}", style="bold green" if mine else "bold yellow")
        if d.delayed_until:
            line.append(f"   Delayed until {when(d.delayed_until)}", style="italic")
        targets = due_line(d.due_times, utcnow(), self.app.get_css_variables()["due-breached"])
        if targets is not None:
            line.append_text(Text.assemble("\n", targets))
        if d.summary:
            line.append_text(Text.assemble("\nSummary: ", text(d.summary, one_line=True)))
        return line

    def _show_pane(self, draft: DraftView | None) -> None:
        panes = self.query("ReplyPane")
        if self.mine and not panes:
            from tui.ticket.reply_pane import ReplyPane  # loaded once a ticket is taken: reading needs none

            self.mount(ReplyPane(self.detail, self.use_priority, draft, focused=self._reply_gets_cursor),
                       before=self.query_one(KeysFooter))
            self._reply_gets_cursor = False
        elif not self.mine and panes:
            self._drafts.flush()  # what was typed since the last save goes to the draft first
            panes.remove()

    # --- which actions apply now ---------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if self.detail is None:
            return action in ("cancel",)
        if action in NEEDS_LOCK:
            return self.mine
        if action == "take":
            return not self.mine
        if action == "unlock":
            return self.detail.locked_by is not None and (self.app.actor.is_admin or self.mine)
        if action in DOMAIN_ACTIONS:
            return self._domain is not None
        if action == "resend_mail":
            return any(m.delivery == "failed" for m in self.detail.messages)
        if action in MERGE_ACTIONS:
            return self._may_merge
        return True

    @property
    def _may_merge(self) -> bool:
        return self.mine or self.app.actor.is_admin

    def show_ticket(self, ticket_id: int) -> None:
        """The form shows another ticket (a merge's target) in place of this one. The draft
        was saved before the merge, which moved it; the reply pane is made again for the target."""
        self.ticket_id, self.detail, self.lock_token = ticket_id, None, None
        self.query("ReplyPane").remove()
        self.query_one(Thread).remove_children()
        self.load()

    @property
    def _domain(self) -> str | None:
        service = self.detail.service if self.detail else None
        return service.domain if service else None

    def palette_commands(self):
        titles = {b.action: b.description for b in self.BINDINGS}
        for action, title in titles.items():
            if self.check_action(action, ()):
                yield title, f"Ticket #{self.ticket_id}", getattr(self, f"action_{action}")

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        name = (event.button.id or "").removeprefix("tb-")
        self._run_toolbar(name)

    @on(Toolbar.Pressed)
    def _toolbar(self, event: Toolbar.Pressed) -> None:
        self._run_toolbar(event.action)

    def _run_toolbar(self, name: str) -> None:
        if self.check_action(name, ()) is not False and hasattr(self, f"action_{name}"):
            getattr(self, f"action_{name}")()

    # --- the lock -------------------------------------------------------------------------
    def action_take(self) -> None:
        run_store_call(self, sv.take, self.ticket_id, done=self._taken, refused=self._take_refused)

    def _take_refused(self, error: StoreError) -> None:
        if isinstance(error, LockedByOther):
            self.app.push_screen(modals.ConfirmTakeOver(str(error)), self._confirmed_take_over)
        else:
            self.app.notify(str(error), severity="error", markup=False)

    def _confirmed_take_over(self, yes: bool | None) -> None:
        if yes:
            run_store_call(self, sv.take, self.ticket_id, force=True, done=self._taken)

    def _taken(self, lock: LockInfo) -> None:
        self.lock_token = lock.token
        if self.query("ReplyPane"):
            self.query_one("#reply-body").focus()
        else:
            self._reply_gets_cursor = True  # as soon as the reply pane is mounted
        self.load()

    def action_unlock(self) -> None:
        run_store_call(self, sv.unlock, self.ticket_id, done=lambda _: self.load())

    # --- leaving ------------------------------------------------------------------------
    def action_cancel(self) -> None:
        """Leaves the form; sends nothing; the ticket stays open and locked; the draft is kept."""
        self._flush_draft()
        self.app.pop_screen()
