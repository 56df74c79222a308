"""The ticket form's toolbar actions: Information, Summary, Assign, Delay, Abuse, Settings,
Messages, Favorite, Filter by client, Whois, Dig, Hide system messages, Merge into…, Save
attachments, Mail original. Each opens its dialog (tui/modals/) or makes one store call, then
reads the ticket again.

A part of TicketScreen (tui/ticket/screen.py); it uses the screen's ticket_id, detail,
lock_token, mine, load(), _domain and the reply pane's draft methods (tui/ticket/replying.py)."""

from __future__ import annotations

from store import service as sv

from tui import modals
from tui.runtime.working import run_store_call
from tui.widgets.thread import Thread
from tui.ticket.toolbar import Toolbar

# Two rows of buttons, as wide as their words.
TOOLBAR = [[("information", "Information", "i"), ("summary", "Summary", "s"), ("assign", "Assign", "a"),
            ("delay", "Delay", "d"), ("abuse", "Abuse", "b"), ("settings", "Settings", "o")],
           [("messages", "Messages", "m"), ("favorite", "Favorite", "f"),
            ("filter_client", "Filter by client", "l"), ("whois", "Whois", "W"), ("dig", "Dig", "D"),
            ("toggle_system", "Hide system messages", "h"), ("merge", "Merge into…", "M")]]
DOMAIN_ACTIONS = {"whois", "dig"}  # only for a ticket about a domain service
MERGE_ACTIONS = {"merge"}  # shown to whoever could merge: the lock's holder, an administrator


class ToolbarActions:
    def action_information(self) -> None:
        run_store_call(self, sv.client_card, self.ticket_id,
                       done=lambda card: self.app.push_screen(modals.InformationModal(self.ticket_id, card)))

    def action_summary(self) -> None:
        self.app.push_screen(modals.SummaryModal(self.ticket_id, self.detail.summary or ""),
                             lambda _: self.load())

    def action_assign(self) -> None:
        self.app.push_screen(modals.AssignModal(self.ticket_id), lambda _: self.load())

    def action_delay(self) -> None:
        self.app.push_screen(modals.DelayModal(self.ticket_id, self.detail.delayed_until),
                             lambda _: self.load())

    def action_abuse(self) -> None:
        self.app.push_screen(modals.AbuseModal(self.ticket_id), lambda _: self.load())

    def action_settings(self) -> None:
        self.app.push_screen(modals.SettingsModal(), self._settings_saved)

    def _settings_saved(self, values: dict | None) -> None:
        if values is None:
            return
        thread = self.query_one(Thread)
        if thread.has_class("hide-system") != bool(values["hide_system_messages"]):
            self.action_toggle_system()
        thread.remove_children()  # drawn again in the new time format and width
        self.load()

    def action_messages(self) -> None:
        self._with_whole_thread(lambda messages: self.app.push_screen(
            modals.MessagesModal(self.ticket_id, messages, self.lock_token, self.mine),
            self._messages_done))

    def _with_whole_thread(self, then) -> None:
        """The form holds the thread's tail; the Messages and Attachments lists need it all."""
        thread = self.query_one(Thread)
        if thread.hidden_earlier == 0:
            then(thread.messages)
            return
        run_store_call(self, lambda store, actor, tid: sv.peek(store, actor, tid).messages,
                       self.ticket_id, done=then)

    def _messages_done(self, new_ticket: int | None) -> None:
        if new_ticket:
            self.app.notify(f"Split into ticket #{new_ticket}.")
        self.load()

    def action_merge(self) -> None:
        self._flush_draft()
        self.app.push_screen(modals.MergeModal(self.detail), self._merged)

    def _merged(self, target: int | None) -> None:
        """After a merge the form shows the target (the stub would only point there)."""
        if target is None:
            return
        self.app.notify(f"Ticket #{self.ticket_id} was merged into #{target}.", markup=False)
        self.show_ticket(target)

    def action_attachments(self) -> None:
        self._with_whole_thread(lambda messages: self.app.push_screen(modals.AttachmentsModal(messages)))

    def action_mail_original(self) -> None:
        self._with_whole_thread(lambda messages: self.app.push_screen(modals.MailOriginalModal(messages)))

    def action_resend_mail(self) -> None:
        from store.mail.outbox import resend_failed_of  # SQLAlchemy's: not at the form's start

        run_store_call(self, resend_failed_of, self.ticket_id, done=self._resent)

    def _resent(self, count: int) -> None:
        self.app.notify(f"{count} failed mail{'s' if count != 1 else ''} of ticket "
                        f"#{self.ticket_id} queued again." if count else "No mail of this ticket failed.")
        self.load()

    def action_favorite(self) -> None:
        run_store_call(self, sv.set_favorite, self.ticket_id, not self.detail.favorite,
                       done=lambda _: self.load())

    def action_filter_client(self) -> None:
        self._flush_draft()
        self.app.back_to_queue(client_filter=self.detail.client_email)

    def action_whois(self) -> None:
        self._diagnose("whois")

    def action_dig(self) -> None:
        self._diagnose("dig")

    def _diagnose(self, kind: str) -> None:
        """Dig or Whois for the ticket's domain; once the ticket is mine, the answer can go into
        the internal comment (ctrl+n in the modal)."""
        config = self.app.config
        server, port = ((config.dns_server, config.dns_port) if kind == "dig"
                        else (config.whois_server, config.whois_port))
        self.app.push_screen(modals.DiagModal(self._domain, kind, server=server, port=port,
                                              can_insert=self.mine), self._diagnosed)

    def _diagnosed(self, answer: str | None) -> None:
        if answer is None or not self.query("ReplyPane"):
            return
        self._pane.add_internal(answer)
        self._schedule_draft()

    def action_toggle_system(self) -> None:
        thread = self.query_one(Thread)
        thread.set_class(not thread.has_class("hide-system"), "hide-system")
        hidden = thread.has_class("hide-system")
        self.query_one(Toolbar).set_title(
            "toggle_system", "Show system messages" if hidden else "Hide system messages")
