"""Overdue tickets announced: a notification on the open TUI of each staff member whose queue
holds a ticket when its response target passes, once per ticket and due moment per session.

Every CHECK_SECONDS the app asks the store for the tickets of its staff member's queue whose
due moment fell between the last look and now (store/sla/watch.py): a range of the due index,
as small on a million tickets as on ten, and not a query per second. Tickets overdue before
the TUI opened are the Overdue view's (key 7), not news.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from textual.app import App
from textual.timer import Timer

from store.actors import StaffActor
from store.clock import utcnow
from store.errors import StoreError
from store.sla.watch import MAX_NEWS, newly_overdue

from tui.runtime.display import when_near

CHECK_SECONDS = 30.0
# Each look reaches this far behind the last one: a due moment written by a transaction that
# was still open at the last look (or stamped by a database clock a little behind this one)
# is still found; what was told already is not told again.
OVERLAP = timedelta(minutes=2)
TOLD_AT_ONCE = 3  # notifications of one look; more are summed up in one


class OverdueWatch:
    def __init__(self, app: App) -> None:
        self.app = app
        self._since: datetime | None = None
        self._told: set[tuple[int, datetime]] = set()
        self._asking = False
        self._timer: Timer | None = None

    def start(self) -> None:
        self._since = utcnow()
        self._timer = self.app.set_interval(CHECK_SECONDS, self.tick)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()

    def tick(self) -> None:
        """A look, and the screen shown follows the clock (the ticket form's due times)."""
        self.check()
        follow = getattr(self.app.screen, "follow_the_clock", None) if self.app.screen_stack else None
        if follow is not None:
            follow()

    def check(self) -> None:
        """One look (a worker); skipped while the last one is still out."""
        if self._asking or self._since is None or not isinstance(self.app.actor, StaffActor):
            return
        self._asking = True
        self.app.run_worker(self._ask, thread=True, group="overdue", exit_on_error=True)

    def _ask(self) -> None:
        until = utcnow()
        try:
            found = newly_overdue(self.app.store, self.app.actor, self._since - OVERLAP, until)
        except StoreError:  # the database is away (the live feed says so): looked at again later
            found = None
        self.app.call_from_thread(self._answered, found, until)

    def _answered(self, found: list | None, until: datetime) -> None:
        self._asking = False
        if found is None or not self.app.screen_stack:  # none: the app is closing
            return
        # A full answer may have left some out: the next look goes on from the last one found.
        self._since = found[-1].due if len(found) == MAX_NEWS else until
        new = [b for b in found if (b.ticket_id, b.due) not in self._told]
        self._told = {k for k in self._told if k[1] >= self._since - OVERLAP}
        self._told.update((b.ticket_id, b.due) for b in new)
        for breach in new[:TOLD_AT_ONCE]:
            self.app.notify(f"Ticket #{breach.ticket_id} is overdue: {breach.target} was due "
                            f"{when_near(breach.due, until)}", title="Response target missed",
                            severity="warning", timeout=20, markup=False)
        if len(new) > TOLD_AT_ONCE:
            self.app.notify(f"{len(new) - TOLD_AT_ONCE} more tickets of your queue are overdue; "
                            "7 shows the Overdue view.", title="Response targets missed",
                            severity="warning", timeout=20, markup=False)
