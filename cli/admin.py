"""Admin commands: init, department/staff/client/service/reply-template add, settings."""

from __future__ import annotations

import json
import sys

import click

from store import admin
from store.db import Store
from store.errors import BadInput
from store.safe_text import printable

from .common import AppContext, pass_app


@click.command()
@pass_app
def init(app: AppContext) -> None:
    """Create or upgrade the schema (runs the migrations)."""
    store = Store.open(app.db_url, migrate=False)
    try:
        changed = store.upgrade()
        rev = store.current_revision()
    finally:
        store.close()
    click.echo(f"Schema {'upgraded' if changed else 'already'} at revision {rev}.")


@click.group()
def department() -> None:
    """Departments: the queues tickets are sent to."""


@department.command("add")
@click.argument("name")
@click.option("--per-incident", is_flag=True, help="The department charges support incidents.")
@pass_app
def department_add(app: AppContext, name: str, per_incident: bool) -> None:
    info = admin.add_department(app.store(), name, per_incident)
    click.echo(f"Department '{info.name}' added (id {info.id}).")


@department.command("hours")
@click.argument("name")
@click.option("--tz", metavar="ZONE", help="The hours' time zone, e.g. Europe/Berlin.")
@click.option("--week", "week", multiple=True, metavar="\"mon-fri 09:00-17:00\"",
              help="Open days and hours; repeat for more lines.")
@click.option("--holiday", "holidays", multiple=True, metavar="YYYY-MM-DD",
              help="A closed day; repeat for several.")
@click.option("--always-open", is_flag=True, help="Clear the hours: always open.")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def department_hours(app: AppContext, name: str, tz: str | None, week: tuple[str, ...],
                     holidays: tuple[str, ...], always_open: bool, as_json: bool) -> None:
    """Business hours, for response targets. Without options: print them. Setting them
    replaces the week and the holidays whole."""
    from store.sla import hours

    changing = bool(tz or week or holidays)
    if always_open and changing:
        raise BadInput("--always-open clears the hours; give it alone, or give --tz and --week.")
    if always_open:
        shown = hours.clear_hours(app.store(), name)
    elif changing:
        shown = hours.set_hours(app.store(), name, tz, week, holidays)
    else:
        shown = hours.get_hours(app.store(), name)
    if as_json:
        click.echo(json.dumps(shown.json(), indent=2))
        return
    first, *rest = shown.lines()  # only the first names the department (typed text)
    click.echo(printable(first, one_line=True))
    for line in rest:
        click.echo(line)


@click.group()
def staff() -> None:
    """Staff members."""


@staff.command("add")
@click.argument("login")
@click.option("--name", required=True)
@click.option("--department", "departments", multiple=True, help="Repeat for several.")
@click.option("--head", is_flag=True, help="Head of the given departments.")
@click.option("--admin", "is_admin", is_flag=True, help="Administrator: sees and closes everything.")
@pass_app
def staff_add(app: AppContext, login: str, name: str, departments: tuple[str, ...], head: bool,
              is_admin: bool) -> None:
    info = admin.add_staff(app.store(), login, name, list(departments), head, is_admin)
    click.echo(f"Staff member '{info.login}' added (id {info.id}).")


@staff.command("away")
@click.argument("login")
@click.option("--back", is_flag=True, help="Back again: in the round-robin once more.")
@pass_app
def staff_away(app: AppContext, login: str, back: bool) -> None:
    """Away: the response rules' round-robin passes them by (yourself, or anyone as an admin)."""
    from store.rules.manage import set_away

    from .rules import admin_actor

    set_away(app.store(), admin_actor(app), login, away=not back)
    click.echo(f"{login.strip()} is {'back' if back else 'away'}.")


@click.group()
def client() -> None:
    """Clients: the provider's customers."""


@client.command("add")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--comment", default="", help="Internal comment, seen by staff only.")
@pass_app
def client_add(app: AppContext, email: str, name: str, comment: str) -> None:
    info = admin.add_client(app.store(), email, name, comment)
    click.echo(f"Client '{info.email}' added (id {info.id}).")


@click.group()
def service() -> None:
    """Clients' services: domains, VPS, hosting."""


