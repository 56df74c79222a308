"""The bar above the ticket list: the views on the left, the filter chips on the right, drawn by
one widget (it was a row of three, each laid out and painted apart). Chips that don't fit beside
the views go on the lines below, right-aligned: a chip is never hidden."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class ListBar(Widget):
    COMPONENT_CLASSES = {"list-bar--chips"}
    DEFAULT_CSS = """
    ListBar {
        height: auto;
        background: $panel;
        .list-bar--chips { color: $accent; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._views = Text()
        self._chips: list[Text] = []

    def show(self, views: Text, chips: list[Text]) -> None:
        self._views, self._chips = views, chips
        self.refresh(layout=True)

    def render(self) -> Text:
        width = max(1, self.size.width)
        colour = self.get_component_rich_style("list-bar--chips", partial=True)
        chips = []
        for chip in self._chips:
            chip = chip.copy()
            chip.stylize_before(colour)
            chips.append(chip)
        # The chips fill the room right of the views, then whole lines below it; a chip
        # that doesn't fit beside the views starts the next line (never cut in two there).
        lines: list[Text] = [Text()]
        for chip in chips:
            room = width - (self._views.cell_len if len(lines) == 1 else 0)
            last = lines[-1]
            if not last.plain:
                fits = chip.cell_len <= room or len(lines) > 1
            else:
                fits = last.cell_len + 1 + chip.cell_len <= room
            if fits:
                lines[-1] = Text(" ").join([last, chip]) if last.plain else chip
            else:
                lines.append(chip)
        bar = self._views.copy()
        for i, line in enumerate(lines):
            if i:
                bar.append("\n")
            used = bar.cell_len if i == 0 else 0
            bar.append(" " * max(0, width - used - line.cell_len))
            bar.append_text(line)
        return bar
