"""The list's bar (tui/queue/bar.py): the views on the left, the chips right-aligned beside them
or, when they don't fit, on the lines below: never cut in two, never hidden."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from tui.queue.bar import ListBar

VIEWS = Text(" 1 Support tickets   2 All tickets   3 Favorites ")
CLIENT = Text(" client: harriet@colesbakery.example ✕ ", style="reverse")  # 39 cells
SEARCH = Text(" search: mail ", style="reverse")  # 14 cells


class Bar(App[None]):
    def compose(self) -> ComposeResult:
        yield ListBar()


async def lines_at(width: int, chips: list[Text]) -> list[str]:
    app = Bar()
    async with app.run_test(size=(width, 6)) as pilot:
        bar = app.query_one(ListBar)
        bar.show(VIEWS, chips)
        await pilot.pause()
        return [line.rstrip("\n") for line in bar.render().plain.split("\n")]


async def test_chips_that_fit_are_beside_the_views_right_aligned() -> None:
    lines = await lines_at(120, [CLIENT, SEARCH])
    assert len(lines) == 1 and len(lines[0]) == 120
    assert lines[0].startswith(VIEWS.plain)
    assert lines[0].endswith(CLIENT.plain + " " + SEARCH.plain)


async def test_a_chip_that_does_not_fit_beside_the_views_goes_below_whole() -> None:
    lines = await lines_at(80, [CLIENT, SEARCH])
    assert lines[0].rstrip() == VIEWS.plain.rstrip()
    assert lines[1] == (CLIENT.plain + " " + SEARCH.plain).rjust(80)


async def test_chips_fill_the_room_beside_the_views_first() -> None:
    lines = await lines_at(64, [SEARCH, CLIENT])
    assert lines[0] == VIEWS.plain + " " * (64 - len(VIEWS.plain) - len(SEARCH.plain)) + SEARCH.plain
    assert lines[1] == CLIENT.plain.rjust(64)