@service.command("add")
@click.option("--client", "client_email", required=True)
@click.option("--name", required=True)
@click.option("--kind", type=click.Choice(["domain", "vps", "hosting", "other"]), default="other")
@click.option("--domain")
@pass_app
def service_add(app: AppContext, client_email: str, name: str, kind: str, domain: str | None) -> None:
    info = admin.add_service(app.store(), client_email, name, kind, domain)
    click.echo(f"Service '{info.name}' added for {info.client_email} (id {info.id}).")


@click.group("reply-template")
def reply_template() -> None:
    """Predefined replies, for everyone, a department or one staff member."""


@reply_template.command("add")
@click.argument("title")
@click.option("--body", required=True)
@click.option("--department")
@click.option("--staff", "staff_login")
@pass_app
def reply_template_add(app: AppContext, title: str, body: str, department: str | None,
                       staff_login: str | None) -> None:
    info = admin.add_reply_template(app.store(), title, body, department, staff_login)
    click.echo(f"Predefined reply '{info.title}' added (id {info.id}).")


@click.group()
def settings() -> None:
    """Global settings."""


@settings.command("get")
@click.argument("key", required=False)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def settings_get(app: AppContext, key: str | None, as_json: bool) -> None:
    values = admin.get_settings(app.store(), key)
    if as_json:
        click.echo(json.dumps(values, indent=2))
        return
    for k, v in values.items():
        click.echo(f"{k} = {json.dumps(v)}")


@settings.command("set", context_settings={"ignore_unknown_options": True})
@click.argument("key")
@click.argument("value")
@pass_app
def settings_set(app: AppContext, key: str, value: str) -> None:
    stored = admin.set_setting(app.store(), key, value)
    click.echo(f"{key} = {json.dumps(stored)}")


@click.group("admin")
def admin_group() -> None:
    """The shared PostgreSQL store: login roles for staff members and clients."""


@admin_group.command("grant-login")
@click.argument("login")
@click.option("--password-stdin", is_flag=True,
              help="Read the role's password from the first line of standard input.")
@click.option("--client", "is_client", is_flag=True, help="LOGIN is a client's email.")
@click.option("--mail", "is_mail", is_flag=True,
              help="LOGIN is a role for the mail service (mail receive, and later fetch and send).")
@pass_app
def grant_login(app: AppContext, login: str, password_stdin: bool, is_client: bool,
                is_mail: bool) -> None:
    """Create the PostgreSQL login role of a staff member (or, with --client, a client; with
    --mail, the mail service).

    They then connect with it (--db postgresql://ROLE@HOST/DB, the password from .pgpass,
    PGPASSWORD or a service file) and the database shows them only what they may see and
    refuses what they may not do. A staff member's role is their login; a client's has an
    opaque name, printed here (again at each grant)."""
    from store import logins

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    if is_mail:
        if is_client:
            raise BadInput("A login is a client's or the mail service's, not both.")
        from store.mail.service_login import grant_mail_login

        role = grant_mail_login(app.store(), login, password)
        click.echo(f"Login role '{role}' granted to the mail service.")
        return
    granted = logins.grant_login(app.store(), login, password, client=is_client)
    what = "created" if granted.created else "updated"
    if granted.kind == "client":
        # The name is opaque (the server's role list is readable by every login): say it.
        click.echo(f"Login role '{granted.role}' {what} for the client {granted.person}; they "
                   f"connect with the user name {granted.role}.")
    else:
        click.echo(f"Login role '{granted.role}' {what} for the staff member {granted.person}.")


@admin_group.command("revoke-login")
@click.argument("login")
@pass_app
def revoke_login(app: AppContext, login: str) -> None:
    """Drop the PostgreSQL login role of a staff member, or of a client (email or role name)."""
    from store import logins

    click.echo(f"Login role '{logins.revoke_login(app.store(), login)}' dropped.")


@click.group()
def config() -> None:
    """The config file (TOML): database, identity, keymap, theme."""


@config.command("path")
def config_path_command() -> None:
    """Print where the config file is (it may not exist yet)."""
    from tui.runtime.config import config_path

    click.echo(str(config_path()))


COMMANDS = [init, department, staff, client, service, reply_template, settings, admin_group, config]
