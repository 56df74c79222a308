"""Mail commands: a department's mailboxes, mail in from an MTA's pipe, failed mail."""

from __future__ import annotations

import json
import os
import sys

import click

from store.errors import NotAllowed

from .common import AppContext, pass_app
from .render import iso

EX_TEMPFAIL = 75  # sysexits.h: "not stored now, deliver again later", as MTAs expect
SECRET_ENV = "TICKET_TUI_MAIL_SECRET"


def _secret(app: AppContext | None = None) -> str | None:
    """$TICKET_TUI_MAIL_SECRET, else the desk's own (kept in the database; migration 0008)."""
    if os.environ.get(SECRET_ENV) or app is None:
        return os.environ.get(SECRET_ENV) or None
    from store.mail.secret import desk_secret

    return desk_secret(app.store())


@click.group()
def mailbox() -> None:
    """Departments' support addresses and their IMAP mailboxes."""


@mailbox.command("add")
@click.argument("address")
@click.option("--department", required=True)
@click.option("--imap", "imap_url", metavar="URL", help="imap://user@host:port/FOLDER or imaps://...")
@click.option("--password-file", metavar="PATH",
              help="The IMAP password, read at use (not readable by others); else "
                   "$TICKET_TUI_IMAP_PASSWORD.")
@pass_app
def mailbox_add(app: AppContext, address: str, department: str, imap_url: str | None,
                password_file: str | None) -> None:
    from store.mail.mailboxes import add_mailbox

    info = add_mailbox(app.store(), address, department, imap_url=imap_url,
                       password_file=password_file)
    click.echo(f"Mailbox {info.address} added for {info.department} (id {info.id}).")


@mailbox.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def mailbox_list(app: AppContext, as_json: bool) -> None:
    from store.mail.mailboxes import list_mailboxes

    boxes = list_mailboxes(app.store())
    if as_json:
        click.echo(json.dumps([box._asdict() for box in boxes], indent=2))
        return
    for box in boxes:
        click.echo(f"{box.address}  {box.department}  {box.imap_url or '(delivered by pipe)'}")


@mailbox.command("remove")
@click.argument("address")
@pass_app
def mailbox_remove(app: AppContext, address: str) -> None:
    from store.mail.mailboxes import remove_mailbox

    remove_mailbox(app.store(), address)
    click.echo(f"Mailbox {address.strip().lower()} removed.")


@click.group()
def mail() -> None:
    """The mail channel: mail in, failed mail, mail out (send, outbox, resend)."""


@mail.command("receive")
@click.option("--to", "to", metavar="ADDRESS", help="The address the MTA delivered it to.")
@pass_app
def mail_receive(app: AppContext, to: str | None) -> None:
    """One RFC 5322 mail on stdin (an MTA's pipe). Exit 0 once stored (or deliberately
    dropped; a mail that will never be read is kept as failed mail), 75 when it could not be
    stored now: the MTA keeps it and delivers it again."""
    raw = sys.stdin.buffer.read()
    try:
        from store.mail.intake import receive

        result = receive(app.store(), raw, to=to, source="pipe", secret=_secret(app))
    except Exception as error:  # noqa: BLE001 - whatever kept it from the database: try later
        sentence = str(error).splitlines()[0] if str(error) else type(error).__name__
        click.echo(f"Error: the mail was not stored ({sentence}); deliver it again later.",
                   err=True)
        sys.exit(EX_TEMPFAIL)
    where = f" (ticket #{result.ticket_id})" if result.ticket_id else ""
    why = f": {result.reason}" if result.reason and result.outcome in ("failed", "dropped") else ""
    click.echo(f"{result.outcome}{where}{why}")


@mail.command("failed")
@click.option("--json", "as_json", is_flag=True)
@click.option("--all", "include_resolved", is_flag=True, help="Resolved ones too.")
@click.option("--outbound", is_flag=True,
              help="Mail the desk could not send instead (as `mail outbox --state failed`).")
@pass_app
def mail_failed(app: AppContext, as_json: bool, include_resolved: bool, outbound: bool) -> None:
    if outbound:
        from .mail_send import mail_outbox

        click.get_current_context().invoke(mail_outbox, as_json=as_json, state="failed")
        return
    from store.mail.failed import list_failed

    found = list_failed(app.store(), include_resolved=include_resolved)
    if as_json:
        click.echo(json.dumps([{**f._asdict(), "received_at": iso(f.received_at),
                                "retried_at": iso(f.retried_at),
                                "resolved_at": iso(f.resolved_at)} for f in found], indent=2))
        return
    for f in found:
        click.echo(f"#{f.id}  {iso(f.received_at)}  {f.source}  {f.size} bytes  {f.reason}")


@mail.command("retry")
@click.argument("failed_id", type=int)
@click.option("--outbound", is_flag=True,
              help="FAILED_ID is an outbox mail the desk could not send: queue it again "
                   "(as `mail resend`).")
@pass_app
def mail_retry(app: AppContext, failed_id: int, outbound: bool) -> None:
    if outbound:
        from .mail_send import mail_resend

        click.get_current_context().invoke(mail_resend, outbox_id=failed_id)
        return
    from store.mail.failed import retry

    result = retry(app.store(), failed_id, secret=_secret(app))
    if result.outcome == "failed":
        raise NotAllowed(f"Failed mail #{failed_id} failed again: {result.reason}")
    where = f" (ticket #{result.ticket_id})" if result.ticket_id else ""
    click.echo(f"{result.outcome}{where}")


def _outbound() -> None:
    from .mail_send import COMMANDS as SENDING

    for command in SENDING:
        mail.add_command(command)


_outbound()
COMMANDS = [mailbox, mail]


def _add_imap_commands() -> None:
    """`mail fetch` and `mail watch` (cli/mail_imap.py), under this group."""
    from .mail_imap import COMMANDS as IMAP_COMMANDS

    for command in IMAP_COMMANDS:
        mail.add_command(command)


def _register_import() -> None:
    from .mail_import import mail_import

    mail.add_command(mail_import)


_add_imap_commands()
_register_import()
