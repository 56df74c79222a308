"""The draft timer: saved after a quiet moment, and at least every second while typing goes on."""

from __future__ import annotations

from tui.runtime import drafts
from tui.runtime.drafts import MAX_WAIT, QUIET, DraftTimer


class FakeTimer:
    def __init__(self, delay, callback) -> None:
        self.delay, self.callback, self.stopped = delay, callback, False

    def stop(self) -> None:
        self.stopped = True


class Node:
    """Stands in for the screen: records the timers asked for, fires them on demand."""

    def __init__(self) -> None:
        self.timers: list[FakeTimer] = []

    def set_timer(self, delay, callback) -> FakeTimer:
        self.timers.append(FakeTimer(delay, callback))
        return self.timers[-1]


def test_typing_without_a_pause_still_saves_every_second(monkeypatch) -> None:
    clock = [100.0]
    monkeypatch.setattr(drafts.time, "monotonic", lambda: clock[0])
    saved: list[float] = []
    node = Node()
    timer = DraftTimer(node, lambda: saved.append(clock[0]))
    timer.changed()
    assert node.timers[-1].delay == QUIET
    for _ in range(3):  # a keystroke every 0.3 s: never quiet for 0.4 s
        clock[0] += 0.3
        timer.changed()
    assert node.timers[-1].delay <= MAX_WAIT - 0.9 + 1e-9  # due by the first change's second
    node.timers[-1].callback()
    assert saved == [clock[0]] and not timer.pending  # saved while the typing went on
    clock[0] += 0.3
    timer.changed()  # a new unsaved change starts a new second
    assert node.timers[-1].delay == QUIET


def test_flush_saves_now_and_cancel_forgets() -> None:
    saved: list[str] = []
    node = Node()
    timer = DraftTimer(node, lambda: saved.append("x"))
    timer.flush()
    assert saved == []  # nothing waiting: nothing saved
    timer.changed()
    timer.flush()
    assert saved == ["x"] and node.timers[-1].stopped
    timer.changed()
    timer.cancel()
    assert saved == ["x"] and not timer.pending


def test_an_overdue_save_asks_for_a_short_timer_never_a_zero_one(monkeypatch) -> None:
    """Textual's Timer divides by its interval when it runs late: a zero delay crashed the app
    at shutdown under load (found by the full test suite on a busy machine)."""
    clock = [100.0]
    monkeypatch.setattr(drafts.time, "monotonic", lambda: clock[0])
    node = Node()
    timer = DraftTimer(node, lambda: None)
    timer.changed()
    clock[0] += MAX_WAIT + 0.5  # the first change is overdue already
    timer.changed()
    assert 0 < node.timers[-1].delay <= 0.05
