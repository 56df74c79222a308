"""The screens' footer: Textual's Footer, rebuilt only when the keys it shows change, its keys
born in its own style.

The stock Footer rebuilds all its key widgets each time the screen's bindings may have changed
(every focus change, every refresh_bindings): opening a ticket rebuilt it eight times, a third
of the time the form took to appear. This one rebuilds once per refresh at most, and not at all
when the keys, their descriptions and their enabled state are what it already shows.

Textual's FooterKey also starts out compact and is then bound to its footer's (not compact)
style: each key gets the -compact class at mount and loses it again at once, two restyles of
the key and its parts for nothing (half the style work of opening a ticket). Here each key is
given the footer's style before it is mounted; what the footer shows is the same.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeysFooter(Footer):
    _pending = False
    _shown: tuple | None = None

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            # (The command palette's key is not bound to the footer's style: it stays compact.)
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._pending:
            self._pending = True
            self.call_after_refresh(self._rebuild_if_changed)

    async def _rebuild_if_changed(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        shown = tuple((binding.key, binding.action, binding.description, enabled, tooltip)
                      for _, binding, enabled, tooltip in self.screen.active_bindings.values()
                      if binding.show)
        if shown != self._shown:
            self._shown = shown
            await self.recompose()
