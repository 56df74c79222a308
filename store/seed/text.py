"""The seed's texts: support mail of a hosting provider, assembled from the banks.

Everything is drawn from a random.Random handed in, so a seed gives the same data every time.
Texts are assembled from fragments (greeting, problem, detail, request, sign-off) and filled
with per-ticket facts (domain, IP, invoice number...), so a million tickets don't read alike.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable, Sequence
from typing import TypeVar

from .banks.clients import (COMMENT_SHARE, COMMENTS, COMPANY_A, COMPANY_B, COMPANY_FORM,
                            COMPANY_TRADE, FIRST_NAMES, LAST_NAMES, PLANS, TLDS, VPS_PLANS)
from .banks.facts import CMS, ERRORS, FOLDERS, MONTHS, SOFTWARE, SUBDOMAINS, WEEKDAYS
from .banks.mail import (ACK, ASKS, FOLLOW, GREET, HELLO, HOLDING, NEXT, NOTES, PREFIX, SIGN,
                         SUFFIX, SUMMARIES)
from .banks.topics import Topic

T = TypeVar("T")


def pick(rng: random.Random, seq: Sequence[T]) -> T:
    # random()-indexing: several times faster than rng.choice's rejection loop, and the same
    # on every Python version.
    return seq[int(rng.random() * len(seq))]


def num(rng: random.Random, low: int, high: int) -> int:
    """low <= n < high."""
    return low + int(rng.random() * (high - low))


def person(rng: random.Random) -> tuple[str, str]:
    return pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES)


def _slug(text: str) -> str:
    """'Müller & O'Brien' -> 'muller-o-brien': accents dropped, fit for domains and emails."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    kept = "".join(ch if ch.isalnum() else "-" for ch in plain)
    return "-".join(filter(None, kept.split("-")))


def client_identity(rng: random.Random, number: int) -> tuple[str, str, str, str, str]:
    """(first name, name, email, domain, comment) of client `number`; the number keeps emails unique."""
    first, last = person(rng)
    if rng.random() < 0.55:  # a company account
        brand, trade = pick(rng, COMPANY_A) + pick(rng, COMPANY_B), pick(rng, COMPANY_TRADE)
        name = f"{brand} {trade} {pick(rng, COMPANY_FORM)}"
        domain = _slug(brand + ("-" + trade if rng.random() < 0.5 else ""))
    else:
        name = f"{first} {last}"
        domain = _slug(last) + pick(rng, ("", "-family", "-photo", "-blog", "s"))
    domain = f"{domain}.{pick(rng, TLDS)}"
    comment = pick(rng, COMMENTS) if rng.random() < COMMENT_SHARE else ""
    return first, name, f"{_slug(first)}.{_slug(last)}.{number}@{domain}", domain, comment


def services_for(rng: random.Random, domain: str) -> list[tuple[str, str, str | None]]:
    """A client's services as (name, kind, domain): usually the domain, plus hosting or a VPS."""
    out: list[tuple[str, str, str | None]] = [(f"Domain {domain}", "domain", domain)]
    if rng.random() < 0.7:
        out.append((f"{pick(rng, PLANS)} hosting ({domain})", "hosting", None))
    if rng.random() < 0.35:
        out.append((f"{pick(rng, VPS_PLANS)} (vps-{num(rng, 1000, 99999)})", "vps", None))
    if rng.random() < 0.25:
        extra = f"{pick(rng, COMPANY_A).lower()}{pick(rng, COMPANY_B)}.{pick(rng, TLDS)}"
        out.append((f"Domain {extra}", "domain", extra))
    if rng.random() < 0.1:
        out.append((pick(rng, ("SSL certificate", "Backup storage 100 GB", "Extra IP")), "other", None))
    return out


