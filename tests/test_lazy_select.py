"""LazySelect: the pop-up list made when it first opens, by key or click; the rest as a Select."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Button, Select
from textual.widgets._select import SelectOverlay

from tui.widgets.lazy_select import LazySelect


class Form(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.changes: list[object] = []

    def compose(self) -> ComposeResult:
        yield LazySelect([("low", 1), ("normal", 2), ("high", 3)], value=2, allow_blank=False, id="pick")
        yield Button("elsewhere")

    def on_select_changed(self, event: Select.Changed) -> None:
        self.changes.append(event.value)


async def test_the_list_is_made_on_enter_and_chooses_as_a_select_does() -> None:
    app = Form()
    async with app.run_test() as pilot:
        pick = app.query_one("#pick", LazySelect)
        assert not pick.query(SelectOverlay)  # shown, no list yet
        assert pick.value == 2 and "normal" in str(pick.query_one("#label").render())
        pick.set_options([("low", 1), ("normal", 2), ("high", 3), ("urgent", 4)])  # kept for later
        pick.value = 2
        pick.focus()
        await pilot.press("enter")
        await pilot.pause()
        overlay = pick.query_one(SelectOverlay)
        assert pick.expanded and overlay.display and overlay.option_count == 4
        assert overlay.highlighted == 1  # on the current value
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert pick.value == 4 and not pick.expanded and app.changes[-1] == 4
        assert "urgent" in str(pick.query_one("#label").render())


async def test_a_click_opens_the_list_it_makes() -> None:
    app = Form()
    async with app.run_test() as pilot:
        pick = app.query_one("#pick", LazySelect)
        await pilot.click("#pick")
        await pilot.pause()
        assert pick.expanded and pick.query_one(SelectOverlay).display
        await pilot.press("escape")
        await pilot.pause()
        assert not pick.expanded and pick.value == 2
