"""The screens' header: Textual's Header, without its start-up race or its leak.

Header's own title watcher looks up its HeaderTitle child, and raises NoMatches when a title
changes before that child is composed, or after it was removed (a screen left at once, a
machine under load): the whole app then stops with a traceback. This one ignores that moment;
the title is set again once the child is there.

Header also watches the app's title: the app then keeps every header ever made (each opened
ticket's) until its title next changes. This one watches only its own screen, which goes with
it; the app tells the headers on its screens when its own title changes (tui/app.py).
"""

from __future__ import annotations

from textual import events
from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.widgets import Header
from textual.widgets._header import HeaderTitle


class SafeHeader(Header):
    def _on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # instead of Header._on_mount (Widget's does nothing here)

        self.watch(self.screen, "title", self.show_title)
        self.watch(self.screen, "sub_title", self.show_title)

    def show_title(self) -> None:
        try:
            self.query_one(HeaderTitle).update(self.format_title())
        except (NoScreen, NoMatches):
            pass
