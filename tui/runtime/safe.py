"""Client text on screen: always as data. Text objects are built from it, never markup strings.

Where Textual insists on markup (the command palette's help line), the text is escaped first.
"""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text

from store.safe_text import printable


def text(value: str, style: str = "", *, one_line: bool = False) -> Text:
    """A Text holding the value literally (no markup parsed, no control sequences kept)."""
    return Text(printable(value, one_line=one_line), style=style)


def for_markup(value: str) -> str:
    """The value made safe to place inside a markup string."""
    return escape(printable(value, one_line=True))


def service_label(name: str, domain: str | None) -> Text:
    """A service as a one-line option: its name, and its domain when the name doesn't say it."""
    label = name if not domain or domain in name else f"{name} ({domain})"
    shown = text(label, one_line=True)
    shown.no_wrap, shown.overflow = True, "ellipsis"
    return shown
