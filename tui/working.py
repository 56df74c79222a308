"""Running store calls off the UI thread, with refusals shown as one plain sentence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.dom import DOMNode

from store.errors import StoreError


def run_store_call(node: DOMNode, fn: Callable[..., Any], *args: Any,
                   done: Callable[[Any], None] | None = None,
                   refused: Callable[[StoreError], None] | None = None,
                   group: str = "store", **kwargs: Any) -> None:
    """Calls fn(store, actor, *args, **kwargs) in a worker thread; then done(result) or
    refused(error) on the UI thread. A refusal defaults to an error notification."""
    app = node.app

    def work() -> None:
        try:
            result = fn(app.store, app.actor, *args, **kwargs)
        except StoreError as error:
            app.call_from_thread(refused or _notify_refusal(app), error)
            return
        if done is not None:
            app.call_from_thread(done, result)

    # A bug must not vanish inside a worker: exit_on_error=True ends the app with its traceback.
    node.run_worker(work, thread=True, group=group, exit_on_error=True)


def _notify_refusal(app) -> Callable[[StoreError], None]:
    return lambda error: app.notify(str(error), severity="error", timeout=8, markup=False)
