"""`ticket-tui rule`: response rules (issue 19): add, list, remove, move, test, and `rule run`
(PostgreSQL: the operator's worker for the rules the database queued; docs/rules.md).
Administrators manage rules: the operator (no --as), or --as an administrator; on PostgreSQL
a staff login is who it is. `staff away` / `staff back` (cli/admin.py) feed the round-robin."""

from __future__ import annotations

import json

import click

from store.actors import StaffActor, staff_actor
from store.rules import manage
from store.safe_text import printable

from .common import AppContext, pass_app

EVENTS = click.Choice(["new", "client-message"])


def admin_actor(app: AppContext) -> StaffActor | None:
    """Who manages: --as LOGIN, or a PostgreSQL staff login; None is the operator."""
    from store.logins import connected_as

    store = app.store()
    if app.login and app.login_explicit:
        return staff_actor(store, app.login)
    who = connected_as(store)
    if who is not None:
        return staff_actor(store, who.name) if who.kind == "staff" else _not_staff()
    return None


def _not_staff():
    from store.errors import NotAllowed

    raise NotAllowed("Only administrators manage response rules.")


@click.group("rule")
def rule() -> None:
    """Response rules: what happens automatically to a new ticket or a client message."""


@rule.command("add")
@click.argument("name")
@click.option("--on", "on", type=EVENTS, default="new", show_default=True,
              help="A new ticket, or each client message.")
@click.option("--position", type=int, metavar="N", help="Its place in the order (1 = first).")
@click.option("--if-department", metavar="D", help="The ticket is in this department.")
@click.option("--if-words", multiple=True, metavar="W", help="Any of these whole words in the "
              "subject or message, any case (repeat).")
@click.option("--if-client", metavar="EMAIL", help="The ticket is this client's.")
@click.option("--if-client-domain", metavar="X", help="The client's email is at this domain.")
@click.option("--if-service-kind", metavar="K", help="domain, vps, hosting or other.")
@click.option("--if-sender", metavar="PATTERN", help="The client's address matches, *@example.com.")
@click.option("--if-inside-hours", is_flag=True, help="Within the department's business hours.")
@click.option("--if-outside-hours", is_flag=True, help="Outside the department's business hours.")
@click.option("--if-balance-below", metavar="AMOUNT", help="The client's balance is below (0: in debt).")
@click.option("--if-incidents-below", type=int, metavar="N", help="The client has fewer incidents left.")
@click.option("--then-assign-department", metavar="D", help="Move the ticket to this department.")
@click.option("--then-assign-staff", metavar="LOGIN", help="Assign it to this staff member.")
@click.option("--then-round-robin", is_flag=True, help="Assign it in turn to the department's "
              "staff who are not away.")
@click.option("--then-priority", metavar="P", help="low, normal, high or urgent.")
@click.option("--then-policy", metavar="DEPARTMENT[/PRIORITY]", help="Apply that department's "
              "response-target policy (its any-priority one, or for the priority), whatever the "
              "ticket's own department and priority.")
@click.option("--then-top", is_flag=True, help="Place it at the beginning of the queue.")
@click.option("--then-reply", metavar="TEMPLATE_TITLE", help="Answer with this predefined reply.")
@click.option("--then-comment", metavar="TEXT", help="Add this internal comment.")
@click.option("--then-favorite", metavar="LOGIN", help="Add it to this staff member's favorites.")
@click.option("--stop", is_flag=True, help="Stop here: no later rule runs when this one fires.")
@pass_app
def rule_add(app: AppContext, name: str, on: str, position, if_department, if_words, if_client,
             if_client_domain, if_service_kind, if_sender, if_inside_hours, if_outside_hours,
             if_balance_below, if_incidents_below, then_assign_department, then_assign_staff,
             then_round_robin, then_priority, then_policy, then_top, then_reply, then_comment,
             then_favorite, stop) -> None:
    from store.errors import BadInput

    if if_inside_hours and if_outside_hours:
        raise BadInput("A rule watches inside or outside business hours, not both.")
    hours = "inside" if if_inside_hours else "outside" if if_outside_hours else None
    made = manage.add_rule(
        app.store(), admin_actor(app), name, on=on, position=position, department=if_department,
        words=if_words, client=if_client, client_domain=if_client_domain,
        service_kind=if_service_kind, sender=if_sender, hours=hours,
        balance_below=if_balance_below, incidents_below=if_incidents_below,
        assign_department=then_assign_department, assign_staff=then_assign_staff,
        round_robin=then_round_robin, priority=then_priority, policy=then_policy, top=then_top,
        reply=then_reply, comment=then_comment, favorite=then_favorite, stop=stop)
    click.echo(printable(f"Rule '{made.name}' added at position {made.position}: on {made.on}, "
                         f"{made.when()}: {made.then()}.", one_line=True))


@rule.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def rule_list(app: AppContext, as_json: bool) -> None:
    found = manage.list_rules(app.store(), admin_actor(app))
    if as_json:
        click.echo(json.dumps([r.json() for r in found], indent=2))
        return
    for r in found:
        click.echo(printable(f"{r.position}. {r.name}  [on {r.on}]  {r.when()}: {r.then()}",
                             one_line=True))


@rule.command("remove")
@click.argument("name")
@pass_app
def rule_remove(app: AppContext, name: str) -> None:
    manage.remove_rule(app.store(), admin_actor(app), name)
    click.echo(printable(f"Rule '{name.strip()}' removed.", one_line=True))


@rule.command("move")
@click.argument("name")
@click.argument("position", type=int)
@pass_app
def rule_move(app: AppContext, name: str, position: int) -> None:
    """Moves the rule to POSITION in the order (1 = first)."""
    moved = manage.move_rule(app.store(), admin_actor(app), name, position)
    click.echo(printable(f"Rule '{moved.name}' is now at position {moved.position}.", one_line=True))


@rule.command("test")
@click.argument("ticket_id", type=int)
@click.option("--on", "on", type=EVENTS, default="new", show_default=True)
@pass_app
def rule_test(app: AppContext, ticket_id: int, on: str) -> None:
    """Prints the names of the rules that would fire on the ticket, changing nothing."""
    for name in manage.rules_that_would_fire(app.store(), admin_actor(app), ticket_id, on):
        click.echo(printable(name, one_line=True))


@rule.command("run")
@click.option("--watch", is_flag=True, help="Keep running: look for new events every second.")
@click.option("--interval", type=float, default=1.0, show_default=True, hidden=True)
@pass_app
def rule_run(app: AppContext, watch: bool, interval: float) -> None:
    """Runs the rules the database queued (PostgreSQL; the operator's, as a service)."""
    from store.rules.queue import run_pending, watch as watch_queue

    def report(ticket_id: int, fired) -> None:
        names = ", ".join(f.rule for f in fired) or "no rule fired"
        click.echo(printable(f"#{ticket_id}: {names}", one_line=True))

    if watch:
        watch_queue(app.store(), interval=interval, report=report)
        return
    done = run_pending(app.store(), report=report)
    click.echo(f"{done} event{'s' if done != 1 else ''} run.")


COMMANDS = [rule]
