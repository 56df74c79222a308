"""`mail fetch` and `mail watch`: the IMAP intake (store/mail/fetch.py, store/mail/watch.py)."""

from __future__ import annotations

import json
import os
import signal
import sys
from datetime import datetime, timezone

import click

from store.safe_text import printable

from .common import AppContext, pass_app

EXIT_FIX = 2  # a mailbox's URL, password or login must be fixed by a person
SLA_CHECK_SECONDS = 30.0  # how often `mail watch` records missed response targets
EXIT_LATER = 3  # the database or an IMAP server failed now: the mail waits for the next pass


def _secret() -> str | None:
    """The desk's secret for signed Message-IDs, as `mail receive` reads it (cli/mail.py)."""
    return os.environ.get("TICKET_TUI_MAIL_SECRET") or None


@click.command("fetch")
@click.option("--json", "as_json", is_flag=True, help="A summary per mailbox, as JSON.")
@pass_app
def mail_fetch(app: AppContext, as_json: bool) -> None:
    """One pass over every mailbox with an IMAP URL. Exit 0 when every mailbox was read, 3 when
    one could not be now (the mail waits on the server), 2 when one must be fixed."""
    from store.mail.fetch import fetch_all

    summaries = fetch_all(app.store(), secret=_secret())
    if as_json:
        click.echo(json.dumps([s.as_json() for s in summaries], indent=2))
    elif not summaries:
        click.echo("No mailbox has an IMAP URL (mailbox add ADDRESS --imap URL).")
    for s in summaries:
        if not as_json:
            click.echo(f"{s.mailbox}: {s.taken} taken, {s.duplicates} duplicates, "
                       f"{s.dropped} dropped, {s.failed} failed")
        for error in s.errors:
            click.echo(f"Error: {s.mailbox}: {printable(error, one_line=True)}", err=True)
    if any(s.needs_fixing for s in summaries):
        sys.exit(EXIT_FIX)
    if any(s.errors for s in summaries):
        sys.exit(EXIT_LATER)


def log_line(line: str) -> None:
    """One plain line per event on stderr, with the time (a journal or a file keeps it)."""
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    click.echo(f"{now} {printable(line, one_line=True)}", err=True)


def _sending(app: AppContext):
    """The outbox's pass, run by `mail watch` every cycle once an SMTP server is set (until
    then it sends nothing and says nothing: a desk may take mail in before it sends any)."""
    from store import settings
    from store.mail.sending import send_pass

    def send(store):
        with store.sql() as q:
            if not settings.read(q, "smtp_url"):
                return None
        return send_pass(store, password_file=app.config.smtp_password_file, report=log_line)

    return send


def _sla_check():
    """`sla check` every SLA_CHECK_SECONDS: each missed due time becomes a ticket event, once."""
    from store.errors import RefusedByDatabase
    from store.mail.watch import every
    from store.sla.check import check

    refused: list[bool] = []

    def sla_check(store):
        try:
            found = check(store)
        except RefusedByDatabase:
            if not refused:  # said once, not every 30 seconds
                refused.append(True)
                log_line("sla check: the mail service's login may not record breaches; run "
                         "`ticket-tui sla check` as the operator (cron) instead.")
            return
        for breach in found:
            log_line(f"sla check: ticket #{breach.ticket_id}: {breach.detail}")

    return every(SLA_CHECK_SECONDS, sla_check)


@click.command("watch")
@pass_app
def mail_watch(app: AppContext) -> None:
    """The mail service: IMAP IDLE on every mailbox (a new mail becomes a ticket within
    seconds), reconnecting with back-off; every two seconds the held replies whose time has
    come are released and the outbox is sent, every 30 seconds missed response targets are
    recorded (sla check); one log line per event on stderr. SIGTERM or Ctrl-C stops it once the
    mail in hand is taken."""
    from store.mail.watch import Watch

    from store.service.held_release import release_due

    # Held replies first (undo send): one released now is then sent in the same cycle.
    watch = Watch(app.store(), secret=_secret(), log=log_line,
                  passes=[release_due, _sending(app), _sla_check()])
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: watch.stop())
    watch.run()


COMMANDS = [mail_fetch, mail_watch]
