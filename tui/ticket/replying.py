"""The ticket form's reply pane at work, once the ticket is yours: drafts saved as you type,
Send and Ok, Save parameters, quoting, predefined replies, the editor, additional fields.

A part of TicketScreen (tui/ticket/screen.py), kept apart because it is the half of the form
that writes; it uses the screen's ticket_id, detail, lock_token, mine, load() and _drafts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Input, Select

from store import service as sv
from store.errors import StoreError
from store.safe_text import printable
from store.service.variables import Expansion, unfilled

from tui import modals
from tui.runtime.draft_spool import next_version, save_draft
from tui.runtime.safe import text
from tui.runtime.working import run_store_call
from tui.widgets.thread import Thread

if TYPE_CHECKING:
    from store.views import MacroView
    from tui.ticket.reply_pane import ReplyPane


class Replying:
    _macro: MacroView | None = None  # chosen with F9: its actions go with the next Send or Ok
    _unfilled: tuple = ()  # variables with no value here, inserted in braces: Send refuses them

    @property
    def _pane(self) -> ReplyPane:
        return self.query_one("ReplyPane")  # type: ignore[return-value]

    def on_text_area_changed(self, event) -> None:  # (TextArea.Changed: not imported to read)
        if event.text_area.id in ("reply-body", "internal"):
            self._schedule_draft()

    def _schedule_draft(self) -> None:
        if not self.mine:
            return
        self._drafts.changed()

    def _save_draft(self) -> None:
        panes = self.query("ReplyPane")
        if not panes:
            return
        pane = panes.first()
        run_store_call(self, save_draft, self.ticket_id, pane.body, pane.internal, next_version(), group="draft",
                       done=self._draft_saved, refused=self._draft_refused)

    def _draft_saved(self, kept_locally: bool) -> None:
        self._draft_waiting = kept_locally  # saved again once the database is back

    def _draft_refused(self, error: StoreError) -> None:
        self.app.notify(f"The draft was not saved: {error}", severity="error", markup=False)

    def _flush_draft(self) -> None:
        self._drafts.flush()

    def action_send(self, close: bool = False) -> None:
        from tui.runtime.files import with_files  # (sending reads files: reading a ticket, none)

        pane, fields = self._pane, self._fields()
        if fields is None:
            return
        left = unfilled(fields.body, self._unfilled)
        if left:  # never sent as braces: the agent edits them away first
            pane.show_error(f"Fill in or remove {', '.join(left)} before sending: there is no "
                            "value for it on this ticket.")
            return
        self._drafts.cancel()
        pane.show_error(None)
        if self._macro is None:
            call, args, extra = sv.reply, (self.ticket_id, fields.body), {}
        else:  # the reviewed text, then the macro's actions, in one transaction
            call, args, extra = sv.apply_macro, (self.ticket_id, self._macro.id, fields.body), {"reviewed": True}
        run_store_call(
            self, with_files(call), *args, **extra, internal=fields.internal,
            close=close, attach=fields.attach, charge=fields.charge, incidents=fields.incidents,
            top=fields.top if fields.top != self.detail.placed_first else None,
            priority=fields.priority if fields.priority not in (None, self.detail.priority) else None,
            token=self.lock_token, done=self._sent, refused=lambda e: pane.show_error(str(e)),
        )

    def action_ok(self) -> None:
        self.action_send(close=True)

    def _sent(self, result: sv.ReplyResult) -> None:
        self._macro, self._unfilled = None, ()
        done = getattr(result, "done", None)  # a macro's (sv.MacroResult)
        if done:
            self.app.notify(printable(f"Macro {done}.", one_line=True), markup=False)
        held = " (held: u or Ctrl+Z undoes it)" if getattr(result, "held_until", None) else ""
        self.app.held.ask()  # the countdown, at once
        if result.closed:
            self.app.notify(f"Ticket #{self.ticket_id}: sent and closed{held}.")
            self.app.pop_screen()
            return
        self._pane.clear()
        self.app.notify(f"Ticket #{self.ticket_id}: sent{held}.")
        self.load()

    def take_back_reply(self, undone) -> bool:
        """Undo send brought a reply of this ticket back (tui/ticket/undo_send.py): into the
        reply pane, before whatever was typed since. False: another ticket's."""
        if undone.ticket_id != self.ticket_id:
            return False
        panes = self.query("ReplyPane")
        if panes:
            pane = panes.first()
            join = lambda *texts: "\n\n".join(t for t in texts if t)  # noqa: E731
            pane.restore(join(undone.body, pane.body), join(undone.internal_comment, pane.internal))
            self._schedule_draft()
        self.load()  # the lock is yours again after an Ok: the pane comes with the draft
        return True

    def _fields(self):
        """The reply pane's fields, or None when one is wrong (the pane then says which)."""
        from tui.ticket.reply_pane import FieldError  # (loaded with the pane)

        try:
            return self._pane.fields()
        except FieldError as error:
            self._pane.show_error(str(error))
            return None

    def action_save_parameters(self) -> None:
        subject: str | None = self.query_one("#subject", Input).value
        if subject == self._shown_subject:
            subject = None  # untouched
        service = self.query_one("#service", Select).value
        service_id = None if service is Select.NULL else service
        pane, fields = self._pane, self._fields()
        if fields is None:
            return
        run_store_call(
            self, sv.save_parameters, self.ticket_id, subject=subject, service_id=service_id,
            priority=fields.priority, placed_first=fields.top, token=self.lock_token,
            done=self._saved, refused=lambda e: pane.show_error(str(e)),
        )

    def _saved(self, changed: list[str]) -> None:
        self.app.notify("Saved: " + ", ".join(changed) if changed else "Nothing changed.")
        self.load()

    def action_additional(self) -> None:
        self._pane.toggle_additional()

    def action_quote(self) -> None:
        self.app.push_screen(modals.QuotePicker(self.query_one(Thread).messages), self._quote)

    def _quote(self, body: str | None) -> None:
        if body:
            quoted = "\n".join("> " + line for line in body.splitlines()) + "\n\n"
            self._pane.insert(quoted)

    def action_predefined(self) -> None:
        run_store_call(self, lambda store, actor: sv.templates_for(store, actor),
                       done=lambda ts: self.app.push_screen(modals.TemplatePicker(ts), self._template))

    def _template(self, template_id: int | None) -> None:
        if template_id is not None:
            run_store_call(self, sv.expand_template, template_id, self.ticket_id,
                           done=self._insert_expanded)

    def _insert_expanded(self, shown: Expansion) -> None:
        """The text goes in; a variable with no value here stays in its braces, named in a
        notice, and Send is refused until the agent edits it away (action_send)."""
        self._pane.insert(shown.text)
        self._unfilled = (*self._unfilled, *shown.problems)
        if shown.problems:
            self._pane.show_error(shown.sentence())
            self.app.notify(printable(shown.sentence()), severity="warning", markup=False)

    def action_macro(self) -> None:
        chosen = self._macro.name if self._macro else None
        run_store_call(self, sv.macros_for, self.ticket_id, done=lambda found: self.app.push_screen(
            modals.MacroPicker(found, chosen=chosen), self._macro_chosen))

    def _macro_chosen(self, macro_id: int | None) -> None:
        if macro_id == 0:  # "No macro": the text as it is, without the actions
            self._macro = None
            self._pane.show_macro(None)
        elif macro_id is not None:
            run_store_call(self, sv.expand_macro, self.ticket_id, macro_id, done=self._macro_expanded)

    def _macro_expanded(self, chosen: tuple[MacroView, Expansion]) -> None:
        """The macro's text goes into the reply for review, its comment into the internal
        comment; its actions are shown, and applied with the reply when the agent sends."""
        macro, shown = chosen
        self._macro = macro
        self._insert_expanded(shown)
        if macro.comment:
            self._pane.add_internal(macro.comment)
            self._pane.query_one("#reply-body").focus()
        self._pane.show_macro(Text.assemble(("Macro ", "bold"), text(macro.name, "bold", one_line=True),
                                            ": on Send ", text(", ".join(macro.actions()), one_line=True)))

    def action_editor(self) -> None:
        from tui.runtime.editor import edit_in_editor

        body = self.query_one("#reply-body")
        new_text, problem = edit_in_editor(self.app, body.text)
        if problem:
            self.app.notify(problem, severity="error", markup=False)
        elif new_text is not None:
            body.load_text(new_text)
            self._schedule_draft()