# The facts texts may mention, drawn only when a template asks for one (most tickets use 2-3).
_FACTS: dict[str, Callable[[random.Random, dict], object]] = {
    "sub": lambda r, c: pick(r, SUBDOMAINS),
    "ip": lambda r, c: f"203.0.113.{num(r, 2, 254)}",
    "node": lambda r, c: f"node{num(r, 1, 60):02d}",
    "vps": lambda r, c: f"vps-{num(r, 1000, 99999)}",
    "plan": lambda r, c: pick(r, PLANS),
    "vps_plan": lambda r, c: pick(r, VPS_PLANS),
    "cms": lambda r, c: pick(r, CMS),
    "error": lambda r, c: pick(r, ERRORS),
    "php_old": lambda r, c: pick(r, ("7.4", "8.0", "8.1")),
    "php_new": lambda r, c: pick(r, ("8.2", "8.3", "8.4")),
    "hour": lambda r, c: num(r, 0, 24),
    "mailbox": lambda r, c: f"{pick(r, ('info', 'office', 'sales', 'contact', 'jobs'))}@{c['domain']}",
    "invoice": lambda r, c: f"INV-{num(r, 2022, 2026)}-{num(r, 10000, 99999)}",
    "amount": lambda r, c: f"{num(r, 5, 400)}.{pick(r, ('00', '50', '90', '99'))}",
    "vat": lambda r, c: f"EU{num(r, 100000000, 999999999)}",
    "month": lambda r, c: pick(r, MONTHS),
    "weekday": lambda r, c: pick(r, WEEKDAYS),
    "days": lambda r, c: num(r, 2, 10),
    "size": lambda r, c: num(r, 1, 40),
    "folder": lambda r, c: pick(r, FOLDERS),
    "software": lambda r, c: pick(r, SOFTWARE),
    "token": lambda r, c: f"{r.getrandbits(64):016x}",
    "user": lambda r, c: f"u{num(r, 1000, 9999)}",
    "date": lambda r, c: f"{num(r, 1, 29)} {pick(r, MONTHS)}",
}


class Context(dict):
    """One ticket's facts: the same {ip} in every message of the ticket, drawn on first use."""

    def __init__(self, rng: random.Random, first: str, company: str, domain: str) -> None:
        super().__init__(first=first, company=company, domain=domain)
        self.rng = rng

    def __missing__(self, key: str) -> object:
        value = self[key] = _FACTS[key](self.rng, self)
        return value


def subject(rng: random.Random, topic: Topic, ctx: Context) -> str:
    text = pick(rng, PREFIX) + pick(rng, topic.subjects).format_map(ctx) + pick(rng, SUFFIX)
    return text[:200]


def first_message(rng: random.Random, topic: Topic, ctx: Context) -> str:
    parts = [pick(rng, topic.problems), pick(rng, topic.details)]
    if rng.random() < 0.35:
        more = pick(rng, topic.details)
        if more != parts[1]:
            parts.append(more)
    body = " ".join(parts).format_map(ctx)
    return f"{pick(rng, GREET)}\n\n{body} {pick(rng, ASKS)}\n\n{pick(rng, SIGN)}\n{ctx['first']}"


def staff_reply(rng: random.Random, topic: Topic, ctx: Context, staff_name: str,
                department: str) -> str:
    if rng.random() < 0.2:
        body = pick(rng, HOLDING)
    else:
        body = f"{pick(rng, ACK)} {pick(rng, topic.replies).format_map(ctx)} {pick(rng, NEXT)}"
    return (f"{pick(rng, HELLO)} {ctx['first']},\n\n{body}\n\n{pick(rng, SIGN)}\n"
            f"{staff_name}\n{department}")


def client_reply(rng: random.Random, topic: Topic, ctx: Context) -> str:
    text = pick(rng, FOLLOW)
    if rng.random() < 0.3:
        text += " " + pick(rng, topic.details)
    return f"{text.format_map(ctx)}\n\n{ctx['first']}"


def internal_note(rng: random.Random, topic: Topic, ctx: Context) -> str:
    return pick(rng, topic.notes if rng.random() < 0.6 else NOTES).format_map(ctx)


def summary(rng: random.Random) -> str:
    return pick(rng, SUMMARIES)


def assigned_message(department: str) -> str:
    """The system message of "Assign"; the exact words of domain.md."""
    return f'The ticket has been assigned to "{department}"'


def abuse_description(rng: random.Random, kind: str, ctx: Context) -> str:
    source = pick(rng, ("a CERT", "Spamhaus", "a hosting peer", "Google Safe Browsing", "a victim"))
    return f"{kind.capitalize()} reported by {source} for {ctx['domain']} ({ctx['ip']})."
