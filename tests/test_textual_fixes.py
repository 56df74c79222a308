"""The fixes tui/runtime/textual_fixes.py makes to the pinned Textual do what they are for."""

from __future__ import annotations

import gc
import string
import weakref

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


# --- key names answered without the Unicode database ----------------------------------------
def _key_names_asked() -> set[str]:
    """Every key name textual.keys may look up for Textual's keys and the app's bindings."""
    import string

    from textual.keys import KEY_NAME_REPLACEMENTS, KEY_TO_UNICODE_NAME, Keys

    keys = {k.value for k in Keys if not k.value.startswith("<")}
    keys |= set(KEY_TO_UNICODE_NAME) | set(KEY_NAME_REPLACEMENTS) | set(KEY_NAME_REPLACEMENTS.values())
    keys |= set(string.printable.strip())
    return keys


def test_key_names_are_answered_as_the_unicode_database_would() -> None:
    import unicodedata

    from tui.runtime.textual_fixes import KEY_CHARACTERS, NOT_CHARACTERS, KeyNames

    names = KeyNames(unicodedata)
    for name, char in KEY_CHARACTERS.items():
        assert unicodedata.lookup(name) == char
    for name in NOT_CHARACTERS:
        with pytest.raises(KeyError):
            unicodedata.lookup(name)
    for key in _key_names_asked():
        for name in (key, key.replace("_", " "), key.upper(), key.rpartition("+")[2]):
            try:
                expected = unicodedata.lookup(name)
            except KeyError:
                with pytest.raises(KeyError):
                    names.lookup(name)
            else:
                assert names.lookup(name) == expected
    for char in string.printable:
        assert names.name(char, None) == unicodedata.name(char, None)


def test_textual_shows_and_maps_every_key_as_before(monkeypatch) -> None:
    import unicodedata

    import textual.keys as keys

    from tui.runtime.textual_fixes import KeyNames

    def both(key: str) -> tuple:
        return (keys.format_key.__wrapped__(key), keys.key_to_character.__wrapped__(key),
                keys._character_to_key(key) if len(key) == 1 else None)

    for key in _key_names_asked():
        monkeypatch.setattr(keys, "unicodedata", unicodedata)
        real = both(key)
        monkeypatch.setattr(keys, "unicodedata", KeyNames(unicodedata))
        assert both(key) == real, key


async def test_reading_the_desk_looks_no_key_up_in_the_unicode_database(sqlite_desk, monkeypatch) -> None:
    import unicodedata

    import textual.keys as keys

    from tests.pilot_wait import until
    from tui.app import TicketApp
    from tui.ticket.screen import TicketScreen

    asked: list[str] = []

    class Spy:
        def lookup(self, name):
            asked.append(name)
            return unicodedata.lookup(name)

        def name(self, char, *default):
            asked.append(char)
            return unicodedata.name(char, *default)

    monkeypatch.setattr(keys.unicodedata, "_real", Spy())
    keys.format_key.cache_clear()
    keys.key_to_character.cache_clear()
    tid = sqlite_desk.open(subject="Keys")
    app = TicketApp(sqlite_desk.store, sqlite_desk.alice, live_interval=60)
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: app.sweeper.frozen)
        await pilot.press("question_mark")
        await pilot.pause(0.2)
        await pilot.press("escape")
        app.push_screen(TicketScreen(tid))
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail is not None)
        await pilot.press("t")  # taken: the reply pane and its text area get the focus
        await until(pilot, lambda: app.screen.query("ReplyPane"))
        await pilot.pause(0.2)
    assert asked == []


async def test_a_finished_thread_worker_is_let_go() -> None:
    """Textual left the active_worker variable set in the executor's thread: that thread kept
    the last worker it ran, and all its work referred to, alive."""

    class Held:
        pass

    app = Cards()
    async with app.run_test(size=(40, 20)) as pilot:
        held = Held()
        kept = weakref.ref(held)
        done = app.run_worker(lambda held=held: held, thread=True)
        await done.wait()
        del held, done
        await pilot.pause(0.1)
        gc.collect()
        assert kept() is None


# --- Strip's caches made on first use --------------------------------------------------------
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 9), st.integers()), max_size=60),
       st.integers(1, 5))
def test_a_lazy_cache_answers_as_textuals_fifo_cache(steps, maxsize) -> None:
    from textual.cache import FIFOCache

    from tui.runtime.textual_fixes import LazyFIFOCache

    lazy, fifo = LazyFIFOCache(maxsize), FIFOCache(maxsize)
    for write, key, value in steps:
        if write:
            lazy[key] = fifo[key] = value
        assert lazy.get(key, "none") == fifo.get(key, "none")
        assert len(lazy) == len(fifo) and list(lazy.keys()) == list(fifo.keys())
        assert (key in lazy) == (key in fifo)


def test_strips_paint_the_same_with_caches_made_on_first_use(monkeypatch) -> None:
    from rich.console import Console
    from rich.segment import Segment
    from rich.style import Style

    import textual.cache
    import textual.strip
    from tui.runtime.textual_fixes import LazyFIFOCache

    def flat(result):
        if isinstance(result, textual.strip.Strip):
            return result.text, list(result)
        if isinstance(result, list):
            return [flat(r) for r in result]
        return result

    def paint(cache_class) -> list:
        monkeypatch.setattr(textual.strip, "FIFOCache", cache_class)
        bold, red = Style(bold=True), Style(color="red")
        strip = textual.strip.Strip([Segment("Ticket #42 ", bold), Segment("Site down", red)])
        out = []
        for _ in range(2):  # the second time from the caches
            out += [strip.crop(3, 15), strip.divide([4, 11]), strip.apply_style(red),
                    strip.crop_extend(2, 30, bold), strip.adjust_cell_length(25, bold),
                    strip.apply_offsets(1, 2), strip.render(Console())]
        return flat(out)

    assert paint(LazyFIFOCache) == paint(textual.cache.FIFOCache)
    monkeypatch.setattr(textual.strip, "FIFOCache", LazyFIFOCache)
    fresh = textual.strip.Strip([Segment("x")])
    assert fresh._crop_cache._cache is None  # no dict until something is cached


def test_strips_make_their_caches_on_first_use() -> None:
    import textual.strip

    from tui.runtime.textual_fixes import LazyFIFOCache

    assert textual.strip.FIFOCache is LazyFIFOCache  # as the app applies it
