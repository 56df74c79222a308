"""Others' changes, pushed to the open screens; a lost database shown calmly and retried.

One thread per app waits on store/live.py (PostgreSQL LISTEN/NOTIFY with ticket ids; SQLite
polling its change marker every `live_interval`). Changes are handed to every screen of the
stack that has a `tickets_changed(change)` method, on the UI thread: the first at once, then at
most one every MIN_GAP_SECONDS, merged. A notification is only a hint (the screens re-read what
they show, as the reader may see it), and anyone connected may send them: PostgreSQL has no
privilege for NOTIFY, so a flood of them must cost the app a reload or two a second, not one
per notification. When the database can't be
reached, the app says so once ("reconnecting…"), keeps trying every second, and says so again
when it is back; the screens then re-read what they show and save what waited (drafts).
"""

from __future__ import annotations

import threading
import time

from store import live
from store import service as sv
from store.errors import StoreError

from tui.runtime.working import run_store_call

RETRY_SECONDS = 1.0
MIN_GAP_SECONDS = 0.5


class LiveFeed:
    def __init__(self, app) -> None:
        self.app = app
        self._stop = threading.Event()
        self._listener: live.Listener | None = None
        self.connected = True

    def start(self) -> None:
        self.app.run_worker(self._run, thread=True, group="live", exit_on_error=False)

    def stop(self) -> None:
        self._stop.set()
        if self._listener is not None:
            self._listener.close()

    def _run(self) -> None:
        from textual.worker import get_current_worker

        worker = get_current_worker()
        pending: live.Change | None = None  # heard, not handed over yet
        due = 0.0  # when the next change may be handed over
        while not self._stop.is_set() and not worker.is_cancelled:
            try:
                if self._listener is None:
                    self._listener = live.listen(self.app.store, poll_seconds=self.app.live_interval)
                if pending is None:
                    change = self._listener.wait(timeout=1.0)
                else:  # held back: sleep until it may go, then take all that came meanwhile
                    self._stop.wait(max(0.0, due - time.monotonic()))
                    change = self._listener.wait(timeout=0.0)
            except StoreError as error:
                self._lost(error)
                self._stop.wait(RETRY_SECONDS)
                continue
            if self._stop.is_set():
                return
            if not self.connected:
                self.connected = True
                self.app.call_from_thread(self.app.connection_back)
                change = live.Change(everything=True)  # what changed meanwhile is unknown
            if change is not None:
                pending = change if pending is None else pending.merged(change)
            if pending is not None and time.monotonic() >= due:
                self.app.call_from_thread(self.app.tickets_changed, pending)
                pending, due = None, time.monotonic() + MIN_GAP_SECONDS

    def _lost(self, error: StoreError) -> None:
        if self._stop.is_set() or not self.connected:
            return
        self.connected = False
        self.app.call_from_thread(self.app.connection_lost, str(error))


class FollowsTicket:
    """For a screen showing one ticket (staff form, client ticket): re-read it when a change
    names it (or names everything) and the change marker moved; save a draft that waited for
    the database once it is back. The screen has ticket_id, _marker, load(), _draft_waiting
    and _save_draft()."""

    def tickets_changed(self, change: live.Change) -> None:
        if change.everything or self.ticket_id in change.ticket_ids:
            self._check_changes()

    def connection_back(self) -> None:
        if self._draft_waiting:
            self._save_draft()

    def _check_changes(self) -> None:
        def compare(marker: int) -> None:
            if self._marker is not None and marker != self._marker:
                self.load()

        run_store_call(self, lambda store, actor: sv.change_marker(store), done=compare, group="changes")
