"""The screens' header: one line, drawn by one widget, as Textual's Header shows it.

Textual's Header is four widgets (itself, an icon, a title, a clock space), each styled, laid
out and painted on its own, and it had two faults: its title watcher raised NoMatches when a
title changed before its title child was composed or after it was removed (the whole app then
stopped with a traceback), and it watched the app's title, so the app kept every header ever
made (each opened ticket's) alive. This one draws the command palette's icon on the left and
the screen's title (else the app's) centred, the sub-title dim after it; it watches only its own
screen, and the app tells the headers on its screens when its own title changes (tui/app.py).
A click on the icon opens the command palette.
"""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.widget import Widget

ICON = "⭘"
ICON_WIDTH = 8  # Textual's HeaderIcon: the icon, padded, in 8 cells
CLOCK_WIDTH = 10  # and the (empty) clock space on the right, which keeps the title centred


class SafeHeader(Widget):
    ALLOW_SELECT = False
    DEFAULT_CSS = """
    SafeHeader {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    def on_mount(self) -> None:
        self.watch(self.screen, "title", self.show_title, init=False)
        self.watch(self.screen, "sub_title", self.show_title, init=False)

    def show_title(self) -> None:
        self.refresh()

    def title_content(self) -> Content:
        screen = self.screen
        title = screen.title if screen.title is not None else self.app.title
        sub_title = screen.sub_title if screen.sub_title is not None else self.app.sub_title
        return self.app.format_title(title, sub_title)

    def render(self) -> Content:
        width = self.size.width
        room = max(0, width - ICON_WIDTH - CLOCK_WIDTH)
        title = self.title_content()
        if title.cell_length > room:
            title = title.truncate(room, ellipsis=True)
        before = (room - title.cell_length) // 2
        after = max(0, width - ICON_WIDTH - before - title.cell_length)
        icon = f" {ICON}".ljust(ICON_WIDTH)
        return Content.assemble(icon, " " * before, title, " " * after)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        on_icon = event.x < ICON_WIDTH and self.app.ENABLE_COMMAND_PALETTE
        self.tooltip = "Open the command palette" if on_icon else None

    async def on_click(self, event: events.Click) -> None:
        if event.x < ICON_WIDTH and self.app.ENABLE_COMMAND_PALETTE:
            event.stop()
            await self.run_action("app.command_palette")
