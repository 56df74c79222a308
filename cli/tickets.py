"""The ticket commands: a thin face over store.service, with --json as interface.md fixes it."""

from __future__ import annotations

import json
from pathlib import Path

import click

from store import service, validate
from store.actors import Actor, ClientActor, client_actor, staff_actor
from store.errors import BadInput
from store.clock import utcnow
from store.files import input_limits, read_attachment, read_text
from store.safe_text import printable
from store.views import NewAttachment

from .common import AppContext, TicketTuiGroup, pass_app
from .render import detail_json, detail_text, row_json, row_line

# Not checked by click: a missing file is refused by read_attachments, in one sentence.
FILE = click.Path(path_type=Path)
BODY_FILE = click.option("--body-file", type=click.File("rb"), metavar="FILE",
                         help="Read the text from FILE ('-' for standard input), for long texts.")


def actor_of(app: AppContext) -> Actor:
    kind, name = app.identity()
    if kind == "client":
        return client_actor(app.store(), name)
    if name:
        return staff_actor(app.store(), name)
    raise BadInput("Say who you are: --as LOGIN for staff, or --client EMAIL for a client.")


def body_text(app: AppContext, body: str | None, body_file, *, required: bool = True) -> str:
    """The text of --body or of --body-file (one of them), as given: a file must be UTF-8, and
    is read no further than the store's message limit allows."""
    if body is not None and body_file is not None:
        raise BadInput("Give the text with --body or with --body-file, not both.")
    if body_file is None:
        if body is None and required:
            raise BadInput("Give the text with --body TEXT or --body-file FILE.")
        return body or ""
    name = getattr(body_file, "name", "<stdin>")  # (a test's stdin has none)
    return read_text(body_file, name, input_limits(app.store()).message_chars)


def read_attachments(app: AppContext, paths: tuple[Path, ...]) -> list[NewAttachment]:
    if not paths:
        return []
    limit = input_limits(app.store()).attachment_bytes
    files = []
    for p in paths:
        try:
            files.append(read_attachment(p, limit))
        except OSError as exc:
            raise BadInput(f"Can't read {p}: {exc.strerror}.") from None
    return files


# `ticket bulk` lives in cli/bulk.py, loaded when it runs.
@click.group(cls=TicketTuiGroup, lazy_commands={"bulk": "cli.bulk:bulk"})
def ticket() -> None:
    """Tickets: open, list, show, take, reply, close and the toolbar actions."""


@ticket.command("new")
@click.option("--department", required=True)
@click.option("--subject", required=True)
@click.option("--body")
@BODY_FILE
@click.option("--service", "service_id", type=int)
@click.option("--priority")
@click.option("--attach", "attach", type=FILE, multiple=True)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def ticket_new(app: AppContext, department, subject, body, body_file, service_id, priority, attach,
               as_json):
    """A client opens a ticket (needs --client EMAIL); prints its id."""
    body = body_text(app, body, body_file)
    actor = actor_of(app)
    new_id = service.open_ticket(app.store(), actor, department, subject, body, service_id=service_id,
                                 priority=priority, attachments=read_attachments(app, attach))
    click.echo(json.dumps({"id": new_id}) if as_json else str(new_id))


@ticket.command("list")
@click.option("--view", type=click.Choice(["queue", "all", "favorites", "delayed", "abuse", "archive",
                                          "overdue"]),
              default="queue", show_default=True)
@click.option("--filter-client", "client_email", metavar="EMAIL")
@click.option("--search", metavar="Q")
@click.option("--limit", type=click.IntRange(min=0), default=200, show_default=True,
              help="At most this many tickets; 0 lists them all.")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def ticket_list(app: AppContext, view, client_email, search, limit, as_json):
    """A view of tickets, in its order (the queue: first placed, then longest waiting)."""
    actor = actor_of(app)
    spec = service.ListSpec(view, client_email, search)
    rows, after = [], None
    while limit == 0 or len(rows) < limit:
        want = service.lists.MAX_PAGE if limit == 0 else min(service.lists.MAX_PAGE, limit - len(rows))
        page = service.list_tickets(app.store(), actor, spec, limit=want, after=after)
        rows += page
        if len(page) < want:
            break
        after = page[-1].sort_key
    if as_json:
        click.echo(json.dumps([row_json(r) for r in rows], indent=2))
    else:
        for r in rows:
            click.echo(row_line(r))


