"""The desk's smtp_url (a setting): its shape, checked when it is set, and what it says.

smtp://host:port (plain; `?starttls=yes` to upgrade), smtps://host:port (TLS from the start),
a user in the URL to log in. Never a password: it would be stored in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from ..errors import BadInput

PASSWORD_ENV = "TICKET_TUI_SMTP_PASSWORD"
SCHEMES = {"smtp": 25, "smtps": 465}
_SHAPE = "smtp://host:port, smtps://host:port or smtp://user@host:port?starttls=yes"


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    tls: bool  # smtps: TLS from the first byte
    starttls: bool
    user: str | None


def smtp_url_problem(url: str) -> str | None:
    """Why this can't be the desk's smtp_url (a phrase after "smtp_url"), or None."""
    try:
        parse_smtp_url(url)
    except BadInput as error:
        return str(error).removeprefix("smtp_url ").rstrip(".")
    return None


def parse_smtp_url(url: str) -> SmtpTarget:
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise BadInput(f"smtp_url must look like {_SHAPE}.") from None
    if parts.scheme not in SCHEMES or not parts.hostname or len(url) > 1000 or parts.path not in ("", "/"):
        raise BadInput(f"smtp_url must look like {_SHAPE}.")
    if parts.password is not None:
        raise BadInput("smtp_url must not hold a password: it would be stored in the database; "
                       f"use ${PASSWORD_ENV} or smtp_password_file in the config file.")
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = set(query) - {"starttls"}
    starttls = [value.lower() for value in query.get("starttls", ["no"])]
    if unknown or len(starttls) != 1 or starttls[0] not in ("yes", "no"):
        raise BadInput("smtp_url takes one option, ?starttls=yes or ?starttls=no.")
    if parts.scheme == "smtps" and starttls[0] == "yes":
        raise BadInput("smtp_url must not ask for starttls with smtps://, which is TLS already.")
    return SmtpTarget(parts.hostname, port or SCHEMES[parts.scheme], parts.scheme == "smtps",
                      starttls[0] == "yes", unquote(parts.username) if parts.username else None)
