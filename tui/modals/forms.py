"""Toolbar modals: Information, Summary, Assign, Delay, Abuse, Settings."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Select, Static, Switch, TextArea

from store import validate
from store.service.staff_settings import DENSITIES, TIME_FORMATS
from store import service as sv
from store.clock import utcnow
from store.views import ClientCard

from tui.runtime.safe import text
from tui.runtime.display import SAMPLE
from tui.widgets.thread import when
from tui.modals.base import Modal, error_line


def buttons(ok: str) -> Horizontal:
    return Horizontal(Button(f"{ok} ^S", id="ok", variant="primary"), Button("Cancel Esc", id="cancel"),
                      classes="modal-buttons")


class FormModal(Modal):
    """A form with an OK button (also ctrl+s) and Cancel; subclasses implement submit()."""

    BINDINGS = [("ctrl+s", "submit", "OK")]

    @on(Button.Pressed, "#ok")
    def action_submit(self) -> None:
        self.submit()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    def submit(self) -> None:
        raise NotImplementedError


class InformationModal(FormModal):
    """The client: email, registration date, balance, services, and the internal comment."""

    def __init__(self, ticket_id: int, card: ClientCard) -> None:
        super().__init__()
        self.ticket_id, self.card = ticket_id, card

    def compose(self) -> ComposeResult:
        c = self.card
        facts = Text.assemble(
            ("Client  ", "bold"), text(c.name, one_line=True), f"  <{c.email}>\n",
            ("Registered  ", "bold"), when(c.registered_at), "\n",
            ("Balance  ", "bold"), f"{c.balance_cents / 100:.2f}", "    ",
            ("Support incidents left  ", "bold"), str(c.incidents_left), "\n",
            ("Services", "bold"),
        )
        for s in c.services:
            facts.append("\n  • ")
            facts.append_text(text(s.name, one_line=True))
            facts.append(f"  ({s.kind}{', ' + s.domain if s.domain else ''})", style="dim")
        if not c.services:
            facts.append("\n  none", style="dim")
        with Vertical(classes="modal-box"):
            yield Static("Information", classes="modal-title")
            yield Static(facts)
            yield Label("Internal comment (staff only)", classes="field-label internal-label")
            yield TextArea(c.internal_comment, id="comment")
            yield error_line()
            yield buttons("Save comment")

    def submit(self) -> None:
        comment = self.query_one("#comment", TextArea).text
        self.call(sv.set_client_comment, self.ticket_id, comment, done=lambda _: self.dismiss(True))


class SummaryModal(FormModal):
    def __init__(self, ticket_id: int, summary: str) -> None:
        super().__init__()
        self.ticket_id, self.summary = ticket_id, summary

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static("Summary", classes="modal-title")
            yield Static("A short note on this ticket, for staff only.", classes="hint")
            yield TextArea(self.summary, id="summary")
            yield error_line()
            yield buttons("Save")

    def submit(self) -> None:
        self.call(sv.set_summary, self.ticket_id, self.query_one("#summary", TextArea).text,
                  done=lambda _: self.dismiss(True))


class AssignModal(FormModal):
    """Redirect to a department or a staff member."""

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static("Assign", classes="modal-title")
            yield Static("The ticket stays open for you too: you can go on replying.", classes="hint")
            with RadioSet(id="target-kind"):
                yield RadioButton("Department", value=True, id="to-department")
                yield RadioButton("Staff member", id="to-staff")
            yield Select([], prompt="Choose a department", id="department")
            yield Select([], prompt="Choose a staff member", id="staff")
            yield error_line()
            yield buttons("Assign")

    def on_mount(self) -> None:
        self.query_one("#staff", Select).display = False
        self.call(_assignees, done=self._fill)

    def _fill(self, lists) -> None:
        departments, staff = lists
        self.query_one("#department", Select).set_options([(text(d.name, one_line=True), d.name) for d in departments])
        self.query_one("#staff", Select).set_options(
            [(text(f"{s.name} ({s.login})", one_line=True), s.login) for s in staff])

    @on(RadioSet.Changed)
    def _kind(self, event: RadioSet.Changed) -> None:
        to_staff = event.pressed.id == "to-staff"
        self.query_one("#staff", Select).display = to_staff
        self.query_one("#department", Select).display = not to_staff

    def submit(self) -> None:
        target = self.target()
        if target is not None:
            self.call(sv.assign, self.ticket_id, done=self.dismiss, **target)

    def target(self) -> dict | None:
        """{"department": name} or {"staff": login}; None (and why, inline) if none is chosen."""
        to_staff = self.query_one("#to-staff", RadioButton).value
        choice = self.query_one("#staff" if to_staff else "#department", Select).value
        if choice is Select.NULL:
            self.show_error("Choose a staff member." if to_staff else "Choose a department.")
            return None
        return {"staff": choice} if to_staff else {"department": choice}


class DelayModal(FormModal):
    def __init__(self, ticket_id: int, current: datetime | None) -> None:
        super().__init__()
        self.ticket_id, self.current = ticket_id, current

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static("Delay", classes="modal-title")
            yield Static("Hidden from the queue until this date; back earlier if the client writes.",
                         classes="hint")
            if self.current:
                yield Static(f"Delayed now until {when(self.current)}.")
            yield Input(placeholder="2026-12-31, 2026-12-31T09:00 (UTC), or 3d, 12h, 2w", id="until")
            yield error_line()
            with Horizontal(classes="modal-buttons"):
                yield Button("Delay ^S", id="ok", variant="primary")
                if self.current:
                    yield Button("End the delay", id="end")
                yield Button("Cancel Esc", id="cancel")

    @on(Input.Submitted, "#until")
    def _enter(self) -> None:
        self.submit()

    def submit(self) -> None:
        until = self.until()
        if until is not None:
            self.call(sv.delay, self.ticket_id, until, done=lambda _: self.dismiss(True))

    def until(self) -> datetime | None:
        """The date typed; None (and why, inline) if it is not one."""
        try:
            return validate.moment(self.query_one("#until", Input).value, utcnow())
        except Exception as error:  # BadInput: shown inline, nothing sent
            self.show_error(str(error))
            return None

    @on(Button.Pressed, "#end")
    def _end(self) -> None:
        self.call(sv.delay, self.ticket_id, None, done=lambda _: self.dismiss(True))


class AbuseModal(FormModal):
    KINDS = ["spam", "phishing", "malware", "copyright", "fraud", "other"]

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static("Abuse", classes="modal-title")
            yield Static("Registers an abuse case linked to this ticket, its client and service.",
                         classes="hint")
            yield Select([(k, k) for k in self.KINDS], value="spam", allow_blank=False, id="kind")
            yield TextArea(id="description")
            yield error_line()
            yield buttons("Register")

    def submit(self) -> None:
        kind = self.query_one("#kind", Select).value
        self.call(sv.register_abuse, self.ticket_id, str(kind), self.query_one("#description", TextArea).text,
                  done=self.dismiss)


class SettingsModal(FormModal):
    """This staff member's display settings, saved in the store so they follow them."""

    def compose(self) -> ComposeResult:
        current = self.app.staff_settings
        with Vertical(classes="modal-box"):
            yield Static("Settings", classes="modal-title")
            yield Static("Saved for you in the help desk: they follow you to any machine.", classes="hint")
            # One line per setting, label beside field: the whole form fits a 24-line terminal.
            with Grid(id="settings-grid"):
                yield Label("Theme")
                yield Select([(name, name) for name in sorted(self.app.available_themes)],
                             value=self.app.theme, allow_blank=False, id="theme", compact=True)
                yield Label("Density")
                yield Select([(d, d) for d in DENSITIES], value=current["density"], allow_blank=False,
                             id="density", compact=True)
                yield Label("Reading width")
                yield Input(str(current["reading_width"]), id="reading-width", type="integer",
                            compact=True, placeholder="columns; 0 uses the whole width")
                yield Label("Time format")
                yield Select([(SAMPLE.strftime(f), f) for f in TIME_FORMATS], value=current["time_format"],
                             allow_blank=False, id="time-format", compact=True)
                yield Label("Hide system messages")
                yield Checkbox("hide them", value=bool(current["hide_system_messages"]), id="hide-system",
                               compact=True)
            yield Static("Reading width is in columns (0: the whole width). The terminal owns the font "
                         "and its size; density changes the spacing between messages instead.",
                         classes="hint")
            yield error_line()
            yield buttons("Save")

    @on(Select.Changed, "#theme")
    def _preview(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.app.theme = event.value

    def on_mount(self) -> None:
        self._theme_before = self.app.theme

    def action_dismiss_none(self) -> None:
        self.app.theme = self._theme_before  # undo the preview
        self.dismiss(None)

    def submit(self) -> None:
        raw_width = self.query_one("#reading-width", Input).value.strip() or "0"
        try:
            width = int(raw_width)
        except ValueError:
            self.show_error("The reading width is a whole number of columns.")
            return
        changes = {
            "theme": str(self.query_one("#theme", Select).value),
            "density": str(self.query_one("#density", Select).value),
            "reading_width": width,
            "time_format": str(self.query_one("#time-format", Select).value),
            "hide_system_messages": self.query_one("#hide-system", Checkbox).value,
        }
        self.call(sv.save_my_settings, changes, done=self._saved)

    def _saved(self, values: dict) -> None:
        self.app.apply_staff_settings(values)
        self.dismiss(values)


def _assignees(store, actor) -> tuple:
    """The departments and staff a ticket can go to (the administration module, and SQLAlchemy
    with it, loaded when first asked for in the worker thread, not with the app)."""
    from store import admin

    return admin.list_departments(store), admin.list_staff(store)
