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


def _secret() -> str | None:
    return os.environ.get(SECRET_ENV) or None


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
    """The mail channel: mail in, failed mail."""


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

        result = receive(app.store(), raw, to=to, source="pipe", secret=_secret())
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
@pass_app
def mail_failed(app: AppContext, as_json: bool, include_resolved: bool) -> None:
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
@pass_app
def mail_retry(app: AppContext, failed_id: int) -> None:
    from store.mail.failed import retry

    result = retry(app.store(), failed_id, secret=_secret())
    if result.outcome == "failed":
        raise NotAllowed(f"Failed mail #{failed_id} failed again: {result.reason}")
    where = f" (ticket #{result.ticket_id})" if result.ticket_id else ""
    click.echo(f"{result.outcome}{where}")


COMMANDS = [mailbox, mail]


def _register_import() -> None:
    from .mail_import import mail_import

    mail.add_command(mail_import)


_register_import()
