"""Gives back what a closed screen held as soon as it is closed.

Textual's widgets live in reference cycles (parent and children, message pumps, timers), so a
closed ticket form is freed only by Python's cycle collector, whose full passes are rare: forms
piled up between passes (three 2,000-message tickets opened in turn held ~2 MB more than one),
and each new form took fresh memory instead of reusing the last one's.

So the app sweeps a moment after each change of screen: one collection, and Rich's cache of
text widths emptied (it keeps up to 4,096 of the lines last painted, the closed screen's among
them). To keep a sweep short, what is alive once the home screen is first painted (modules,
styles, the home screen, which lives as long as the app) is frozen out of the collector's sight
(gc.freeze): a sweep then costs ~4 ms instead of ~30 ms with a million-ticket list open. The
price: a frozen object dropped later in a cycle (the styles of a theme switched away from, say)
is freed only when the app ends and thaws it, so that an app run inside a longer process (the
tests) leaves nothing behind.
"""

from __future__ import annotations

import gc

from rich.cells import cached_cell_len
from textual.app import App
from textual.timer import Timer

SWEEP_AFTER_S = 0.3  # after a change of screen: the old one is removed, the new one painted


class Sweeper:
    def __init__(self, app: App) -> None:
        self.app = app
        self.frozen = False
        self._due: Timer | None = None

    def start(self) -> None:
        self.app.screen_change_signal.subscribe(self.app, self._screen_changed)

    def home_painted(self) -> None:
        """The home screen's first rows are on screen: what lives now lives for the whole run."""
        if not self.frozen:
            self.frozen = True
            gc.collect()  # the start's own garbage is not kept frozen
            gc.freeze()

    def stop(self) -> None:
        if self.frozen:
            self.frozen = False
            gc.unfreeze()

    def _screen_changed(self, _screen) -> None:
        if self._due is not None:
            self._due.stop()
        self._due = self.app.set_timer(SWEEP_AFTER_S, self.sweep)

    def sweep(self) -> None:
        self._due = None
        cached_cell_len.cache_clear()
        gc.collect()
