"""Input checks shared by every face: each refuses with one plain sentence (BadInput)."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation

from .errors import BadInput

# Deliberately simple: one @, a dot in the domain, no spaces or control characters.
_EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$")
_LOGIN = re.compile(r"^[a-z_][a-z0-9_.-]*$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def storable(value: str, what: str) -> str:
    """Text both databases can store: valid Unicode (no lone surrogates, which arrive from
    undecodable bytes on a command line or in a file)."""
    if "\x00" in value:
        raise BadInput(f"The {what} contains a NUL character, which can't be stored.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadInput(f"The {what} contains bytes that are not valid text (UTF-8).") from None
    return value


def text_field(value: str, what: str, max_len: int, *, allow_empty: bool = False) -> str:
    """A one-line text: surrounding spaces trimmed, not empty (unless allowed), bounded."""
    value = storable((value or "").strip(), what)
    if not value and not allow_empty:
        raise BadInput(f"The {what} can't be empty.")
    if len(value) > max_len:
        raise BadInput(f"The {what} is {len(value)} characters long; the limit is {max_len}.")
    if any(ch in value for ch in "\r\n\x00"):
        raise BadInput(f"The {what} must be a single line.")
    return value


def email(value: str) -> str:
    value = (value or "").strip().lower()
    if len(value) > 254 or not _EMAIL.match(value):
        raise BadInput(f"'{value}' is not a valid email address.")
    return value


def login(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise BadInput("The login can't be empty.")
    if len(value) > 63 or not _LOGIN.match(value):
        raise BadInput(
            f"'{value}' is not a valid login: use lower-case letters, digits, '_', '.' or '-', "
            "starting with a letter, at most 63 characters."
        )
    return value


def domain(value: str) -> str:
    value = (value or "").strip().lower().rstrip(".")
    if not _DOMAIN.match(value):
        raise BadInput(f"'{value}' is not a valid domain name.")
    return value


_AMOUNT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)", re.ASCII)


def amount_cents(value: str | int | Decimal, what: str = "amount") -> int:
    """A positive money amount with at most two decimals, returned in cents. Written with ASCII
    digits and an optional point only: no exponents (1e2), no other scripts' digits."""
    text = str(value).strip()
    if not _AMOUNT.fullmatch(text):
        raise BadInput(f"'{value}' is not a valid {what}; write it like 12.50.")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise BadInput(f"'{value}' is not a valid {what}; write it like 12.50.") from None
    if not amount.is_finite() or amount <= 0:
        raise BadInput(f"The {what} must be more than zero.")
    if amount.as_tuple().exponent < -2:
        raise BadInput(f"The {what} can have at most two decimals.")
    cents = int(amount * 100)
    if cents > 100_000_000_00:
        raise BadInput(f"The {what} is too large.")
    return cents


def count(value: int, what: str, *, minimum: int = 0, maximum: int = 1_000_000) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadInput(f"The {what} must be a whole number.")
    if value < minimum or value > maximum:
        raise BadInput(f"The {what} must be between {minimum} and {maximum}.")
    return value


_RELATIVE = re.compile(r"^\+?(\d{1,4})\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def moment(text: str, now: datetime) -> datetime:
    """A point in time typed by a person: an ISO date (its midnight UTC), an ISO date-time
    (UTC unless it says otherwise), or a span from now such as 3d, 12h, 30m or 2w."""
    raw = (text or "").strip()
    relative = _RELATIVE.match(raw.lower())
    if relative:
        amount, unit = int(relative.group(1)), _UNITS[relative.group(2)]
        return now + timedelta(**{unit: amount})  # at most 9999 weeks: no overflow
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise BadInput(
            f"'{raw}' is not a date; write it like 2026-12-31, 2026-12-31T09:00 or 3d."
        ) from None
    if len(raw) == 10:
        value = datetime.combine(value.date(), time(0, 0))
    if not 1970 < value.year < 9000:
        raise BadInput(f"'{raw}' is too far in the past or the future.")
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


MAX_ID = 2_147_483_647  # the largest id either database stores


def is_id(value: int) -> bool:
    """Ids beyond what the database stores can't exist: looking them up just finds nothing."""
    return 1 <= value <= MAX_ID
