"""Global settings and per-staff settings: typed, with defaults, validated on the way in."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple

from typing import TYPE_CHECKING

from .errors import BadInput

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .sql import Sql


class SettingSpec(NamedTuple):
    key: str
    kind: type
    default: Any
    description: str
    check: Callable[[Any], str | None] = lambda v: None  # returns the refusal, if any


def _at_least(n: int) -> Callable[[Any], str | None]:
    return lambda v: None if v >= n else f"must be at least {n}"


def _smtp_url_problem(value: str) -> str | None:
    if not value:
        return None  # unset: nothing is sent
    from .mail.smtp_url import smtp_url_problem

    return smtp_url_problem(value)


GLOBAL_SETTINGS: dict[str, SettingSpec] = {
    s.key: s
    for s in (
        SettingSpec("use_priority", bool, False, "Use priority in tickets"),
        SettingSpec("staff_sets_priority", bool, False,
                    "Provider staff sets the priority (clients can't)"),
        SettingSpec("attachment_max_bytes", int, 10 * 1024 * 1024,
                    "Largest attachment accepted, in bytes", _at_least(1)),
        SettingSpec("message_max_chars", int, 1_000_000,
                    "Longest message accepted, in characters", _at_least(1)),
        SettingSpec("lock_timeout_minutes", int, 0,
                    "Idle locks are released after this many minutes (0 = never)", _at_least(0)),
        SettingSpec("send_delay_seconds", int, 10,
                    "A staff reply is held this long before the client sees it, and may be "
                    "undone meanwhile (0 = off)",
                    lambda v: None if 0 <= v <= 3600 else "must be 0 to 3600"),
        SettingSpec("mail_max_bytes", int, 25 * 1024 * 1024,
                    "Largest mail taken in, in bytes: a larger one goes whole to failed mail",
                    _at_least(1024)),
        SettingSpec("mail_unknown_senders", str, "create",
                    "Mail from an address no client has: create the client, or refuse the mail",
                    lambda v: None if v in ("create", "refuse") else "must be create or refuse"),
        SettingSpec("smtp_url", str, "",
                    "Where the desk's mail is sent: smtp://host:port, smtps://..., "
                    "?starttls=yes, a user in the URL (never a password)", _smtp_url_problem),
        SettingSpec("mail_acknowledge_new", bool, False,
                    "A new ticket that came by mail gets an automatic acknowledgement"),
        SettingSpec("mail_auto_per_hour", int, 5,
                    "At most this many automatic mails per address per hour", _at_least(0)),
        SettingSpec("sla_warning_minutes", int, 60,
                    "The Overdue view also lists tickets due within this many minutes",
                    lambda v: None if 0 <= v <= 10080 else "must be 0 to 10080 (a week)"),
        SettingSpec("queue_by_due", bool, False,
                    "The queue lists the soonest due ticket first (after those placed first)"),
    )
}


def parse_value(spec: SettingSpec, raw: str) -> Any:
    """Turns command-line text into the setting's type, or refuses with one sentence."""
    text = raw.strip()
    if spec.kind is bool:
        lowered = text.lower()
        if lowered in ("true", "yes", "on", "1"):
            return True
        if lowered in ("false", "no", "off", "0"):
            return False
        raise BadInput(f"'{raw}' is not a valid value for {spec.key}; use true or false.")
    if spec.kind is int:
        try:
            value = int(text)
        except ValueError:
            raise BadInput(f"'{raw}' is not a valid value for {spec.key}; use a whole number.") from None
    else:
        value = spec.kind(text)
    problem = spec.check(value)
    if problem:
        raise BadInput(f"{spec.key} {problem}.")
    return value


def spec_for(key: str) -> SettingSpec:
    try:
        return GLOBAL_SETTINGS[key]
    except KeyError:
        known = ", ".join(sorted(GLOBAL_SETTINGS))
        raise BadInput(f"'{key}' is not a setting; the settings are: {known}.") from None


def get_all(session: "Session") -> dict[str, Any]:
    from sqlalchemy import select

    from .models import Setting

    values = {key: spec.default for key, spec in GLOBAL_SETTINGS.items()}
    for row in session.scalars(select(Setting)):
        if row.key in GLOBAL_SETTINGS:
            values[row.key] = json.loads(row.value)
    return values


def get(session: "Session", key: str) -> Any:
    from .db import plain_in

    return read(plain_in(session), key)


def read(q: "Sql", key: str) -> Any:
    """A setting, read in a plain transaction (store/sql.py): once per transaction (a mail
    import's batch of 500 mails checks message_max_chars for each)."""
    if key in q.settings:
        return q.settings[key]
    spec = spec_for(key)
    raw = q.value('SELECT value FROM settings WHERE "key" = :key', {"key": key})
    q.settings[key] = value = spec.default if raw is None else json.loads(raw)
    return value


def put(session: "Session", key: str, raw: str) -> Any:
    from .models import Setting

    spec = spec_for(key)
    value = parse_value(spec, raw)
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=json.dumps(value)))
    else:
        row.value = json.dumps(value)
    return value
