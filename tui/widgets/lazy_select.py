"""A Select whose pop-up list is made the first time it opens.

Textual's Select composes its pop-up (an OptionList, hidden) with the field, and fills it with
every option whenever the options change: the costliest part of the widget, made for each form
even when the list never opens (the ticket form's service field is disabled until the ticket is
yours). This one shows the same field and makes the list when it is first asked to open (Enter,
the arrows, space, a click); until then the options are only kept. Looks and keys are the same.
"""

from __future__ import annotations

from textual.widgets import Select
from textual.widgets._select import SelectCurrent, SelectOverlay


class LazySelect(Select):
    def compose(self):
        yield SelectCurrent(self.prompt)

    @property
    def _overlay(self) -> SelectOverlay | None:
        overlays = self.query_children(SelectOverlay)
        return overlays.first() if overlays else None

    async def _make_overlay(self) -> SelectOverlay:
        overlay = self._overlay
        if overlay is None:
            overlay = SelectOverlay(type_to_search=self._type_to_search)
            overlay.compact = self.compact  # (Select binds it in compose; see watch_compact)
            await self.mount(overlay)
            self._setup_options_renderables()
        return overlay

    def watch_compact(self, compact: bool) -> None:
        if self._overlay is not None:
            self._overlay.compact = compact

    def _setup_options_renderables(self) -> None:
        if self._overlay is not None:
            super()._setup_options_renderables()

    def _watch_value(self, value) -> None:
        """Select's own, the list's highlight kept only once there is a list."""
        self._value = value
        currents = self.query_children(SelectCurrent)
        if not currents:
            return
        current = currents.first()
        if value == self.NULL:
            current.update(self.NULL)
        else:
            for index, (prompt, option_value) in enumerate(self._options):
                if option_value == value:
                    if self._overlay is not None:
                        self._overlay.highlighted = index
                    current.update(prompt)
                    break
        self.post_message(self.Changed(self, value))

    def _watch_expanded(self, expanded: bool) -> None:
        if expanded and self._overlay is None:  # opened by a click: the list first
            async def open_list() -> None:
                await self._make_overlay()
                if self.expanded:
                    super(LazySelect, self)._watch_expanded(True)

            self.call_next(open_list)
            return
        super()._watch_expanded(expanded)

    async def action_show_overlay(self) -> None:
        await self._make_overlay()
        super().action_show_overlay()

    def _watch_prompt(self, prompt: str) -> None:
        if self._overlay is not None:
            super()._watch_prompt(prompt)
        elif self.is_mounted and self.query_children(SelectCurrent):
            current = self.query_children(SelectCurrent).first()
            current.placeholder = prompt
            if self._allow_blank and self.value == self.NULL:
                current.update(self.NULL)