@ticket.command("show")
@click.argument("ticket_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def ticket_show(app: AppContext, ticket_id, as_json):
    """One ticket with its messages (marks it seen; for a client, marks replies read)."""
    actor = actor_of(app)
    d = service.show(app.store(), actor, ticket_id)
    staff = not isinstance(actor, ClientActor)
    if as_json:
        deliveries = _deliveries(app, d) if staff else None
        click.echo(json.dumps(detail_json(d, staff=staff, deliveries=deliveries), indent=2))
    else:
        click.echo(detail_text(d, staff=staff))


def _deliveries(app: AppContext, d) -> dict:
    """What became of each staff reply's mail (queued, sent, failed with the reason)."""
    from store.mail.outbox import message_deliveries

    return message_deliveries(app.store(), [m.id for m in d.messages if m.kind == "staff"])


@ticket.command("take")
@click.argument("ticket_id", type=int)
@click.option("--force", is_flag=True, help="Take over another staff member's lock.")
@pass_app
def ticket_take(app: AppContext, ticket_id, force):
    """Assign ticket to me."""
    lock = service.take(app.store(), actor_of(app), ticket_id, force=force)
    extra = f" (taken over from {lock.took_over_from})" if lock.took_over_from else ""
    click.echo(f"Ticket #{ticket_id} is assigned to you{extra}.")


@ticket.command("reply")
@click.argument("ticket_id", type=int)
@click.option("--body")
@BODY_FILE
@click.option("--internal", default="", help="Internal comment, seen by staff only.")
@click.option("--close", is_flag=True, help="Ok: reply, then close for you and release the lock.")
@click.option("--attach", "attach", type=FILE, multiple=True)
@click.option("--charge", metavar="AMOUNT", help="Charge the client, e.g. 12.50.")
@click.option("--incidents", type=int, help="Support incidents charged (per-incident departments).")
@click.option("--top", is_flag=True, help="Place at the beginning of the queue.")
@click.option("--priority")
@click.option("--template", metavar="TITLE", help="A predefined reply, its variables filled in "
              "(before --body); an unknown or empty variable refuses the reply, named.")
@click.option("--macro", metavar="NAME", help="A macro: its predefined reply (before --body), "
              "then its actions, in one go.")
@pass_app
def ticket_reply(app: AppContext, ticket_id, body, body_file, internal, close, attach, charge,
                 incidents, top, priority, template, macro):
    """Staff: Send reply (Ok with --close). Client: a message to support."""
    body = body_text(app, body, body_file, required=False)
    actor = actor_of(app)
    files = read_attachments(app, attach)
    if isinstance(actor, ClientActor):
        if internal or close or charge or incidents is not None or top or priority or template or macro:
            raise BadInput("A client can only send --body and --attach.")
        message_id = service.client_reply(app.store(), actor, ticket_id, body, files)
        click.echo(f"Message #{message_id} sent.")
        return
    if template and macro:
        raise BadInput("Give --template or --macro, not both: a macro has its own predefined reply.")
    fields = dict(internal=internal, close=close, attachments=files, charge=charge,
                  incidents=incidents, top=True if top else None, priority=priority)
    if macro:
        done = service.apply_macro(app.store(), actor, ticket_id, macro, body, **fields)
        click.echo(f"Macro {printable(done.done, one_line=True)}: ticket #{ticket_id}.")
        return
    if template:
        text = service.render_template(app.store(), actor, service.template_by_title(
            app.store(), actor, template), ticket_id)
        body = f"{text}\n\n{body}" if body.strip() else text
    result = service.reply(app.store(), actor, ticket_id, body, **fields)
    done = "Replied and closed" if result.closed and result.reply_id else "Closed" if result.closed else "Sent"
    if result.held_until is not None:
        click.echo(f"{done}: ticket #{ticket_id}; the reply reaches the client at "
                   f"{result.held_until.strftime('%H:%M:%S UTC')} (until then: ticket-tui ticket "
                   f"undo-send {ticket_id}).")
        return
    click.echo(f"{done}: ticket #{ticket_id}.")


@ticket.command("undo-send")
@click.argument("ticket_id", type=int)
@pass_app
def ticket_undo_send(app: AppContext, ticket_id):
    """Take back your reply while it is held (setting send_delay_seconds): it becomes your
    draft again and the ticket is as before the send (open, locked by you after an Ok)."""
    undone = service.undo_send(app.store(), actor_of(app), ticket_id)
    click.echo(f"Undone: ticket #{ticket_id}; your reply is your draft again "
               f"({len(undone.body)} characters).")


@ticket.command("close")
@click.argument("ticket_id", type=int)
@pass_app
def ticket_close(app: AppContext, ticket_id):
    """Close the ticket for you (an administrator: for everyone)."""
    service.close(app.store(), actor_of(app), ticket_id)
    click.echo(f"Closed: ticket #{ticket_id}.")


@ticket.command("unlock")
@click.argument("ticket_id", type=int)
@pass_app
def ticket_unlock(app: AppContext, ticket_id):
    """Release the ticket's lock (administrators)."""
    service.unlock(app.store(), actor_of(app), ticket_id)
    click.echo(f"Unlocked: ticket #{ticket_id}.")


@ticket.command("assign")
@click.argument("ticket_id", type=int)
@click.option("--department")
@click.option("--staff", "staff_login")
@pass_app
def ticket_assign(app: AppContext, ticket_id, department, staff_login):
    """Redirect the ticket to a department or a staff member."""
    text = service.assign(app.store(), actor_of(app), ticket_id, department=department, staff=staff_login)
    click.echo(text)


@ticket.command("delay")
@click.argument("ticket_id", type=int)
@click.option("--until", "until", metavar="DATE",
              help="ISO date or date-time (UTC unless given), or a span such as 3d or 12h.")
@click.option("--end", is_flag=True, help="End the delay now.")
@pass_app
def ticket_delay(app: AppContext, ticket_id, until, end):
    """Hide the ticket from the queue until a date."""
    if bool(until) == bool(end):
        raise BadInput("Give --until DATE, or --end to end the delay.")
    when = None if end else validate.moment(until, utcnow())
    service.delay(app.store(), actor_of(app), ticket_id, when)
    click.echo(f"Ticket #{ticket_id} " + ("is back in the queue." if end else f"is delayed until {when.isoformat()}."))


@ticket.command("summary")
@click.argument("ticket_id", type=int)
@click.argument("text")
@pass_app
def ticket_summary(app: AppContext, ticket_id, text):
    """Set the ticket's summary (staff only)."""
    service.set_summary(app.store(), actor_of(app), ticket_id, text)
    click.echo(f"Summary saved: ticket #{ticket_id}.")


@ticket.command("favorite")
@click.argument("ticket_id", type=int)
@click.option("--remove", is_flag=True)
@pass_app
def ticket_favorite(app: AppContext, ticket_id, remove):
    """Add the ticket to your favorites (or --remove it)."""
    on = service.set_favorite(app.store(), actor_of(app), ticket_id, not remove)
    click.echo(f"Ticket #{ticket_id} {'is a favorite' if on else 'is no longer a favorite'}.")


@ticket.command("split")
@click.argument("ticket_id", type=int)
@click.option("--from-message", "message_id", type=int, required=True)
@pass_app
def ticket_split(app: AppContext, ticket_id, message_id):
    """Move a message and all later ones to a new ticket; prints its id."""
    click.echo(str(service.split(app.store(), actor_of(app), ticket_id, message_id)))


@ticket.command("merge")
@click.argument("source_id", type=int)
@click.option("--into", "target_id", type=int, required=True, metavar="TARGET")
@click.option("--yes", is_flag=True,
              help="An administrator confirms merging tickets of two clients.")
@pass_app
def ticket_merge(app: AppContext, source_id, target_id, yes):
    """Merge a ticket into another: its messages, charges and holders move; it stays as a stub."""
    service.merge(app.store(), actor_of(app), source_id, target_id, confirmed=yes)
    click.echo(f"Ticket #{source_id} was merged into #{target_id}.")


@ticket.command("edit-message")
@click.argument("message_id", type=int)
@click.option("--body")
@BODY_FILE
@pass_app
def ticket_edit_message(app: AppContext, message_id, body, body_file):
    """Edit a message; the earlier text is kept as its history."""
    body = body_text(app, body, body_file)
    service.edit_message(app.store(), actor_of(app), message_id, body)
    click.echo(f"Message #{message_id} edited.")


@ticket.command("abuse")
@click.argument("ticket_id", type=int)
@click.option("--kind", required=True)
@click.option("--description", required=True)
@pass_app
def ticket_abuse(app: AppContext, ticket_id, kind, description):
    """Register an abuse case linked to the ticket, its client and service."""
    case = service.register_abuse(app.store(), actor_of(app), ticket_id, kind, description)
    click.echo(f"Abuse case #{case} registered.")


@ticket.command("attachment")
@click.argument("attachment_id", type=int)
@click.option("--to", "folder", type=click.Path(file_okay=False), default=".", show_default=True,
              help="The folder to save it in.")
@pass_app
def ticket_attachment(app: AppContext, attachment_id, folder):
    """Save an attachment of a ticket you can see into a folder; prints where it went."""
    from store.files import save_into

    view, data = service.attachment_data(app.store(), actor_of(app), attachment_id)
    click.echo(str(save_into(folder, view.name, data)))


@ticket.command("archive")
@click.argument("ticket_id", type=int)
@pass_app
def ticket_archive(app: AppContext, ticket_id):
    """Move a ticket to your Archive (clients)."""
    service.archive(app.store(), actor_of(app), ticket_id)
    click.echo(f"Ticket #{ticket_id} is in the archive.")


@ticket.command("rate")
@click.argument("message_id", type=int)
@click.argument("verdict", metavar="good|bad")
@click.option("--comment", metavar="TEXT", help="Why (at most 1,000 characters).")
@pass_app
def ticket_rate(app: AppContext, message_id, verdict, comment):
    """Rate a staff reply on one of your tickets good or bad (clients); again to change it."""
    rating = service.rate(app.store(), actor_of(app), message_id, verdict, comment)
    click.echo(f"Reply #{message_id} rated {'good' if rating.good else 'bad'}.")


COMMANDS = [ticket]
