"""The reply pane, shown once the ticket is assigned to me: the reply, its fields and buttons."""

from __future__ import annotations

from dataclasses import dataclass
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Collapsible, Input, Label, Select, Static, TextArea

from store.status import PRIORITIES
from store.views import DraftView, NewAttachment, TicketDetail

from .files import MissingFile, read_files


@dataclass(frozen=True)
class ReplyFields:
    body: str
    internal: str
    files: list[NewAttachment]
    charge: str | None
    incidents: int | None
    top: bool
    priority: int | None


class FieldError(ValueError):
    """A reply field the pane itself can tell is wrong (before asking the store)."""


class ReplyPane(Vertical):
    def __init__(self, detail: TicketDetail, use_priority: bool, draft: DraftView | None = None) -> None:
        super().__init__(id="reply-pane")
        self.detail = detail
        self.use_priority = use_priority
        self.draft = draft

    def on_mount(self) -> None:
        if self.draft is not None:
            self.restore(self.draft.body, self.draft.internal_comment)

    def compose(self) -> ComposeResult:
        # The fields scroll when the additional ones make them taller than the room left;
        # the error line and the buttons below them stay in sight.
        with VerticalScroll(id="reply-fields", can_focus=False):
            with Horizontal(id="reply-tools"):
                if self.use_priority:
                    yield Label("Priority", classes="field-label")
                    yield Select([(name, n) for n, name in PRIORITIES.items()], value=self.detail.priority,
                                 allow_blank=False, id="priority", compact=True)
                yield Button("Quote… F3", id="quote", compact=True)
                yield Button("Predefined reply… F5", id="predefined", compact=True)
                yield Button("$EDITOR F4", id="editor", compact=True)
            yield TextArea(id="reply-body", soft_wrap=True, show_line_numbers=False)
            with Collapsible(title="Additional fields (F8)", collapsed=True, id="extra"):
                yield Label("Internal comment (staff only)", classes="field-label internal-label")
                yield TextArea(id="internal", soft_wrap=True)
                with Horizontal(classes="extra-row"):
                    # Named in the border: the placeholder is gone once the field holds a value.
                    attach = Input(placeholder="a path; several: separate with ;", id="attach")
                    attach.border_title = "Attach file"
                    yield attach
                    charge = Input(placeholder="amount, e.g. 12.50", id="charge")
                    charge.border_title = "Charge client"
                    yield charge
                    if self.detail.department_per_incident:
                        incidents = Input("1", placeholder="count", id="incidents", type="integer")
                        incidents.border_title = "Support incidents"
                        yield incidents
                yield Checkbox("Place at the beginning of the queue", value=self.detail.placed_first, id="top")
        yield Static(id="reply-error")
        with Horizontal(id="reply-buttons"):
            yield Button("Ok ^O", id="ok", variant="success", compact=True)
            yield Button("Send reply ^S", id="send", variant="primary", compact=True)
            yield Button("Save parameters ^G", id="save_parameters", compact=True)
            yield Button("Cancel Esc", id="cancel", compact=True)

    def fields(self) -> ReplyFields:
        """What the pane holds, with the checks only the pane can make (files exist)."""
        try:
            files = read_files(self.query_one("#attach", Input).value)
        except MissingFile as error:
            raise FieldError(str(error)) from None
        charge = self.query_one("#charge", Input).value.strip() or None
        incidents = None
        if self.detail.department_per_incident:
            raw = self.query_one("#incidents", Input).value.strip()
            try:
                incidents = int(raw) if raw else 0
            except ValueError:
                raise FieldError("Support incidents must be a whole number.") from None
        priority = self.query_one("#priority", Select).value if self.use_priority else None
        return ReplyFields(
            body=self.query_one("#reply-body", TextArea).text,
            internal=self.query_one("#internal", TextArea).text,
            files=files, charge=charge, incidents=incidents,
            top=self.query_one("#top", Checkbox).value,
            priority=priority if isinstance(priority, int) else None,
        )

    def show_error(self, message: str | None) -> None:
        self.query_one("#reply-error", Static).update(Text(message or "", style="bold red"))

    def restore(self, body: str, internal: str) -> None:
        self.query_one("#reply-body", TextArea).load_text(body)
        if internal:
            self.query_one("#internal", TextArea).load_text(internal)
            self.query_one("#extra", Collapsible).collapsed = False

    def clear(self) -> None:
        self.query_one("#reply-body", TextArea).load_text("")
        self.query_one("#internal", TextArea).load_text("")
        for field in ("#attach", "#charge"):
            self.query_one(field, Input).value = ""
        self.show_error(None)

    def add_internal(self, text: str) -> None:
        """Appends to the internal comment (a diagnosis, say), shown and focused."""
        self.query_one("#extra", Collapsible).collapsed = False
        internal = self.query_one("#internal", TextArea)
        before = internal.text.rstrip("\n")
        internal.load_text(f"{before}\n\n{text}" if before else text)
        internal.focus()

    def insert(self, text: str) -> None:
        body = self.query_one("#reply-body", TextArea)
        body.insert(text)
        body.focus()
