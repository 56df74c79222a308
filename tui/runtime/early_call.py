"""A store call started before its screen is mounted, its answer taken once the screen is ready.

A screen that reads its data only from on_mount paints itself empty first and again, fully,
once the answer lands: two layouts of the whole form where one would do. Started from
compose(), the call runs in its worker thread while the widgets are being built, and is most
often answered by the time on_mount asks; the form is then filled before its first paint.
Nothing waits for it: an answer that comes later is handed over as it comes, on the UI thread.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

from textual.dom import DOMNode

from store.errors import StoreError

_NOTHING = object()
# How long a screen's first paint may wait for its first answer: a screen painted empty and
# again, filled in, a moment later costs more than this wait, and looks worse.
FIRST_PAINT_WAIT = 0.15


class EarlyCall:
    def __init__(self, node: DOMNode, fn: Callable[..., Any], *args: Any) -> None:
        self._node = node
        self._lock = threading.Lock()
        self._result: Any = _NOTHING
        self._error: StoreError | None = None
        self._done: Callable[[Any], None] | None = None
        self._refused: Callable[[StoreError], None] | None = None
        self._answered = asyncio.Event()
        loop = asyncio.get_running_loop()
        app = node.app

        def work() -> None:
            try:
                result, error = fn(app.store, app.actor, *args), None
            except StoreError as raised:
                result, error = None, raised
            with self._lock:
                self._result, self._error = result, error
                waited = self._done is not None
            try:
                loop.call_soon_threadsafe(self._answered.set)
            except RuntimeError:  # the app has ended meanwhile: nobody waits any more
                return
            if waited:  # then() came first: hand the answer over on the UI thread
                app.call_from_thread(self._deliver)

        # A bug must not vanish inside a worker: exit_on_error=True ends the app with its traceback.
        node.run_worker(work, thread=True, group="store", exit_on_error=True)

    async def answered(self, timeout: float | None = None) -> bool:
        """Waits until the answer is here, at most timeout seconds (FIRST_PAINT_WAIT unless
        told); whether it is."""
        try:
            await asyncio.wait_for(self._answered.wait(), FIRST_PAINT_WAIT if timeout is None else timeout)
        except asyncio.TimeoutError:
            return False
        return True

    def then(self, done: Callable[[Any], None], refused: Callable[[StoreError], None]) -> None:
        """done(result) or refused(error): at once if the answer is here, else when it comes.
        Called on the UI thread, once."""
        with self._lock:
            self._done, self._refused = done, refused
            answered = self._result is not _NOTHING
        if answered:
            self._deliver()

    def _deliver(self) -> None:
        if not self._node.is_attached:
            if self._error is not None:  # still told, as a notification
                self._node.app.notify(str(self._error), severity="error", timeout=8, markup=False)
            return
        if self._error is not None:
            self._refused(self._error)
        else:
            self._done(self._result)
