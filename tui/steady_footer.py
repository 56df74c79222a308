"""The ticket form's footer: KeysFooter, its keys born in the footer's own style.

Textual's FooterKey starts out compact and is then bound to its footer's (not compact) style:
each key gets the -compact class at mount and loses it again at once, two restyles of the key
and its parts for nothing (the command palette's key, not bound, keeps its compact look). Building the footer's keys was half the style work of opening a
ticket. Here each key is given the footer's style before it is mounted, so neither happens;
what the footer shows is the same.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets._footer import FooterKey

from .footer import KeysFooter


class SteadyFooter(KeysFooter):
    def compose(self) -> ComposeResult:
        for widget in super().compose():
            # (The command palette's key is not bound to the footer's style: it stays compact.)
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget
