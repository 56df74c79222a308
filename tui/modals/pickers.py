"""Small choosers: the take-over confirmation, a message to quote, a predefined reply, a macro."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from store.views import MacroView, MessageView, TemplateView

from tui.runtime.safe import text
from tui.widgets.thread import LABELS, when
from tui.modals.base import Modal, error_line


class ConfirmTakeOver(Modal):
    """Asks before taking another staff member's lock."""

    BINDINGS = [Binding("y", "answer(True)", "Take over", id="takeover.yes"),
                Binding("n", "answer(False)", "Keep", id="takeover.no")]

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static("Take over this ticket?", classes="modal-title")
            yield Static(text(self.reason))
            yield Static("A system message will record the take-over.", classes="hint")
            yield error_line()
            with Horizontal(classes="modal-buttons"):
                yield Button("Take over (y)", id="yes", variant="warning")
                yield Button("Keep it (n)", id="no")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class QuotePicker(Modal):
    """Choose a message; its text is quoted into the reply."""

    def __init__(self, messages: tuple[MessageView, ...]) -> None:
        super().__init__()
        self.messages = [m for m in messages if m.kind in ("client", "staff", "internal")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static("Quote a message", classes="modal-title")
            yield OptionList(*[
                Option(Text.assemble((f"#{m.id} {LABELS[m.kind]} · {when(m.created_at)}\n", "bold"),
                                     text(m.body[:300])), id=str(m.id))
                for m in reversed(self.messages)
            ], id="quote-list")
            yield error_line()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        chosen = next(m for m in self.messages if str(m.id) == event.option.id)
        self.dismiss(chosen.body)


class TemplatePicker(Modal):
    """Predefined replies, narrowed as you type (autocomplete)."""

    TITLE = "Predefined reply"
    NONE_YET = "There are no predefined replies yet (ticket-tui reply-template add)."
    NO_MATCH = "No predefined reply matches."

    def __init__(self, templates: list) -> None:
        super().__init__()
        self.templates = templates

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static(self.TITLE, classes="modal-title")
            yield Input(placeholder="Type to filter; ↓ to choose, Enter to insert", id="template-filter")
            yield OptionList(id="template-list")
            yield error_line()

    def on_mount(self) -> None:
        self._fill("")

    def _label(self, t: TemplateView) -> Text:
        return Text.assemble(text(t.title, "bold", one_line=True), (f"  ({t.scope})\n", "dim"),
                             text(t.body[:200]))

    def _words(self, t: TemplateView) -> str:
        return f"{t.title}\n{t.body}".lower()

    def _fill(self, needle: str) -> None:
        options = self.query_one("#template-list", OptionList)
        options.clear_options()
        needle = needle.lower()
        for t in self.templates:
            if needle in self._words(t):
                options.add_option(Option(self._label(t), id=str(t.id)))
        if options.option_count:
            options.highlighted = 0
        else:
            self.show_error(self.NO_MATCH if self.templates else self.NONE_YET)

    @on(Input.Changed, "#template-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.show_error(None)
        self._fill(event.value)

    @on(Input.Submitted, "#template-filter")
    def _take_first(self) -> None:
        options = self.query_one("#template-list", OptionList)
        if options.highlighted is not None:
            self.dismiss(int(options.get_option_at_index(options.highlighted).id))

    def key_down(self) -> None:
        self.query_one("#template-list", OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id))


class MacroPicker(TemplatePicker):
    """Macros offered on this ticket: a predefined reply plus actions, shown with each; the
    reply goes into the pane for review, the actions are applied when the agent sends."""

    TITLE = "Apply macro"
    NONE_YET = "There are no macros for you on this ticket (ticket-tui macro add)."
    NO_MATCH = "No macro matches."
    FORGET = 0  # the id chosen by "No macro": the text stays, the actions are forgotten

    def __init__(self, macros: list, *, chosen: str | None = None) -> None:
        super().__init__(macros)
        self.chosen = chosen  # the macro whose actions wait for Send, if any

    def _fill(self, needle: str) -> None:
        super()._fill(needle)
        if self.chosen is not None and needle.lower() in "no macro":
            options = self.query_one("#template-list", OptionList)
            options.add_option(Option(Text.assemble(
                ("No macro", "bold"), "\n", ("keep the text; forget the actions of ", "italic"),
                text(self.chosen, one_line=True)), id=str(self.FORGET)))
            self.show_error(None)
            if options.highlighted is None:
                options.highlighted = 0

    def _label(self, m: MacroView) -> Text:
        return Text.assemble(text(m.name, "bold", one_line=True), (f"  ({m.scope})\n", "dim"),
                             ("then: ", "italic"), text(", ".join(m.actions()), one_line=True),
                             "\n", text(m.body[:160]))

    def _words(self, m: MacroView) -> str:
        return f"{m.name}\n{m.template}\n{m.body}".lower()
