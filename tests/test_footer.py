"""The footer (tui/widgets/footer.py): one widget drawing the keys the screen answers to, as Textual's
Footer shows them; a click presses a key, a disabled key rings the bell, hovering highlights."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding

from tui.widgets.footer import KeysFooter


class Keys(App[None]):
    BINDINGS = [Binding("x", "do", "Do it", tooltip="Does it"),
                Binding("y", "other", "Not now"),
                Binding("z", "do", "Same action")]  # one key per action, the first

    def __init__(self) -> None:
        super().__init__()
        self.done: list[str] = []
        self.bells = 0
        self.other_allowed = False

    def compose(self) -> ComposeResult:
        yield KeysFooter()

    def check_action(self, action: str, parameters) -> bool | None:
        return None if action == "other" and not self.other_allowed else True

    def action_do(self) -> None:
        self.done.append("do")

    def action_other(self) -> None:
        self.done.append("other")

    def bell(self) -> None:
        self.bells += 1


def line(app: App) -> str:
    footer = app.query_one(KeysFooter)
    return footer.render_line(0).text


def span_of(app: App, key: str) -> int:
    footer = app.query_one(KeysFooter)
    footer.render_line(0)
    return next(start for start, _, item in footer._spans if item.key == key)


async def test_the_line_shows_each_action_once_with_the_palette_key_on_the_right() -> None:
    app = Keys()
    async with app.run_test(size=(60, 3)) as pilot:
        await pilot.pause()
        text = line(app)
        assert text.startswith(" x Do it  y Not now ")
        assert "Same action" not in text
        assert text.endswith("▏^p palette ") and len(text) == 60


async def test_a_click_presses_the_key_and_a_disabled_key_rings_the_bell() -> None:
    app = Keys()
    async with app.run_test(size=(60, 3)) as pilot:
        await pilot.pause()
        await pilot.click(KeysFooter, offset=(span_of(app, "x") + 1, 0))
        await pilot.click(KeysFooter, offset=(span_of(app, "y") + 1, 0))
        await pilot.pause()
        assert app.done == ["do"] and app.bells == 1
        app.other_allowed = True
        app.refresh_bindings()
        await pilot.pause()
        await pilot.click(KeysFooter, offset=(span_of(app, "y") + 1, 0))
        await pilot.pause()
        assert app.done == ["do", "other"] and app.bells == 1


async def test_hovering_a_key_highlights_it_and_shows_its_tooltip() -> None:
    app = Keys()
    async with app.run_test(size=(60, 3)) as pilot:
        await pilot.pause()
        footer = app.query_one(KeysFooter)
        plain = footer.render_line(0)
        await pilot.hover(KeysFooter, offset=(span_of(app, "x") + 1, 0))
        assert footer._hover is not None and footer._hover.key == "x"
        assert footer.tooltip == "Does it"
        hovered = footer.render_line(0)
        assert hovered.text == plain.text and list(hovered) != list(plain)


async def test_it_is_redrawn_only_when_what_it_shows_changes() -> None:
    app = Keys()
    async with app.run_test(size=(60, 3)) as pilot:
        await pilot.pause()
        footer = app.query_one(KeysFooter)
        refreshes = []
        refresh = footer.refresh
        footer.refresh = lambda *a, **k: refreshes.append(1) or refresh(*a, **k)
        app.refresh_bindings()
        await pilot.pause()
        assert refreshes == []
        app.other_allowed = True
        app.refresh_bindings()
        await pilot.pause()
        assert refreshes
