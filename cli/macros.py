"""`ticket-tui macro`: a named predefined reply plus actions (add, list, remove), set up by the
operator as predefined replies are (cli/admin.py's reply-template); applied with
`ticket reply ID --macro NAME` and `ticket bulk reply --macro NAME`."""

from __future__ import annotations

import json

import click

from store import macros
from store.safe_text import printable

from .common import AppContext, pass_app


@click.group("macro")
def macro() -> None:
    """Macros: a predefined reply plus actions, for everyone, a department or one staff member."""


@macro.command("add")
@click.argument("name")
@click.option("--template", required=True, metavar="TITLE", help="The predefined reply it sends.")
@click.option("--close", is_flag=True, help="Ok: close the ticket for you and release the lock.")
@click.option("--delay-days", type=int, metavar="N", help="Delay the ticket N days.")
@click.option("--assign-department", metavar="D", help="Assign the ticket to this department...")
@click.option("--assign-staff", metavar="LOGIN", help="...or to this staff member.")
@click.option("--priority", help="Set the priority: low, normal, high or urgent.")
@click.option("--comment", default="", metavar="TEXT", help="Add this internal comment.")
@click.option("--department", metavar="D", help="Offered to this department's members only...")
@click.option("--staff", "staff_login", metavar="LOGIN", help="...or to this staff member only.")
@pass_app
def macro_add(app: AppContext, name, template, close, delay_days, assign_department,
              assign_staff, priority, comment, department, staff_login) -> None:
    made = macros.add_macro(
        app.store(), name, template, close=close, delay_days=delay_days,
        assign_department=assign_department, assign_staff=assign_staff, priority=priority,
        comment=comment, department=department, staff=staff_login)
    click.echo(f"Macro '{printable(made.name, one_line=True)}' added (id {made.id}): "
               f"{', '.join(made.actions())}.")


@macro.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def macro_list(app: AppContext, as_json: bool) -> None:
    found = macros.list_macros(app.store())
    if as_json:
        click.echo(json.dumps([m.json() for m in found], indent=2))
        return
    for m in found:
        click.echo(printable(f"{m.name}  [{m.scope}]  '{m.template}': {', '.join(m.actions())}",
                             one_line=True))


@macro.command("remove")
@click.argument("name")
@pass_app
def macro_remove(app: AppContext, name: str) -> None:
    macros.remove_macro(app.store(), name)
    click.echo(f"Macro '{printable(name.strip(), one_line=True)}' removed.")


COMMANDS = [macro]
