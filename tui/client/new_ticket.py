"""Opening a ticket: department, service, subject, message, priority (when allowed), files."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from store import service as sv
from store import settings as global_settings
from store.status import PRIORITIES

from tui.runtime.files import with_files
from tui.runtime.safe import service_label, text
from tui.runtime.working import run_store_call


class NewTicketScreen(ModalScreen[int | None]):
    BINDINGS = [Binding("ctrl+s", "create", "Open ticket", id="new.create"),
                Binding("escape", "cancel", "Cancel", id="new.cancel")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="modal-box wide"):
            yield Static("New ticket", classes="modal-title")
            yield Label("Department", classes="field-label")
            yield Select([], prompt="Choose a department", id="department")
            yield Label("Service (optional)", classes="field-label")
            yield Select([], prompt="No service", id="service")
            yield Label("Subject", classes="field-label")
            yield Input(id="subject", max_length=200)
            yield Label("Message", classes="field-label")
            yield TextArea(id="body", soft_wrap=True)
            yield Label("Priority", classes="field-label", id="priority-label")
            yield Select([(name, n) for n, name in PRIORITIES.items()], value=2, allow_blank=False,
                         id="priority")
            yield Input(placeholder="Attach file: a path (several: separate with ;)", id="attach")
            yield Static(id="modal-error")
            with Horizontal(classes="modal-buttons"):
                yield Button("Open ticket ^S", id="create", variant="primary")
                yield Button("Cancel Esc", id="cancel")

    def on_mount(self) -> None:
        def fetch(store, actor):
            with store.read() as s:
                opts = global_settings.get_all(s)
            return sv.departments(store), sv.my_services(store, actor), opts

        run_store_call(self, fetch, done=self._fill)

    def _fill(self, result) -> None:
        departments, services, opts = result
        self.query_one("#department", Select).set_options([(text(d, one_line=True), d) for d in departments])
        self.query_one("#service", Select).set_options(
            [(service_label(name, domain), sid) for sid, name, _kind, domain in services])
        may_prioritise = opts["use_priority"] and not opts["staff_sets_priority"]
        self.query_one("#priority", Select).display = may_prioritise
        self.query_one("#priority-label", Label).display = may_prioritise
        self.query_one("#department", Select).focus()

    def _error(self, message: str | None) -> None:
        self.query_one("#modal-error", Static).update(text(message or "", "bold red"))

    def action_create(self) -> None:
        department = self.query_one("#department", Select).value
        if department is Select.NULL:
            self._error("Choose a department.")
            return
        service = self.query_one("#service", Select).value
        priority_box = self.query_one("#priority", Select)
        self._error(None)
        run_store_call(
            self, with_files(sv.open_ticket), str(department), self.query_one("#subject", Input).value,
            self.query_one("#body", TextArea).text,
            service_id=None if service is Select.NULL else service,
            priority=priority_box.value if priority_box.display else None,
            attach=self.query_one("#attach", Input).value, done=self.dismiss,
            refused=lambda e: self._error(str(e)),
        )

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        getattr(self, f"action_{event.button.id}")()
