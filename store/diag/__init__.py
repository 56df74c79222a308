"""Network diagnostics for domain services: DNS look-ups (dig) and whois, without the UI.

Both talk to servers staff don't control, so every answer is untrusted: sizes are capped,
waits are bounded by a time-out, and every failure becomes one typed error with one plain
sentence (the same sentence the command line prints and the TUI shows in red).
"""

from __future__ import annotations

import re

from ..errors import BadInput, Refused

# The record types dig asks for (here, not in dig.py, so the command line can name them
# without loading the DNS library).
RECORD_TYPES = ("A", "AAAA", "MX", "NS", "TXT", "CNAME", "SOA")

__all__ = [
    "BadQuery", "DiagError", "Malformed", "NoSuchDomain", "NotRegistered", "ServerFailure",
    "TimedOut", "Unreachable", "clip", "domain_name", "seconds", "where",
]


class DiagError(Refused):
    """A diagnostic could not give an answer; str(error) says why in one sentence.

    A Refused, so the command line exits 1 with the sentence and no traceback."""


class BadQuery(BadInput, DiagError):
    """The question itself is malformed (a bad domain name, an unknown record type, a bad port).
    A BadInput first, so the command line exits 2; a DiagError too, so callers catch one type."""


class NoSuchDomain(DiagError):
    """The DNS server says the name does not exist (NXDOMAIN)."""


class NotRegistered(DiagError):
    """The whois server found no match for the domain."""


class ServerFailure(DiagError):
    """The DNS server answered with an error code other than NXDOMAIN (SERVFAIL, REFUSED...)."""


class TimedOut(DiagError):
    pass


class Unreachable(DiagError):
    """Refused connection, unknown host, no route: the server could not be asked at all."""


class Malformed(DiagError):
    """An answer arrived but is not a DNS message / not text: garbage, cut short, or empty."""


_LABEL = re.compile(r"^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$")


def domain_name(value: str) -> str:
    """The domain as a lower-case ASCII name without the final dot, or BadQuery.

    Deliberately strict: it goes into a DNS question and onto a whois line (where a CR/LF
    or a space would let a pasted value send extra commands to the server)."""
    name = (value or "").strip()
    if not name:
        raise BadQuery("The domain name can't be empty.")
    shown = " ".join(name.split())[:80]
    if any(ch in name for ch in " \t\r\n\x00/:@") or "://" in name:
        raise BadQuery(f"{shown!r} is not a domain name (just the name, like example.com).")
    if name != "." and name.endswith("."):
        name = name[:-1]
    try:
        # IDNA 2003 from the standard library: enough to turn a Unicode name into xn-- labels.
        name = name.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise BadQuery(f"{shown!r} is not a valid domain name.") from None
    labels = name.split(".")
    if len(name) > 253 or not all(_LABEL.match(label) for label in labels):
        raise BadQuery(f"{shown!r} is not a valid domain name.")
    return name


def port_number(value: int) -> int:
    if not 1 <= value <= 65535:
        raise BadQuery(f"The port must be between 1 and 65535, not {value}.")
    return value


def timeout_seconds(value: float) -> float:
    if not 0 < value <= 300:
        raise BadQuery(f"The time-out must be more than 0 and at most 300 seconds, not {value}.")
    return value


def seconds(value: float) -> str:
    """3.0 -> '3 s', 0.4 -> '0.4 s': time-outs the way a person writes them."""
    return f"{value:g} s"


def where(host: str, port: int) -> str:
    """host:port, with IPv6 addresses bracketed so the port stays readable."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a line end, with a note when something was left out.
    The internal comment is bounded (10 000 characters); a whois answer alone can exceed it."""
    if len(text) <= limit:
        return text
    head = text[: max(0, limit - 60)]  # 60: room for the note below
    if "\n" in head:
        head = head[: head.rindex("\n")]
    return head + f"\n[... cut: {len(text) - len(head):,} more characters not shown]"
