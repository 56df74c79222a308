"""Variables in predefined replies: `{client.name}`, `{ticket.id}`... filled in for one ticket and
one staff member.

Syntax: a name between braces, `{client.name}`, is a variable; `{{` and `}}` write one literal
brace (`{{client.name}}` sends `{client.name}`). Braces around anything that is not a name (a
JSON snippet, `{ }`) stay as written. The first wave's `{client_name}`, `{ticket_id}` and
`{staff_name}` keep working (templates in use contain them).

The text is scanned once: a value put in is data, never scanned again, so a client named
`{ticket.id}` (or `[b]x[/b]`) is sent as that name, literally. An unknown variable, or one that
is empty for this ticket (no service...), is never sent as braces: the expansion lists it as a
problem and leaves it in place, and the caller refuses to send (refuse_problems) or shows it to
the agent, who edits it away before Send (unfilled).

Plain text work, no database: the reply pane uses it too. The values come from
drafts.ticket_values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from ..errors import NotAllowed

VARIABLES = ("client.name", "client.email", "ticket.id", "ticket.subject", "staff.name",
             "department.name", "service.name", "service.domain")
ALIASES = {"client_name": "client.name", "ticket_id": "ticket.id", "staff_name": "staff.name"}
# `{{`, `}}`, or a name between braces (a dotted identifier).
TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}")


class Problem(NamedTuple):
    variable: str  # as written, without the braces
    reason: str  # "unknown" or "empty"


class Expansion(NamedTuple):
    text: str  # the problems' variables are left in it, in their braces
    problems: tuple[Problem, ...]

    def sentence(self) -> str:
        """One sentence naming every problem, for a refusal or a notice."""
        unknown = [p.variable for p in self.problems if p.reason == "unknown"]
        empty = [p.variable for p in self.problems if p.reason == "empty"]
        parts = []
        if unknown:
            parts.append("unknown variable" + ("s " if len(unknown) > 1 else " ")
                         + ", ".join("{" + v + "}" for v in unknown))
        if empty:
            parts.append("nothing to fill in for " + ", ".join("{" + v + "}" for v in empty)
                         + " on this ticket")
        known = ", ".join("{" + v + "}" for v in VARIABLES)
        return (f"The predefined reply has {'; '.join(parts)}: edit it (known variables: {known}; "
                "write {{ and }} for literal braces).")


def expand(template: str, values: dict[str, str]) -> Expansion:
    """The template with its variables filled in from values (name -> text), in one pass."""
    problems: dict[str, Problem] = {}

    def fill(match: re.Match) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        name = match.group(1)
        key = ALIASES.get(name, name)
        if key not in VARIABLES:
            problems.setdefault(name, Problem(name, "unknown"))
            return token
        value = values.get(key) or ""
        if not value.strip():
            problems.setdefault(name, Problem(name, "empty"))
            return token
        return value

    return Expansion(TOKEN.sub(fill, template), tuple(problems.values()))


def unfilled(body: str, problems: Iterable[Problem]) -> list[str]:
    """The problems' variables still in the body, in their braces (the agent has not edited them
    away yet): a reply holding one is not sent."""
    return ["{" + p.variable + "}" for p in problems if "{" + p.variable + "}" in body]


def refuse_problems(expansion: Expansion) -> str:
    """The text, or a refusal naming the variables that could not be filled in."""
    if expansion.problems:
        raise NotAllowed(expansion.sentence())
    return expansion.text
