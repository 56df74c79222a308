"""`ticket-tui sla`: response target policies (set, list, remove) and `sla check`, which records
the breaches of due times as ticket events (for cron; `mail watch` runs it too). Business hours
are `ticket-tui department hours` (cli/admin.py)."""

from __future__ import annotations

import json

import click

from store.safe_text import printable
from store.sla import check as sla_check
from store.sla import policy

from .common import AppContext, pass_app

PRIORITY = click.Choice(["any", "low", "normal", "high", "urgent"], case_sensitive=False)


@click.group("sla")
def sla() -> None:
    """Response targets: minutes of business time per department, optionally per priority."""


@sla.command("set")
@click.option("--department", required=True, metavar="NAME")
@click.option("--priority", type=PRIORITY, default="any", show_default=True,
              help="Only for tickets of this priority; else for any priority.")
@click.option("--first-response", type=int, required=True, metavar="MIN",
              help="Minutes of business time to the first staff reply.")
@click.option("--next-response", type=int, metavar="MIN",
              help="Minutes to the staff's answer after each later client message.")
@click.option("--resolution", type=int, metavar="MIN", help="Minutes to close the ticket.")
@pass_app
def sla_set(app: AppContext, department: str, priority: str, first_response: int,
            next_response: int | None, resolution: int | None) -> None:
    """Add or replace a department's policy."""
    made = policy.set_policy(app.store(), department, priority, first_response, next_response,
                             resolution)
    click.echo(printable(f"Policy set: {made.line()}.", one_line=True))


@sla.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def sla_list(app: AppContext, as_json: bool) -> None:
    """Every policy, by department and priority."""
    found = policy.list_policies(app.store())
    if as_json:
        click.echo(json.dumps([p.json() for p in found], indent=2))
        return
    if not found:
        click.echo("No response targets are set.")
    for p in found:
        click.echo(printable(p.line(), one_line=True))


@sla.command("remove")
@click.option("--department", required=True, metavar="NAME")
@click.option("--priority", type=PRIORITY, default="any", show_default=True)
@pass_app
def sla_remove(app: AppContext, department: str, priority: str) -> None:
    """Remove a department's policy; its tickets' clocks stop at their next event."""
    gone = policy.remove_policy(app.store(), department, priority)
    click.echo(printable(f"Policy removed: {gone.line()}.", one_line=True))


@sla.command("check")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def sla_check_command(app: AppContext, as_json: bool) -> None:
    """Record each missed due time as a ticket event (once); prints what it recorded."""
    found = sla_check.check(app.store())
    if as_json:
        click.echo(json.dumps([b.json() for b in found], indent=2))
        return
    for b in found:
        click.echo(f"#{b.ticket_id}: {b.detail}")
    click.echo(f"{len(found)} breach(es) recorded.")


COMMANDS = [sla]
