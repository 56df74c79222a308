"""The bulk actions' menu and the few details some ask for (issue 20): it gives back the
BulkAction to run on the marked tickets; nothing is written here.

Assign and Delay are the ticket form's own dialogs, asked for their answer instead of applying
it to one ticket; the reply's text and predefined reply go to the store as its bulk reply takes
them (store/service/bulk_records.py), which checks them before any ticket is touched."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from store import service as sv
from store.errors import BadInput
from store.status import DEFAULT_PRIORITY, PRIORITIES

from tui.runtime.safe import text
from tui.modals.base import Modal, error_line
from tui.modals.forms import AssignModal, DelayModal, FormModal, buttons

# (action, what the menu says); each has a key (BulkMenu.BINDINGS, which a keymap may change)
# that chooses it at once.
ITEMS = [
    ("assign", "Assign… (a department or a staff member)"),
    ("close", "Close"),
    ("delay", "Delay until…"),
    ("priority", "Set priority…"),
    ("favorite", "Add to favorites"),
    ("unfavorite", "Remove from favorites"),
    ("take", "Take (Assign ticket to me)"),
    ("reply", "Answer with one reply…"),
]


class BulkMenu(Modal):
    """What to do with the marked tickets; a letter or Enter chooses."""

    BINDINGS = [
        Binding("a", "choose('assign')", "Assign", show=False, id="bulk.assign"),
        Binding("c", "choose('close')", "Close", show=False, id="bulk.close"),
        Binding("d", "choose('delay')", "Delay until", show=False, id="bulk.delay"),
        Binding("p", "choose('priority')", "Set priority", show=False, id="bulk.priority"),
        Binding("f", "choose('favorite')", "Add to favorites", show=False, id="bulk.favorite"),
        Binding("u", "choose('unfavorite')", "Remove from favorites", show=False, id="bulk.unfavorite"),
        Binding("t", "choose('take')", "Take", show=False, id="bulk.take"),
        Binding("r", "choose('reply')", "Answer with one reply", show=False, id="bulk.reply"),
    ]

    def __init__(self, marked: str) -> None:
        super().__init__()
        self.marked = marked

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static(Text(f"Bulk action: {self.marked}"), classes="modal-title")
            yield Static("Each ticket is its own transaction under the usual rules; tickets locked "
                         "by others or not visible are skipped and named after.", classes="hint")
            yield OptionList(id="bulk-actions")
            yield error_line()

    def on_mount(self) -> None:
        # Each action with its key as the keymap left it.
        keys: dict[str, str] = {}
        for active in self.active_bindings.values():
            if active.binding.id:
                keys.setdefault(active.binding.id, self.app.get_key_display(active.binding))
        options = self.query_one(OptionList)
        options.add_options([
            Option(Text.assemble((f" {keys.get('bulk.' + name, ' ')} ", "bold"), " ", words), id=name)
            for name, words in ITEMS])
        options.highlighted = 0

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_choose(event.option.id)

    def action_choose(self, name: str) -> None:
        details = {"assign": BulkAssignModal, "delay": BulkDelayModal,
                   "priority": BulkPriorityModal, "reply": BulkReplyModal}.get(name)
        if details is None:
            self.dismiss(sv.BulkAction(name))
        else:
            self.app.push_screen(details(), self._detailed)

    def _detailed(self, action: sv.BulkAction | None) -> None:
        if action is not None:
            self.dismiss(action)


class BulkAssignModal(AssignModal):
    def __init__(self) -> None:
        super().__init__(ticket_id=0)  # no ticket: the answer goes back to the menu

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(".hint", Static).update("Each marked ticket goes there.")

    def submit(self) -> None:
        target = self.target()
        if target is not None:
            self.dismiss(sv.BulkAction("assign", **target))


class BulkDelayModal(DelayModal):
    def __init__(self) -> None:
        super().__init__(ticket_id=0, current=None)

    def submit(self) -> None:
        until = self.until()
        if until is not None:
            self.dismiss(sv.BulkAction("delay", until=until))


class BulkPriorityModal(FormModal):
    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static("Set priority", classes="modal-title")
            yield Select([(name, name) for name in PRIORITIES.values()],
                         value=PRIORITIES[DEFAULT_PRIORITY], allow_blank=False, id="priority")
            yield error_line()
            yield buttons("Set")

    def submit(self) -> None:
        self.dismiss(sv.BulkAction("priority", priority=str(self.query_one("#priority", Select).value)))


class BulkReplyModal(FormModal):
    """One reply to every marked ticket: a text, a predefined reply or a macro (its text comes
    first; a macro's actions follow on each ticket), or both. As in the reply pane: Send reply
    (Ctrl+S) keeps each ticket assigned to you, Ok (Ctrl+O) closes each after answering it and
    lets it go."""

    BINDINGS = [Binding("ctrl+o", "ok", "Ok", id="bulk.reply_ok")]
    DEFAULT_CSS = "#bulk-body { height: 8; }"

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static("Answer with one reply", classes="modal-title")
            yield Static("Each ticket nobody holds is taken first; the reply is sent to each client.",
                         classes="hint")
            yield Select([], prompt="No predefined reply", id="template")
            yield Select([], prompt="No macro", id="macro")
            yield Label("Reply", classes="field-label")
            yield TextArea(id="bulk-body")
            yield error_line()
            yield Horizontal(Button("Send reply ^S", id="ok"), Button("Ok ^O", id="bulk-ok", variant="primary"),
                             Button("Cancel Esc", id="cancel"), classes="modal-buttons")

    def on_mount(self) -> None:
        self.call(lambda store, actor: (sv.templates_for(store, actor), sv.macros_for(store, actor)),
                  done=self._fill)
        self.query_one("#bulk-body", TextArea).focus()

    def _fill(self, found) -> None:
        templates, macros = found
        titles = dict.fromkeys(t.title for t in templates)  # the store picks the narrowest scope
        self.query_one("#template", Select).set_options([(text(t, one_line=True), t) for t in titles])
        self.query_one("#macro", Select).set_options(
            [(text(m.name, one_line=True), m.name) for m in macros])

    @on(Button.Pressed, "#bulk-ok")
    def action_ok(self) -> None:
        self.submit(close=True)

    def submit(self, close: bool = False) -> None:
        chosen = self.query_one("#template", Select).value
        macro = self.query_one("#macro", Select).value
        action = sv.BulkAction("reply", body=self.query_one("#bulk-body", TextArea).text,
                               template=None if chosen is Select.NULL else str(chosen), close=close,
                               macro=None if macro is Select.NULL else str(macro))
        try:
            self.dismiss(action.checked())
        except BadInput as error:
            self.show_error(str(error))
