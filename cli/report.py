"""`ticket-tui report`: the desk's figures for a period, a thin face over store.reports."""

from __future__ import annotations

import csv
import json
import sys

import click

from store.clock import utcnow
from store.errors import BadInput
from store.reports import desk_report

from .common import AppContext, pass_app
from .tickets import actor_of

# The rows' fields, in the order of interface.md's report JSON (name first).
FIELDS = ("name", "opened", "first_responded", "closed", "reopened", "overdue",
          "first_response_median_minutes", "first_response_p90_minutes",
          "resolution_median_minutes", "replies", "incidents", "charges", "charged",
          "ratings_good", "ratings_bad")
HEADINGS = ("", "opened", "1st resp", "closed", "reopened", "overdue", "1st med m", "1st p90 m",
            "resol med m", "replies", "incid", "charges", "charged", "good", "bad")
RATINGS = ("ratings_good", "ratings_bad")
DAY_FIELDS = ("created", "closed", "backlog")


@click.command("report")
@click.option("--from", "first", metavar="DATE", help="First day (YYYY-MM-DD, UTC); default: "
              "30 days before --to.")
@click.option("--to", "last", metavar="DATE", help="Last day, included; default: today.")
@click.option("--department", metavar="NAME", help="Only this department.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--csv", "as_csv", is_flag=True, help="One table: a `part` column says department, "
              "staff or day.")
@pass_app
def report(app: AppContext, first, last, department, as_json, as_csv):
    """The desk's figures for a period, per department, per staff member and per day."""
    if as_json and as_csv:
        raise BadInput("Choose --json or --csv, not both.")
    result = desk_report(app.store(), actor_of(app), first=first, last=last,
                         department=department, now=utcnow())
    if as_json:
        click.echo(json.dumps(result.as_json(), indent=2))
    elif as_csv:
        write_csv(result, sys.stdout)
    else:
        click.echo(as_table(result))


def shown_fields(result) -> tuple[str, ...]:
    """Ratings only for those who may see them (heads of a department of the report, admins)."""
    return FIELDS if result.ratings_shown else tuple(f for f in FIELDS if f not in RATINGS)


def write_csv(result, out) -> None:
    """One table: `part` (department, staff, day), the row fields, then a day's created and
    backlog (its closed is in the closed column); empty where a part has no such figure."""
    fields = shown_fields(result)
    columns = ("part", "login", *fields, "created", "backlog")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for part, rows in (("department", result.departments), ("staff", result.staff)):
        for row in rows:
            values = row.as_dict()
            writer.writerow([part] + [_cell(values.get(c)) for c in columns[1:]])
    for day in result.days:
        values = {"name": day.date.isoformat(), "created": day.created, "closed": day.closed,
                  "backlog": day.backlog}
        writer.writerow(["day"] + [_cell(values.get(c)) for c in columns[1:]])


def _cell(value) -> str:
    return "" if value is None else str(value)


def as_table(result) -> str:
    fields = shown_fields(result)
    head = [h for f, h in zip(FIELDS, HEADINGS) if f in fields]
    lines = [f"Report {result.period.first} .. {result.period.last} (UTC days)"]
    for title, rows in (("Departments", result.departments), ("Staff", result.staff)):
        table = [[title] + head[1:]]
        table += [[_plain(getattr(r, f)) for f in fields] for r in rows]
        lines += ["", *_aligned(table)]
    days = [["Day", *DAY_FIELDS]]
    days += [[d.date.isoformat(), str(d.created), str(d.closed), str(d.backlog)] for d in result.days]
    lines += ["", *_aligned(days)]
    return "\n".join(lines)


def _plain(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.0f}"
    return str(value).replace("\n", " ")


def _aligned(table: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    return ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                      for i, (cell, w) in enumerate(zip(row, widths))).rstrip() for row in table]


COMMANDS = [report]
