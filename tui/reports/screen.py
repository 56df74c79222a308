"""Reports: a team lead's view of a period (store.reports.desk_report, the command's function):
the departments and staff tables, and two charts: tickets created against closed per day, and
the backlog per day (textual-plotext).

Names are people's and departments' text: Rich Text, never markup. The period is typed as
dates; Enter in either field, or a department chosen, reads the report again."""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Select, Static
from textual_plotext import PlotextPlot

from store.errors import StoreError
from store.reports import Report, desk_report

from tui.runtime.safe import text
from tui.runtime.working import run_store_call
from tui.widgets.footer import KeysFooter
from tui.widgets.header import SafeHeader

COLUMNS = (  # (heading, Row attribute): docs/reports.md defines each
    ("opened", "opened"), ("1st", "first_responded"), ("closed", "closed"),
    ("reop", "reopened"), ("late", "overdue"),
    ("1st med", "first_response_median_minutes"), ("1st p90", "first_response_p90_minutes"),
    ("res med", "resolution_median_minutes"), ("replies", "replies"),
    ("inc", "incidents"), ("charged", "charged"),
)
RATINGS = (("good", "ratings_good"), ("bad", "ratings_bad"))


def minutes(value: float) -> str:
    """A duration in minutes as a person reads it: 45m, 3h05, 2d4h."""
    m = round(value)
    if m < 60:
        return f"{m}m"
    if m < 24 * 60:
        return f"{m // 60}h{m % 60:02d}"
    return f"{m // 1440}d{(m % 1440) // 60}h"


def cell(value) -> Text:
    if value is None:
        return Text("–", style="dim", justify="right")
    if isinstance(value, float):
        return Text(minutes(value), justify="right")
    return Text(str(value), justify="right")


class ReportsScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back", id="reports.back"),
        Binding("f5", "reload", "Refresh", id="reports.reload"),
        # Priority: also from the date fields (a word jump in ten characters is no loss).
        Binding("ctrl+left", "shift(-1)", "Earlier period", id="reports.earlier", priority=True),
        Binding("ctrl+right", "shift(1)", "Later period", id="reports.later", priority=True),
    ]
    DEFAULT_CSS = """
    ReportsScreen #report-controls { height: 3; padding: 0 1; }
    ReportsScreen #report-controls Input { width: 16; }
    ReportsScreen #report-controls Select { width: 36; }
    ReportsScreen .field-label { width: auto; padding: 1 1 0 1; }
    ReportsScreen #report-title { padding: 0 1; text-style: bold; }
    ReportsScreen DataTable { height: auto; max-height: 12; margin: 0 1 1 1; }
    ReportsScreen #charts { height: 18; }
    ReportsScreen PlotextPlot { width: 1fr; height: 18; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.report: Report | None = None
        self._departments: list[str] = []

    def compose(self) -> ComposeResult:
        yield SafeHeader()
        with Horizontal(id="report-controls"):
            yield Static("From", classes="field-label")
            yield Input(placeholder="YYYY-MM-DD", id="report-from", restrict=r"[0-9-]*", max_length=10)
            yield Static("To", classes="field-label")
            yield Input(placeholder="YYYY-MM-DD", id="report-to", restrict=r"[0-9-]*", max_length=10)
            yield Static("Department", classes="field-label")
            yield Select([], prompt="All my departments", id="report-department", allow_blank=True)
        with VerticalScroll(id="report-body"):
            yield Static(id="report-title")
            yield DataTable(id="report-departments", cursor_type="row", zebra_stripes=True)
            yield DataTable(id="report-staff", cursor_type="row", zebra_stripes=True)
            with Horizontal(id="charts"):
                yield PlotextPlot(id="chart-flow")
                yield PlotextPlot(id="chart-backlog")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "Reports"
        self.query_one("#report-departments", DataTable).focus()
        self.action_reload()

    # --- reading ---------------------------------------------------------------------------
    def action_reload(self) -> None:
        first = self.query_one("#report-from", Input).value.strip() or None
        last = self.query_one("#report-to", Input).value.strip() or None
        chosen = self.query_one("#report-department", Select).value
        department = chosen if isinstance(chosen, str) else None  # blank: all of mine
        run_store_call(self, desk_report, first=first, last=last, department=department,
                       done=self._shown, refused=self._refused)

    def _refused(self, error: StoreError) -> None:
        self.notify(str(error), severity="error", markup=False)

    def action_shift(self, direction: int) -> None:
        """The period of as many days just before (or after) the one shown."""
        if self.report is None:
            return
        span = self.report.period
        days = (span.last - span.first).days + 1
        self._set_period(span.first + timedelta(days=direction * days),
                         span.last + timedelta(days=direction * days))
        self.action_reload()

    def _set_period(self, first: date, last: date) -> None:
        self.query_one("#report-from", Input).value = first.isoformat()
        self.query_one("#report-to", Input).value = last.isoformat()

    @on(Input.Submitted)
    def _period_typed(self) -> None:
        self.action_reload()

    @on(Select.Changed, "#report-department")
    def _department_chosen(self) -> None:
        if self.report is not None:
            self.action_reload()

    def _shown(self, report: Report) -> None:
        self.report = report
        self._set_period(report.period.first, report.period.last)
        if report.department is None and not self._departments:
            self._departments = [r.name for r in report.departments]
            options = [(text(n, one_line=True), n) for n in self._departments]
            with self.prevent(Select.Changed):
                self.query_one("#report-department", Select).set_options(options)
        title = Text(f"{report.period.first} – {report.period.last}, UTC days · ")
        title.append_text(text(report.department or "all your departments", one_line=True))
        if not report.ratings_shown:
            title.append("  (ratings: department heads and administrators)", style="dim")
        self.query_one("#report-title", Static).update(title)
        columns = COLUMNS + (RATINGS if report.ratings_shown else ())
        self._fill("#report-departments", "Department", columns, report.departments)
        self._fill("#report-staff", "Staff member", columns, report.staff)
        self._charts(report)

    def _fill(self, selector: str, first: str, columns, rows) -> None:
        table = self.query_one(selector, DataTable)
        table.clear(columns=True)
        table.add_column(first, width=20)
        for heading, _ in columns:
            table.add_column(Text(heading, justify="right"), key=heading)
        for row in rows:
            table.add_row(text(row.name, one_line=True), *(cell(getattr(row, a)) for _, a in columns))
        if not rows:
            table.add_row(Text("nothing in this period", style="dim"), *("" for _ in columns))

    def _charts(self, report: Report) -> None:
        days = report.days
        xs = list(range(1, len(days) + 1))
        step = max(1, len(days) // 6)
        ticks = xs[::step]
        labels = [days[i - 1].date.strftime("%m-%d") for i in ticks]
        flow = self.query_one("#chart-flow", PlotextPlot)
        plt = flow.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title("Tickets created and closed per day")
        plt.plot(xs, [d.created for d in days], label="created", marker="braille")
        plt.plot(xs, [d.closed for d in days], label="closed", marker="braille")
        plt.xticks(ticks, labels)
        flow.refresh()
        backlog = self.query_one("#chart-backlog", PlotextPlot)
        plt = backlog.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title("Backlog: open tickets at each day's end")
        plt.bar(xs, [d.backlog for d in days], marker="sd")
        plt.xticks(ticks, labels)
        backlog.refresh()

    def action_back(self) -> None:
        self.app.pop_screen()

    def palette_commands(self):
        yield "Refresh", "Read the report again", self.action_reload
        yield "Earlier period", "The same number of days just before", lambda: self.action_shift(-1)
        yield "Later period", "The same number of days just after", lambda: self.action_shift(1)
        yield "Back", "Back to the ticket list", self.action_back
