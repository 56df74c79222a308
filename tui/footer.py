"""The screens' footer: Textual's Footer, rebuilt only when the keys it shows change.

The stock Footer rebuilds all its key widgets each time the screen's bindings may have changed
(every focus change, every refresh_bindings): opening a ticket rebuilt it eight times, a third
of the time the form took to appear. This one rebuilds once per refresh at most, and not at all
when the keys, their descriptions and their enabled state are what it already shows.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    _pending = False
    _shown: tuple | None = None

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
