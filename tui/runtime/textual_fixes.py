"""Changes to the pinned Textual, applied once, when tui/app.py is imported: two faults (an
lru_cache that kept dead widgets' lines, Textual #6665; the executor's threads keeping finished
workers and their screens, not yet reported: no network here) and two costs (key names looked
up in the Unicode database; seven caches made for every Strip). Each leaves alone code that is
no longer what it was written for, where that can be told cheaply; tests/test_textual_fixes.py
checks what each is for, so a Textual upgrade that changes them fails there first.
"""

from __future__ import annotations

from functools import lru_cache


def keep_no_dead_styles_caches() -> None:
    """Textual #6665: StylesCache.get_inner_outer is an lru_cache on a method, so its key holds
    the StylesCache itself, and with it every line the widget last painted, long after the
    widget is gone: each opened ticket left ~0.2 MB behind (up to 1,024 dead widgets' worth).
    The two styles it makes depend on the two colours only: cache on those."""
    from textual._styles_cache import StylesCache

    if not hasattr(StylesCache.get_inner_outer, "cache_clear"):
        return  # no longer an lru_cache on the method: fixed upstream

    inner_outer = lru_cache(1024)(StylesCache.get_inner_outer.__wrapped__)

    def get_inner_outer(self, base_background, background):
        return inner_outer(None, base_background, background)

    StylesCache.get_inner_outer = get_inner_outer


def let_finished_thread_workers_go() -> None:
    """Textual runs a thread worker's callable in a thread of the event loop's executor after
    setting the active_worker context variable there, and never unsets it: each thread of the
    pool kept the last worker it ran alive, and with it the work's closure and its screen (a
    closed ticket form, ~1.5 MB, until that thread happened to run another worker). The
    variable is unset once the callable returns; coroutine workers run in a context of their
    own and are left as they are."""
    import inspect

    from textual import worker

    run_threaded = worker.Worker._run_threaded
    if getattr(run_threaded, "lets_go", False):
        return

    async def _run_threaded(self):
        work = self._work
        if (callable(work) and not inspect.isawaitable(work)
                and not inspect.iscoroutinefunction(getattr(work, "func", work))):
            def work_then_let_go():
                try:
                    return work()
                finally:
                    worker.active_worker.set(None)

            self._work = work_then_let_go
        return await run_threaded(self)

    _run_threaded.lets_go = True
    worker.Worker._run_threaded = _run_threaded


class LazyFIFOCache:
    """textual.cache.FIFOCache as Strip uses it (get, set), its dict made on the first set.

    Every Strip (one per painted line, per layer: a widget's lines, the compositor's cuts, their
    crops and styles) makes seven FIFOCaches, most of which are never written: ~1 KB a strip,
    ~0.6 MB of a 2,000-message ticket form's 2.2. Textual's Content already makes its caches
    on first use."""

    __slots__ = ("_maxsize", "_cache")

    def __init__(self, maxsize: int) -> None:
        self._maxsize = maxsize
        self._cache: dict | None = None

    def get(self, key, default=None):
        cache = self._cache
        return default if cache is None else cache.get(key, default)

    def set(self, key, value) -> None:
        cache = self._cache
        if cache is None:
            self._cache = {key: value}
            return
        if key not in cache and len(cache) >= self._maxsize:
            del cache[next(iter(cache))]  # the first added goes first
        cache[key] = value

    __setitem__ = set

    def __getitem__(self, key):
        if self._cache is None:
            raise KeyError(key)
        return self._cache[key]

    def __contains__(self, key) -> bool:
        return self._cache is not None and key in self._cache

    def __len__(self) -> int:
        return 0 if self._cache is None else len(self._cache)

    def keys(self):
        return {}.keys() if self._cache is None else self._cache.keys()

    def clear(self) -> None:
        self._cache = None


