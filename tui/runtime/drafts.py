"""When a reply being typed is saved as a draft: after a short quiet moment, and at least every
second while the typing goes on (so a crash, or a killed terminal, loses at most the last second
of it; the store keeps each draft once saved)."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.dom import DOMNode
from textual.timer import Timer

QUIET = 0.4  # seconds without a keystroke before saving
MAX_WAIT = 1.0  # seconds a change may wait while typing never pauses
# The shortest timer asked for: Textual's Timer divides by its interval when it runs late (a
# busy machine), so a zero delay would crash the app instead of saving at once.
SOON = 0.01


class DraftTimer:
    def __init__(self, node: DOMNode, save: Callable[[], None]) -> None:
        self._node, self._save = node, save
        self._timer: Timer | None = None
        self._since: float | None = None  # when the oldest unsaved change was made

    @property
    def pending(self) -> bool:
        return self._timer is not None

    def changed(self) -> None:
        now = time.monotonic()
        if self._since is None:
            self._since = now
        if self._timer is not None:
            self._timer.stop()
        delay = min(QUIET, max(SOON, MAX_WAIT - (now - self._since)))
        self._timer = self._node.set_timer(delay, self._fire)

    def flush(self) -> None:
        """Saves now what is waiting (leaving the form)."""
        if self._timer is not None:
            self._timer.stop()
            self._fire()

    def cancel(self) -> None:
        """Forgets what is waiting (the reply is being sent: the draft will be dropped)."""
        if self._timer is not None:
            self._timer.stop()
        self._timer, self._since = None, None

    def _fire(self) -> None:
        self._timer, self._since = None, None
        self._save()
