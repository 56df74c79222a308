"""The Rules screen's dialogs: a new rule's form (every option of `ticket-tui rule add`), and
the confirmation before one is removed. The store checks everything and its sentence is shown
under the fields, as typed (plain text)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from store.models import SERVICE_KINDS
from store.rules.manage import add_rule, remove_rule
from store.rules.views import RuleView
from store.status import PRIORITIES

from tui.modals.base import Modal, error_line
from tui.modals.forms import FormModal, buttons
from tui.runtime.safe import text

INPUTS = (  # (id, label, placeholder)
    ("words", "Words (any of)", "ssl, certificate"),
    ("client", "Client's email", "john@example.com"),
    ("client-domain", "Client's domain", "example.com"),
    ("sender", "Sender pattern", "*@example.com"),
    ("balance-below", "Balance below", "0"),
    ("incidents-below", "Incidents left below", "1"),
    ("assign-staff", "Assign to staff (login)", ""),
    ("reply", "Answer with (predefined reply)", "its title"),
    ("comment", "Internal comment", ""),
    ("favorite", "Favorite of (login)", ""),
    ("policy", "Apply policy", "Billing/urgent"),
)
CHECKS = (("round-robin", "Round-robin"), ("top", "Place first"), ("stop", "Stop here"))


def _departments(store, actor) -> list[str]:
    from store import admin

    return [d.name for d in admin.list_departments(store)]


class RuleForm(FormModal):
    """Dismissed with the new rule's name."""

    DEFAULT_CSS = """
    RuleForm #rule-fields { height: auto; max-height: 26; }
    RuleForm Grid { grid-size: 4; grid-columns: 16 1fr 16 1fr; grid-rows: 3; height: auto; }
    RuleForm .field-label { padding: 1 1 0 0; }
    RuleForm Checkbox { width: auto; }
    """

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box wide"):
            yield Static("New response rule", classes="modal-title")
            with VerticalScroll(id="rule-fields"):
                with Grid():
                    yield Label("Name", classes="field-label")
                    yield Input(placeholder="what it is for", id="name")
                    yield Label("On", classes="field-label")
                    yield Select([("a new ticket", "new"), ("each client message", "client-message")],
                                 value="new", allow_blank=False, id="on")
                    yield Label("Department is", classes="field-label")
                    yield Select([], prompt="any", id="department")
                    yield Label("Service kind", classes="field-label")
                    yield Select([(k, k) for k in SERVICE_KINDS], prompt="any", id="service-kind")
                    yield Label("Business hours", classes="field-label")
                    yield Select([("inside", "inside"), ("outside", "outside")], prompt="any time",
                                 id="hours")
                    yield Label("Move to department", classes="field-label")
                    yield Select([], prompt="no", id="assign-department")
                    yield Label("Set priority", classes="field-label")
                    yield Select([(n, n) for n in PRIORITIES.values()], prompt="no", id="priority")
                    for key, label, hint in INPUTS:
                        yield Label(label, classes="field-label")
                        yield Input(placeholder=hint, id=key)
                with Horizontal(classes="rule-checks"):
                    for key, label in CHECKS:
                        yield Checkbox(label, id=key)
            yield error_line()
            yield buttons("Add rule")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()
        self.call(_departments, done=self._fill)

    def _fill(self, names: list[str]) -> None:
        options = [(text(n, one_line=True), n) for n in names]
        self.query_one("#department", Select).set_options(options)
        self.query_one("#assign-department", Select).set_options(options)

    def _value(self, key: str) -> str | None:
        return self.query_one(f"#{key}", Input).value.strip() or None

    def _choice(self, key: str) -> str | None:
        value = self.query_one(f"#{key}", Select).value
        return value if isinstance(value, str) else None

    def submit(self) -> None:
        incidents = self._value("incidents-below")
        if incidents is not None and not incidents.isdigit():
            self.show_error("Incidents left below is a whole number.")
            return
        words = [w.strip() for w in (self._value("words") or "").split(",") if w.strip()]
        checked = {key: self.query_one(f"#{key}", Checkbox).value for key, _ in CHECKS}
        name = self._value("name") or ""
        self.call(add_rule, name, on=self._choice("on") or "new",
                  department=self._choice("department"), words=words,
                  client=self._value("client"), client_domain=self._value("client-domain"),
                  service_kind=self._choice("service-kind"), sender=self._value("sender"),
                  hours=self._choice("hours"), balance_below=self._value("balance-below"),
                  incidents_below=int(incidents) if incidents else None,
                  assign_department=self._choice("assign-department"),
                  assign_staff=self._value("assign-staff"), round_robin=checked["round-robin"],
                  priority=self._choice("priority"), top=checked["top"],
                  reply=self._value("reply"), comment=self._value("comment"),
                  favorite=self._value("favorite"), policy=self._value("policy"),
                  stop=checked["stop"],
                  done=lambda made: self.dismiss(made.name))


class RemoveRule(Modal):
    """Names the rule and what it does; y removes it."""

    BINDINGS = [Binding("y", "remove", "Remove", id="rules.remove_yes"),
                Binding("n", "dismiss_none", "Cancel", id="rules.remove_no")]

    def __init__(self, rule: RuleView) -> None:
        super().__init__()
        self.rule = rule

    def compose(self) -> ComposeResult:
        what = Text.assemble(("Remove the rule ", "bold"), text(self.rule.name, one_line=True),
                             ("?\n", "bold"), text(f"{self.rule.when()}: {self.rule.then()}"))
        with Vertical(classes="modal-box"):
            yield Static(what)
            yield error_line()
            with Horizontal(classes="modal-buttons"):
                yield Button("Remove y", id="yes", variant="error")
                yield Button("Cancel n", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "yes":
            self.action_remove()
        else:
            self.dismiss(None)

    def action_remove(self) -> None:
        self.call(remove_rule, self.rule.name, done=lambda _: self.dismiss(True))
