"""Undo send in the TUI: the countdown of one's held replies, and the key that takes one back.

After Send reply or Ok (with the setting send_delay_seconds), the reply is held in the store
(store/service/held.py). A line above the footer counts down on whichever staff screen is shown
(the form after Send reply, the list after Ok): "Your reply to #12 reaches the client in 8 s ·
u undo". `u` (and Ctrl+Z, which works while typing in the reply pane) takes back the latest
held reply: its text returns to the reply pane as a draft, the ticket as it was. When the time
is up the line goes. The app also releases what is due, everyone's, every few seconds: a held
reply is released on time by whoever runs next (store/service/held_release.py).
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import App
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Static

from store import clock
from store import service as sv
from store.actors import StaffActor
from store.errors import StoreError

TICK_S = 1.0
ASK_IDLE_S = 5  # with nothing of one's own held, the store is asked this seldom (releases)


class SendCountdown(Static):
    """The countdown line; hidden while nothing of the staff member's is held."""

    DEFAULT_CSS = """
    SendCountdown {
        height: 1;
        padding: 0 1;
        background: $warning 25%;
        color: $foreground;
        display: none;
    }
    """

    def show_held(self, held: list, at: datetime) -> None:
        self.display = bool(held)
        if held:
            self.update(countdown_text(held, at))


def countdown_text(held: list, at: datetime) -> Text:
    latest = held[-1]
    left = max(1, round((latest.held_until - at).total_seconds()))
    line = Text.assemble(("⏳ ", ""), (f"Your reply to #{latest.ticket_id}", "bold"),
                         f" reaches the client in {left} s · ", ("u", "bold"), " or ",
                         ("Ctrl+Z", "bold"), " undo")
    if len(held) > 1:
        line.append(f" · {len(held) - 1} more held", style="dim")
    return line


class HeldWatch:
    """The app's view of its staff member's held replies, asked of the store off the UI thread."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.held: list[sv.HeldReply] = []  # soonest released first, as the store lists them
        self._timer: Timer | None = None
        self._asking = False
        self._ticks = 0

    def start(self) -> None:
        self._timer = self.app.set_interval(TICK_S, self._tick)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()

    @property
    def latest(self) -> sv.HeldReply | None:
        """The one `u` takes back: the last sent (the last released)."""
        at = clock.utcnow()
        held = [h for h in self.held if h.held_until > at]
        return max(held, key=lambda h: (h.held_until, h.message_id)) if held else None

    def _tick(self) -> None:
        at = clock.utcnow()
        expired = any(h.held_until <= at for h in self.held)
        self._ticks += 1
        if expired or self.held or self._ticks % ASK_IDLE_S == 0:
            self.ask()
        self.paint()

    def ask(self) -> None:
        """Releases what is due and reads one's held replies again (a worker)."""
        if self._asking or self.app.actor is None:
            return
        self._asking = True
        self.app.run_worker(self._ask, thread=True, group="held", exit_on_error=True)

    def _ask(self) -> None:
        store, actor = self.app.store, self.app.actor
        try:
            sv.release_due(store)
            held = sv.my_held_replies(store, actor) if isinstance(actor, StaffActor) else []
        except StoreError:  # the database is away: the live feed says so; asked again later
            held = None
        self.app.call_from_thread(self._answered, held)

    def _answered(self, held: list | None) -> None:
        self._asking = False
        if held is None or not self.app.screen_stack:  # none: the app is closing
            return
        gone = {h.ticket_id for h in self.held} - {h.ticket_id for h in held}
        self.held = sorted(held, key=lambda h: (h.held_until, h.message_id))
        self.paint()
        self.app.refresh_bindings()
        if getattr(self.app.screen, "ticket_id", None) in gone:
            self.app.screen.load()  # its reply is no longer marked held

    def paint(self) -> None:
        if not self.app.screen_stack:  # the app is closing: a last tick finds no screen
            return
        screen = self.app.screen
        if isinstance(screen, ModalScreen) or not isinstance(self.app.actor, StaffActor):
            return
        found = screen.query(SendCountdown)
        if not found:
            if not self.held:
                return
            footers = screen.query("KeysFooter")
            if not footers:
                return
            line = SendCountdown()
            screen.mount(line, before=footers.first())
        else:
            line = found.first()
        at = clock.utcnow()
        line.show_held([h for h in self.held if h.held_until > at], at)

    def undo(self) -> None:
        latest = self.latest
        if latest is None:
            return
        self.held = [h for h in self.held if h != latest]
        self.paint()
        from tui.runtime.working import run_store_call

        run_store_call(self.app, sv.undo_send, latest.ticket_id, done=self._undone,
                       refused=self._refused)

    def _refused(self, error: StoreError) -> None:
        self.app.notify(str(error), severity="error", timeout=8, markup=False)
        self.ask()

    def _undone(self, undone: sv.UndoneSend) -> None:
        self.app.notify(f"Ticket #{undone.ticket_id}: sending undone; your reply is back in the "
                        "reply pane.", markup=False)
        here = getattr(self.app.screen, "take_back_reply", None)
        if here is None or not here(undone):
            self.app.open_ticket(undone.ticket_id)
        self.ask()
