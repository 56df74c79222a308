"""The Rules screen: every response rule in the order it runs, with what it watches and does
(store.rules.manage, the same functions as `ticket-tui rule`). Administrators only (the store
refuses anyone else, and the list's key says so first).

Names, words and comments are people's text: Rich Text, never markup."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from store.rules.manage import list_rules, move_rule, remove_rule
from store.rules.views import RuleView

from tui.runtime.safe import text
from tui.runtime.working import run_store_call
from tui.widgets.footer import KeysFooter
from tui.widgets.header import SafeHeader


class RulesScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back", id="rules.back"),
        Binding("a", "add", "Add", id="rules.add"),
        Binding("d,delete", "remove", "Remove", id="rules.remove"),
        Binding("shift+up", "move(-1)", "Move up", id="rules.up"),
        Binding("shift+down", "move(1)", "Move down", id="rules.down"),
        Binding("f5", "reload", "Refresh", show=False, id="rules.reload"),
    ]
    DEFAULT_CSS = """
    RulesScreen #rules-title { padding: 0 1; text-style: bold; }
    RulesScreen #rules-hint { padding: 0 1; color: $text-muted; }
    RulesScreen DataTable { height: 1fr; margin: 0 1; }
    RulesScreen #rules-detail { height: auto; max-height: 8; margin: 0 1; padding: 0 1;
                                border-top: solid $primary; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.rules: list[RuleView] = []

    def compose(self) -> ComposeResult:
        yield SafeHeader()
        yield Static("Response rules, in the order they run", id="rules-title")
        yield Static("They run on each new ticket (or each client message), each once per event; "
                     "a rule with \"stop here\" ends the run when it fires.", id="rules-hint")
        yield DataTable(id="rules-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="rules-detail")  # the selected rule whole: the table's cells are cut
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "Rules"
        table = self.query_one("#rules-table", DataTable)
        table.add_column("#", width=3)
        table.add_column("Name", width=18)
        table.add_column("On", width=14)
        table.add_column("When", width=30)
        table.add_column("Then", width=46)
        table.focus()
        self.action_reload()

    def action_reload(self, keep: str | None = None) -> None:
        run_store_call(self, list_rules, done=lambda rules: self._show(rules, keep),
                       refused=self._refused)

    def _refused(self, error) -> None:
        self.notify(str(error), severity="error", markup=False)

    def _show(self, rules: list[RuleView], keep: str | None) -> None:
        self.rules = rules
        table = self.query_one("#rules-table", DataTable)
        table.clear()
        for r in rules:
            table.add_row(Text(str(r.position), justify="right"), text(r.name, one_line=True),
                          r.on, text(r.when(), one_line=True), text(r.then(), one_line=True),
                          key=str(r.id))
        if not rules:
            table.add_row("", Text("no rules yet: a adds one", style="dim"), "", "", "")
        names = [r.name for r in rules]
        if keep in names:
            table.move_cursor(row=names.index(keep))
        self._detail()

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._detail()

    def _detail(self) -> None:
        rule = self.current
        shown = Text()
        if rule is not None:
            shown.append(f"{rule.position}. ", style="bold")
            shown.append(text(rule.name, one_line=True))
            shown.append(f"  (on {rule.on})\n", style="dim")
            shown.append("When: ", style="bold")
            shown.append(text(rule.when()))
            shown.append("\nThen: ", style="bold")
            shown.append(text(rule.then()))
        self.query_one("#rules-detail", Static).update(shown)

    @property
    def current(self) -> RuleView | None:
        row = self.query_one("#rules-table", DataTable).cursor_row
        return self.rules[row] if 0 <= row < len(self.rules) else None

    def action_add(self) -> None:
        from tui.rules.form import RuleForm

        self.app.push_screen(RuleForm(), lambda made: made and self.action_reload(made))

    def action_remove(self) -> None:
        rule = self.current
        if rule is None:
            return
        from tui.rules.form import RemoveRule

        def removed(done: bool | None) -> None:
            if done:
                self.notify(f"Rule '{rule.name}' removed.", markup=False)
                self.action_reload()

        self.app.push_screen(RemoveRule(rule), removed)

    def action_move(self, step: int) -> None:
        rule = self.current
        if rule is None or not 1 <= rule.position + step <= len(self.rules):
            return
        run_store_call(self, move_rule, rule.name, rule.position + step,
                       done=lambda moved: self.action_reload(moved.name), refused=self._refused)

    def action_back(self) -> None:
        self.app.pop_screen()

    def palette_commands(self):
        yield "Add a rule", "A new response rule, last in the order", self.action_add
        if self.current is not None:
            name = self.current.name
            yield "Remove the rule", f"Remove {name}", self.action_remove
            yield "Move the rule up", f"{name} runs earlier", lambda: self.action_move(-1)
            yield "Move the rule down", f"{name} runs later", lambda: self.action_move(1)
        yield "Back", "Back to the ticket list", self.action_back
