"""The ticket form's toolbar: every action's words and key, on two lines, in one widget.

Twelve Buttons cost the form a sixth of its opening time (each is a widget to style and lay
out); this draws the same labels as one piece of text and maps a click back to its action.
The labels are the program's own words, never client text.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

Item = tuple[str, str, str]  # action, title, key
GAP = 3


class Toolbar(Widget):
    DEFAULT_CSS = """
    Toolbar { height: auto; }
    Toolbar > .toolbar--item { background: $panel; }
    Toolbar > .toolbar--key { text-style: bold; color: $accent; }
    """
    COMPONENT_CLASSES = {"toolbar--item", "toolbar--key"}

    class Pressed(Message):
        def __init__(self, action: str) -> None:
            super().__init__()
            self.action = action

    def __init__(self, rows: Sequence[Sequence[Item]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows = [list(row) for row in rows]
        self._hidden: set[str] = set()
        self._titles: dict[str, str] = {}
        self._spans: list[tuple[int, int, int, str]] = []  # line, start, end, action

    # --- what the form changes -------------------------------------------------------------
    def show_only_if(self, actions: set[str], shown: bool) -> None:
        hidden = self._hidden - actions if shown else self._hidden | actions
        if hidden != self._hidden:
            self._hidden = hidden
            self.refresh(layout=True)

    def set_title(self, action: str, title: str) -> None:
        if self._titles.get(action) != title:
            self._titles[action] = title
            self.refresh()

    def shows(self, action: str) -> bool:
        return action not in self._hidden

    def label(self, action: str) -> str:
        for row in self.rows:
            for name, title, key in row:
                if name == action:
                    return f"{self._titles.get(name, title)} {key}"
        raise KeyError(action)

    # --- drawing and clicks ------------------------------------------------------------------
    def render(self) -> Text:
        item_style = self.get_component_rich_style("toolbar--item")
        key_style = self.get_component_rich_style("toolbar--key")
        out = Text(no_wrap=True, overflow="crop")
        self._spans = []
        for line, row in enumerate(self.rows):
            if line:
                out.append("\n")
            column = 1
            out.append(" ")
            for action, title, key in row:
                if action in self._hidden:
                    continue
                words = self._titles.get(action, title)
                piece = Text.assemble((f" {words} ", item_style), (f"{key} ", item_style + key_style))
                self._spans.append((line, column, column + piece.cell_len, action))
                out.append_text(piece)
                out.append(" " * GAP)
                column += piece.cell_len + GAP
        return out

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.rows)

    def on_click(self, event: events.Click) -> None:
        for line, start, end, action in self._spans:
            if event.y == line and start <= event.x < end:
                self.post_message(self.Pressed(action))
                return
