"""The fixes tui/textual_fixes.py makes to the pinned Textual do what they are for."""

from __future__ import annotations

import gc
import weakref

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

import tui.app  # noqa: F401  (applies the fixes, as the app does)


class Cards(App[None]):
    def compose(self) -> ComposeResult:
        yield Vertical(id="cards")


async def test_removed_widgets_leave_no_painted_lines_behind() -> None:
    """Textual #6665: each removed widget's StylesCache (every line it last painted) stayed
    alive in an lru_cache keyed on it."""
    app = Cards()
    caches: list[weakref.ref] = []
    async with app.run_test(size=(40, 20)) as pilot:
        cards = app.query_one("#cards")
        for round_ in range(5):
            labels = [Label(f"card {round_}.{i}") for i in range(10)]
            await cards.mount(*labels)
            await pilot.pause()
            caches += [weakref.ref(label._styles_cache) for label in labels]
            await cards.remove_children()
            await pilot.pause()
        del labels
        gc.collect()
        # The last batch may still be referred to by what removed it; none of the others.
        assert [ref for ref in caches[:-10] if ref() is not None] == []
