"""Fixes for faults of the pinned Textual, each with its upstream report; applied once, when
tui/app.py is imported. Each checks that the fault is still there, so an upgraded Textual that
fixed it is left alone (tests/test_textual_fixes.py checks what each fix is for).
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


def apply() -> None:
    keep_no_dead_styles_caches()