def make_strip_caches_on_first_use() -> None:
    """Not a fault: a cost (see LazyFIFOCache)."""
    import textual.strip
    from textual.cache import FIFOCache

    if textual.strip.FIFOCache is FIFOCache:
        textual.strip.FIFOCache = LazyFIFOCache


# The Unicode names of printable ASCII's punctuation, and the few key names that the Unicode
# database knows as control characters' aliases (unicodedata.lookup("ESCAPE") is "\x1b").
KEY_CHARACTERS = {
    "SPACE": " ", "EXCLAMATION MARK": "!", "QUOTATION MARK": '"', "NUMBER SIGN": "#",
    "DOLLAR SIGN": "$", "PERCENT SIGN": "%", "AMPERSAND": "&", "APOSTROPHE": "'",
    "LEFT PARENTHESIS": "(", "RIGHT PARENTHESIS": ")", "ASTERISK": "*", "PLUS SIGN": "+",
    "COMMA": ",", "HYPHEN-MINUS": "-", "FULL STOP": ".", "SOLIDUS": "/", "COLON": ":",
    "SEMICOLON": ";", "LESS-THAN SIGN": "<", "EQUALS SIGN": "=", "GREATER-THAN SIGN": ">",
    "QUESTION MARK": "?", "COMMERCIAL AT": "@", "LEFT SQUARE BRACKET": "[",
    "REVERSE SOLIDUS": "\\", "RIGHT SQUARE BRACKET": "]", "CIRCUMFLEX ACCENT": "^",
    "LOW LINE": "_", "GRAVE ACCENT": "`", "LEFT CURLY BRACKET": "{", "VERTICAL LINE": "|",
    "RIGHT CURLY BRACKET": "}", "TILDE": "~",
    "BACKSPACE": "\x08", "DELETE": "\x7f", "ESCAPE": "\x1b", "TAB": "\t",
}
# Key names that are no character's name (nor one with "_" in it, nor a single letter).
NOT_CHARACTERS = frozenset(
    "AT BACKSLASH CTRL-AT DOWN END ENTER HOME INSERT LEFT MINUS PAGEDOWN PAGEUP PLUS RETURN "
    "RIGHT SLASH UNDERSCORE UP".split()
    + ["GREATER THAN SIGN", "HYPHEN MINUS", "LESS THAN SIGN"] + [f"F{n}" for n in range(1, 25)])


class KeyNames:
    """The unicodedata module as textual.keys sees it: the names of the keys people bind are
    answered from the tables above, anything else by unicodedata itself, with the same result.

    Textual turns key names into characters and back by Unicode name (the footer's "?" for
    question_mark; every key bound above a focused widget, at each change of focus). Each first
    lookup, found or not, pages in part of the name database: ~0.7 MB resident for the dozen
    keys on the list's footer, which a bare Textual app (no bindings shown) never pays."""

    def __init__(self, real) -> None:
        self._real = real
        self._names = {char: name for name, char in KEY_CHARACTERS.items() if char.isprintable()}

    def lookup(self, name: str) -> str:
        upper = name.upper()
        if upper in KEY_CHARACTERS:
            return KEY_CHARACTERS[upper]
        if len(name) == 1 or "_" in name or upper in NOT_CHARACTERS:
            raise KeyError(f"undefined character name '{name}'")
        return self._real.lookup(name)

    def name(self, char: str, *default):
        if char in self._names:
            return self._names[char]
        return self._real.name(char, *default)

    def __getattr__(self, attribute: str):
        return getattr(self._real, attribute)


def look_key_names_up_without_the_unicode_database() -> None:
    """Not a fault: a cost (see KeyNames)."""
    import textual.keys

    if not isinstance(textual.keys.unicodedata, KeyNames):
        textual.keys.unicodedata = KeyNames(textual.keys.unicodedata)


def apply() -> None:
    keep_no_dead_styles_caches()
    let_finished_thread_workers_go()
    make_strip_caches_on_first_use()
    look_key_names_up_without_the_unicode_database()
