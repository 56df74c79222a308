"""`ticket-tui mail import PATH`: a team's mail history (mbox or Maildir) brought in as
tickets, with a progress bar on a terminal."""

from __future__ import annotations

import json
import os
import sys

import click

from store.errors import ConnectionLost, NotWritable

from .common import AppContext, pass_app


@click.command("import")
@click.argument("path")
@click.option("--to", "to", metavar="ADDRESS",
              help="The desk's mailbox the history was sent to (for mails whose To and Cc name "
                   "none of the desk's mailboxes).")
@click.option("--json", "as_json", is_flag=True, help="The summary as JSON.")
@click.option("--workers", type=click.IntRange(0, 64), default=None, metavar="N",
              help="Processes that read the mails beside the writer (default: 2 on a machine "
                   "with a core to spare, else 0).")
@pass_app
def mail_import(app: AppContext, path: str, to: str | None, as_json: bool,
                workers: int | None) -> None:
    """Import an mbox file or a Maildir folder: each mail taken in as live mail is (threading,
    new tickets, failed mail), at its own date. Running it again imports nothing twice."""
    from store.mail.importer import import_history

    secret = os.environ.get("TICKET_TUI_MAIL_SECRET") or None
    try:
        if sys.stderr.isatty():
            summary = _with_bar(lambda progress: import_history(
                app.store(), path, to=to, secret=secret, progress=progress, workers=workers))
        else:
            summary = import_history(app.store(), path, to=to, secret=secret, workers=workers)
    except (ConnectionLost, NotWritable):
        click.echo("Every mail is imported whole or not at all: run the import again once the "
                   "database is back to import the rest.", err=True)
        raise
    if as_json:
        click.echo(json.dumps(summary.as_dict()))
        return
    click.echo(f"{summary.imported} imported ({summary.new_tickets} new tickets, "
               f"{summary.client_messages} client messages, {summary.desk_answers} desk "
               f"answers), {summary.duplicates} duplicates, {summary.failed} failed, "
               f"{summary.dropped} dropped, of {summary.mails} mails.")


def _with_bar(run):
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("Importing"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
               TextColumn("{task.fields[mails]} mails"), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("import", total=None, mails=0)

        def progress(done: int, total: int, summary) -> None:
            bar.update(task, completed=done, total=total, mails=summary.mails)

        return run(progress)
