"""The screens' footer: the keys the screen and its focused widget answer to, drawn by one widget.

Textual's Footer makes a widget per key (a dozen on the list, more on the ticket form), each
styled, laid out and painted on its own, and rebuilt whenever the bindings may have changed:
on the list's first paint that was a tenth of the cold start. This footer draws the same line
itself: each key in the footer's key colour with its description after it, disabled keys dim,
the command palette's key on the right behind a thin rule. It is redrawn only when the keys,
their descriptions or their enabled state change. A click on a key presses it (a disabled one
rings the bell); the key under the mouse is highlighted and its tooltip shown.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget


class FooterItem(NamedTuple):
    key: str  # what a click presses
    key_display: str
    description: str
    enabled: bool
    tooltip: str


class KeysFooter(Widget):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"footer-key--key", "footer-key--description", "footer-key--hover",
                         "footer--rule"}
    # The colours and spacing of Textual's Footer and FooterKey.
    DEFAULT_CSS = """
    KeysFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .footer-key--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        .footer--rule {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._items: tuple[FooterItem, ...] = ()
        self._palette: FooterItem | None = None
        self._spans: list[tuple[int, int, FooterItem]] = []  # where each key was drawn
        self._hover: FooterItem | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._read_bindings()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen.app.app_focus and screen is self.screen:
            self._read_bindings()

    def _read_bindings(self) -> None:
        app = self.app
        active = self.screen.active_bindings
        items, seen_actions = [], set()
        for _, binding, enabled, tooltip in active.values():
            if not binding.show or binding.action in seen_actions:  # one key per action
                continue
            seen_actions.add(binding.action)
            items.append(FooterItem(binding.key, app.get_key_display(binding),
                                    binding.description, enabled, tooltip))
        palette = None
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _, binding, enabled, _ = active[app.COMMAND_PALETTE_BINDING]
            palette = FooterItem(binding.key, app.get_key_display(binding), binding.description,
                                 enabled, binding.tooltip or binding.description)
            items = [item for item in items if item.key != binding.key]
        if (tuple(items), palette) != (self._items, self._palette):
            self._items, self._palette = tuple(items), palette
            self.refresh()

    # --- drawing --------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        key_style = base + self.get_component_rich_style("footer-key--key")
        description_style = base + self.get_component_rich_style("footer-key--description")
        hover = self.get_component_rich_style("footer-key--hover")
        dim = Style(dim=True)
        self._spans = []

        def item_segments(item: FooterItem, at: int, compact: bool = False) -> list[Segment]:
            keys, words = key_style, description_style
            if item is self._hover and item.enabled:
                keys, words = keys + hover, words + hover
            if not item.enabled:
                keys, words = keys + dim, words + dim
            if compact:  # the palette's key, as Textual draws it
                parts = [Segment(item.key_display, keys), Segment(f" {item.description}", words)]
            else:
                parts = [Segment(f" {item.key_display} ", keys)]
                if item.description:
                    parts.append(Segment(f"{item.description} ", words))
            self._spans.append((at, at + sum(s.cell_length for s in parts), item))
            return parts

        right: list[Segment] = []
        if self._palette is not None:
            palette = item_segments(self._palette, 0, compact=True)
            right = [Segment("▏", base + self.get_component_rich_style("footer--rule")),
                     *palette, Segment(" ", base)]
        right_width = Segment.get_line_length(right)
        left: list[Segment] = []
        at = 0
        for item in self._items:
            parts = item_segments(item, at)
            at += Segment.get_line_length(parts)
            left += parts
        left_strip = Strip(left).crop_extend(0, max(0, width - right_width), base)
        if right:  # the palette's span, now that its place is known
            start, end, item = self._spans.pop(0)
            offset = width - right_width + 1
            self._spans.append((start + offset, end + offset, item))
        return Strip.join([left_strip, Strip(right)]).crop(0, width)

    # --- the mouse --------------------------------------------------------------------------
    def _item_at(self, x: int) -> FooterItem | None:
        for start, end, item in self._spans:
            if start <= x < end:
                return item
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._set_hover(self._item_at(event.x))

    def on_leave(self, event: events.Leave) -> None:
        self._set_hover(None)

    def _set_hover(self, item: FooterItem | None) -> None:
        if item is not self._hover:
            self._hover = item
            self.tooltip = item.tooltip or item.description if item is not None else None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        item = self._item_at(event.x)
        if item is None:
            return
        if item.enabled:
            self.app.simulate_key(item.key)
        else:
            self.app.bell()
