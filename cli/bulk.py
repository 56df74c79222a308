"""`ticket bulk`: one action on many tickets (explicit ids, or a list's view, search and client
filter), one transaction each; a summary of what was done and what was skipped and why."""

from __future__ import annotations

import itertools
import json
import signal
import sys
import threading
import uuid

import click

from store import service, validate
from store.clock import utcnow
from store.errors import BadInput, ConnectionLost, NotWritable
from store.safe_text import printable
from store.service.bulk_records import ACTIONS

from .common import AppContext, pass_app
from .tickets import BODY_FILE, actor_of, body_text

VIEWS = ("queue", "all", "favorites", "delayed", "abuse", "archive")
# The options each action takes (the selection's, --run-id and --json go with every action).
OPTIONS = {"assign": {"department", "staff"}, "delay": {"until"}, "priority": {"priority"},
           "reply": {"body", "body_file", "template", "macro", "close"}}


@click.command("bulk")
@click.argument("action", type=click.Choice(ACTIONS))
@click.option("--ids", metavar="1,2,3", help="The tickets, by id.")
@click.option("--view", type=click.Choice(VIEWS), help="Every ticket of this view...")
@click.option("--search", metavar="Q", help="...that the search finds...")
@click.option("--filter-client", "client_email", metavar="EMAIL", help="...of this client.")
@click.option("--department", help="assign: to this department.")
@click.option("--staff", "staff_login", metavar="LOGIN", help="assign: to this staff member.")
@click.option("--until", metavar="DATE", help="delay: until this date (2026-12-31, 3d, 12h...).")
@click.option("--priority", help="priority: low, normal, high or urgent.")
@click.option("--body", help="reply: the text.")
@BODY_FILE
@click.option("--template", metavar="TITLE", help="reply: a predefined reply (before --body).")
@click.option("--macro", metavar="NAME", help="reply: a macro (its reply before --body, then its "
              "actions).")
@click.option("--close", is_flag=True, help="reply: Ok (reply, then close and release the lock).")
@click.option("--run-id", metavar="ID", help="Name the run: run it again with the same id after "
              "an interruption and it does only what is left.")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def bulk(app: AppContext, action, ids, view, search, client_email, department, staff_login, until,
         priority, body, body_file, template, macro, close, run_id, as_json):
    """Many tickets at once: each its own transaction under the usual rules. Close and reply take
    a ticket nobody holds first; tickets locked by others or not visible are skipped and named.
    Exit 1 if any ticket was refused."""
    selection = _selection(ids, view, search, client_email)
    given = {name for name, value in (
        ("department", department), ("staff", staff_login), ("until", until),
        ("priority", priority), ("body", body), ("body_file", body_file),
        ("template", template), ("macro", macro), ("close", close)) if value}
    stray = sorted(given - OPTIONS.get(action, set()))
    if stray:
        names = ", ".join("--" + n.replace("_", "-") for n in stray)
        raise BadInput(f"{names} does not go with bulk {action}.")
    text = body_text(app, body, body_file, required=False) if action == "reply" else ""
    todo = service.BulkAction(
        action, department=department, staff=staff_login,
        until=validate.moment(until, utcnow()) if until else None, priority=priority,
        body=text, template=template, close=close, macro=macro)
    result = _run(app, selection, todo, run_id)
    if as_json:
        _echo_json(result)
    else:
        click.echo(result.summary())
        for r in result.refused:
            click.echo(f"#{r.id}: {printable(r.reason, one_line=True)}", err=True)
    if result.stopped:
        click.echo(f"Stopped: run it again with --run-id {result.run_id} to do the rest.", err=True)
        sys.exit(130)
    if result.refused:
        sys.exit(1)


def _echo_json(result) -> None:
    """{"done": [ids], "refused": [...]}, as json.dumps writes it, with the done ids written a
    thousand at a time: never the whole list (nor its text) in memory at once."""
    click.echo('{"done": [', nl=False)
    ids = iter(result.done)
    first = True
    while chunk := list(itertools.islice(ids, 1000)):
        click.echo(("" if first else ", ") + ", ".join(map(str, chunk)), nl=False)
        first = False
    refused = [{"id": r.id, "reason": r.reason} for r in result.refused]
    click.echo(f'], "refused": {json.dumps(refused)}}}')


def _selection(ids: str | None, view: str | None, search: str | None,
               client_email: str | None) -> service.Selection:
    if (ids is None) == (view is None):
        raise BadInput("Select the tickets with --ids 1,2,3 or with --view V, not both.")
    if ids is None:
        return service.Selection.of_list(service.ListSpec(view, client_email, search))
    if search is not None or client_email is not None:
        raise BadInput("--search and --filter-client go with --view, not with --ids.")
    numbers = []
    for part in ids.split(","):
        part = part.strip().lstrip("#")
        if not part.isdigit() or not validate.is_id(int(part)):
            raise BadInput(f"'{part}' is not a ticket id; write --ids 12,40,41.")
        numbers.append(int(part))
    return service.Selection.of_ids(numbers)


def _run(app: AppContext, selection, todo, run_id: str | None):
    """Runs it, under a run id it knows: if the database goes away half-way, the tickets before
    are done and that run id finishes the rest without doing them twice."""
    actor = actor_of(app)
    run_id = run_id or uuid.uuid4().hex
    try:
        return _run_here(app, actor, selection, todo, run_id)
    except (ConnectionLost, NotWritable):
        click.echo(f"Each ticket is done or untouched: run it again with --run-id {run_id} "
                   "once the database is back to do the rest.", err=True)
        raise


def _run_here(app: AppContext, actor, selection, todo, run_id: str):
    """On a terminal, with its progress on stderr, and Ctrl+C stops it between two tickets
    (each is done or untouched) instead of in the middle of one."""
    if not sys.stderr.isatty():
        return service.run_bulk(app.store(), actor, selection, todo, run_id=run_id)
    stop = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())

    def show(done: int, total: int) -> None:
        click.echo(f"\r{done} of {total}", err=True, nl=False)

    try:
        result = service.run_bulk(app.store(), actor, selection, todo, run_id=run_id,
                                  progress=show, stop=stop)
    finally:
        signal.signal(signal.SIGINT, previous)
        click.echo("\r\x1b[K", err=True, nl=False)
    return result
