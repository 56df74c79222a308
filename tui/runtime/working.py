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
    refused(error) on the UI thread. A refusal defaults to an error notification.

    The answer may come after the node left the screen (Esc pressed meanwhile): then done is
    skipped (there is nothing left to update) and a refusal is still told, as a notification."""
    app = node.app

    def deliver(result: Any) -> None:
        if node.is_attached and done is not None:
            done(result)

    def refuse(error: StoreError) -> None:
        (refused if refused is not None and node.is_attached else _notify_refusal(app))(error)

    def work() -> None:
        try:
            result = fn(app.store, app.actor, *args, **kwargs)
        except StoreError as error:
            app.call_from_thread(refuse, error)
            return
        app.call_from_thread(deliver, result)

    # A bug must not vanish inside a worker: exit_on_error=True ends the app with its traceback.
    node.run_worker(work, thread=True, group=group, exit_on_error=True)


def _notify_refusal(app) -> Callable[[StoreError], None]:
    return lambda error: app.notify(str(error), severity="error", timeout=8, markup=False)
