"""Mail out: `mail send` (one pass over the outbox), `mail outbox` (what is queued, sent,
failed) and `mail resend ID` (a failed mail queued again). Registered under the `mail` group
(cli/mail.py)."""

from __future__ import annotations

import json

import click

from .common import AppContext, pass_app
from .render import iso

STATES = ("queued", "sending", "sent", "failed")


@click.command("send")
@click.option("--json", "as_json", is_flag=True, help='{"sent": n, "retrying": n, "failed": n}')
@click.option("--limit", type=click.IntRange(min=1), help="At most this many mails.")
@pass_app
def mail_send(app: AppContext, as_json: bool, limit: int | None) -> None:
    """One pass over the outbox: every mail that is due goes to the SMTP server (smtp_url);
    one line per mail on stderr, the counts on stdout."""
    from store.mail.sending import send_pass

    from store.safe_text import printable

    def report(line: str) -> None:  # the server's answers are untrusted text
        click.echo(printable(line, one_line=True), err=True)

    summary = send_pass(app.store(), password_file=app.config.smtp_password_file, limit=limit,
                        report=None if as_json else report)
    if as_json:
        click.echo(json.dumps(summary._asdict()))
        return
    click.echo(f"{summary.sent} sent, {summary.retrying} to try again later, "
               f"{summary.failed} failed.")


@click.command("outbox")
@click.option("--json", "as_json", is_flag=True)
@click.option("--state", type=click.Choice(STATES), help="Only mail in this state.")
@pass_app
def mail_outbox(app: AppContext, as_json: bool, state: str | None) -> None:
    """The desk's outgoing mail, newest first, with the server's last answer."""
    from store.mail.outbox import list_outbox

    found = list_outbox(app.store(), state=state)
    if as_json:
        click.echo(json.dumps([{**row._asdict(), "not_before": iso(row.not_before),
                                "created_at": iso(row.created_at), "sent_at": iso(row.sent_at)}
                               for row in found], indent=2))
        return
    from store.safe_text import printable

    for row in found:  # the server's answer is untrusted text: never an escape on the terminal
        answer = f"  {printable(row.last_answer, one_line=True)}" if row.last_answer else ""
        click.echo(f"#{row.id}  ticket #{row.ticket_id}  {row.kind}  {row.recipient}  "
                   f"{row.state} ({row.attempts} tries){answer}")


@click.command("resend")
@click.argument("outbox_id", type=int)
@pass_app
def mail_resend(app: AppContext, outbox_id: int) -> None:
    """A failed mail of the outbox queued again: the next `mail send` sends it, with the same
    Message-ID."""
    from store.mail.outbox import resend

    resend(app.store(), outbox_id)
    click.echo(f"Mail #{outbox_id} queued again.")


COMMANDS = [mail_send, mail_outbox, mail_resend]
