"""The reply pane, shown once the ticket is assigned to me: the reply, its fields and buttons."""

from __future__ import annotations

from collections.abc import Callable
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Collapsible, Input, Label, Select, Static, TextArea
from typing import NamedTuple

from store.status import PRIORITIES
from store.views import DraftView, TicketDetail

from tui.widgets.lazy_select import LazySelect


class ReplyFields(NamedTuple):
    body: str
    internal: str
    attach: str  # the Attach file field: its files are read where the reply is sent (a worker)
    charge: str | None
    incidents: int | None
    top: bool
    priority: int | None


class FieldError(ValueError):
    """A reply field the pane itself can tell is wrong (before asking the store)."""


INCIDENTS = "1"  # support incidents charged for a reply, unless the agent changes it


class AdditionalFields(Collapsible):
    """Collapsed until F8 or a click on its title: its fields (a TextArea, inputs, a checkbox)
    are made the first time it opens, so a reply pane costs its opening only what it shows.
    Until then the pane answers for them with the values they would start with."""

    def __init__(self, fields: Callable[[str], list[Widget]], *, title: str, id: str) -> None:
        super().__init__(title=title, collapsed=True, id=id)
        self._fields = fields
        self.made = False

    def make(self, internal: str = "") -> None:
        if not self.made:
            self.made = True
            self.query_one(Collapsible.Contents).mount_all(self._fields(internal))

    def _watch_collapsed(self, collapsed: bool) -> None:
        if not collapsed:
            self.make()
        super()._watch_collapsed(collapsed)


class ReplyPane(Vertical):
    def __init__(self, detail: TicketDetail, use_priority: bool, draft: DraftView | None = None,
                 *, focused: bool = False) -> None:
        super().__init__(id="reply-pane")
        self.detail = detail
        self.use_priority = use_priority
        self.draft = draft
        self._cursor_on_mount = focused  # the cursor in the reply once mounted (just taken)

    def on_mount(self) -> None:
        if self.draft is not None:
            self.restore(self.draft.body, self.draft.internal_comment)
        if self._cursor_on_mount:
            self.screen.set_focus(self.query_one("#reply-body", TextArea))

    def compose(self) -> ComposeResult:
        # The fields scroll when the additional ones make them taller than the room left;
        # the error line and the buttons below them stay in sight.
        with VerticalScroll(id="reply-fields", can_focus=False):
            with Horizontal(id="reply-tools"):
                if self.use_priority:
                    yield Label("Priority", classes="field-label")
                    yield LazySelect([(name, n) for n, name in PRIORITIES.items()], value=self.detail.priority,
                                     allow_blank=False, id="priority", compact=True)
                yield Button("Quote… F3", id="quote", compact=True)
                yield Button("Predefined reply… F5", id="predefined", compact=True)
                yield Button("$EDITOR F4", id="editor", compact=True)
            yield TextArea(id="reply-body", soft_wrap=True, show_line_numbers=False)
            yield AdditionalFields(self._additional_fields, title="Additional fields (F8)", id="extra")
        yield Static(id="reply-error")
        with Horizontal(id="reply-buttons"):
            yield Button("Ok ^O", id="ok", variant="success", compact=True)
            yield Button("Send reply ^S", id="send", variant="primary", compact=True)
            yield Button("Save parameters ^G", id="save_parameters", compact=True)
            yield Button("Cancel Esc", id="cancel", compact=True)

    def _additional_fields(self, internal: str = "") -> list[Widget]:
        # Named in the border: the placeholder is gone once the field holds a value.
        attach = Input(placeholder="a path; several: separate with ;", id="attach")
        attach.border_title = "Attach file"
        charge = Input(placeholder="amount, e.g. 12.50", id="charge")
        charge.border_title = "Charge client"
        row = [attach, charge]
        if self.detail.department_per_incident:
            incidents = Input(INCIDENTS, placeholder="count", id="incidents", type="integer")
            incidents.border_title = "Support incidents"
            row.append(incidents)
        return [
            Label("Internal comment (staff only)", classes="field-label internal-label"),
            TextArea(internal, id="internal", soft_wrap=True),
            Horizontal(*row, classes="extra-row"),
            Checkbox("Place at the beginning of the queue", value=self.detail.placed_first, id="top"),
        ]

    def _value(self, selector: str, unmade: str) -> str:
        """An additional field's value; unmade, the value it would start with."""
        if not self.query_one(AdditionalFields).made:
            return unmade
        field = self.query_one(selector)
        return field.text if isinstance(field, TextArea) else field.value

    def fields(self) -> ReplyFields:
        """What the pane holds, with the checks only the pane can make."""
        charge = self._value("#charge", "").strip() or None
        incidents = None
        if self.detail.department_per_incident:
            raw = self._value("#incidents", INCIDENTS).strip()
            try:
                incidents = int(raw) if raw else 0
            except ValueError:
                raise FieldError("Support incidents must be a whole number.") from None
        priority = self.query_one("#priority", Select).value if self.use_priority else None
        extra = self.query_one(AdditionalFields)
        return ReplyFields(
            body=self.query_one("#reply-body", TextArea).text,
            internal=self.internal,
            attach=self._value("#attach", ""), charge=charge, incidents=incidents,
            top=self.query_one("#top", Checkbox).value if extra.made else self.detail.placed_first,
            priority=priority if isinstance(priority, int) else None,
        )

    @property
    def body(self) -> str:
        return self.query_one("#reply-body", TextArea).text

    @property
    def internal(self) -> str:
        return self._value("#internal", "")

    def show_error(self, message: str | None) -> None:
        self.query_one("#reply-error", Static).update(Text(message or "", style="bold red"))

    def show_macro(self, line: Text | None) -> None:
        """The macro whose actions go with the next Send or Ok (None: no macro); its line is
        there only while a macro is chosen."""
        shown = self.query("#reply-macro")
        if line is None:
            shown.remove()
        elif shown:
            shown.first(Static).update(line)
        else:
            self.mount(Static(line, id="reply-macro"), before=self.query_one("#reply-error"))

    def restore(self, body: str, internal: str) -> None:
        self.query_one("#reply-body", TextArea).load_text(body)
        if internal:
            self.show_additional(internal)

    def clear(self) -> None:
        self.query_one("#reply-body", TextArea).load_text("")
        if self.query_one(AdditionalFields).made:
            self.query_one("#internal", TextArea).load_text("")
            for field in ("#attach", "#charge"):
                self.query_one(field, Input).value = ""
        self.show_error(None)
        self.show_macro(None)

    def show_additional(self, internal: str | None = None) -> TextArea:
        """Opens the additional fields (made now if they were not), the internal comment set
        to `internal` if given; returns the internal comment's field."""
        extra = self.query_one(AdditionalFields)
        extra.make(internal or "")
        field = self.query_one("#internal", TextArea)
        if internal is not None and field.text != internal:
            field.load_text(internal)
        extra.collapsed = False
        return field

    def toggle_additional(self) -> None:
        """F8: opens the additional fields with the cursor in the internal comment, or closes
        them."""
        extra = self.query_one(AdditionalFields)
        if extra.collapsed:
            self.show_additional().focus()
        else:
            extra.collapsed = True

    def add_internal(self, text: str) -> None:
        """Appends to the internal comment (a diagnosis, say), shown and focused."""
        before = self.internal.rstrip("\n")
        self.show_additional(f"{before}\n\n{text}" if before else text).focus()

    def insert(self, text: str) -> None:
        body = self.query_one("#reply-body", TextArea)
        body.insert(text)
        body.focus()
