"""Fixed help desks for the TUI snapshot tests: a fake clock, fixed data, and waits.

Every time on screen comes from the store's clock (store.clock.utcnow, and the models' column
defaults, which call it through store.types.datetime) or from the TUI's own calls to utcnow. The
clock is replaced in all of them: while the data is built it starts at START and moves by STEP
per call; while the app runs it stands still at NOW, however often the screen is painted.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from store import admin
from store import service as sv
from store.views import NewAttachment
from tests.desk import Desk, make_desk
from tests.pilot_wait import until  # noqa: F401 - other test files import it from here

START = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
STEP = timedelta(minutes=1)
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
SIZE = (120, 40)
LIVE = 3600  # seconds: the live refresh never fires during a snapshot


class FakeClock:
    """A thread-safe clock: moves by a fixed step per call, until frozen."""

    def __init__(self, start: datetime = START, step: timedelta = STEP) -> None:
        self._t, self._step, self._frozen = start, step, False
        self._guard = threading.Lock()

    def __call__(self) -> datetime:
        with self._guard:
            t = self._t
            if not self._frozen:
                self._t += self._step
            return t

    def jump(self, to: datetime) -> None:
        with self._guard:
            self._t = to

    def freeze(self, at: datetime = NOW) -> None:
        with self._guard:
            self._t, self._frozen = at, True


def install_clock(monkeypatch) -> FakeClock:
    """Replaces utcnow everywhere it is reachable; returns the clock to drive."""
    import store.clock

    _import_all("store", "tui")  # every module that took utcnow by name is loaded before the sweep
    clock = FakeClock()
    original = store.clock.utcnow

    class ClockDatetime(datetime):
        """store.clock.datetime: the models' column defaults call the original utcnow."""

        @classmethod
        def now(cls, tz=None):
            t = clock()
            return t.astimezone(tz) if tz is not None else t.replace(tzinfo=None)

    monkeypatch.setattr(store.clock, "datetime", ClockDatetime)
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in ("store", "tui", "cli") and getattr(module, "utcnow", None) is original:
            monkeypatch.setattr(module, "utcnow", clock)
    return clock


def _import_all(*packages: str) -> None:
    for package in packages:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, package + "."):
            if ".migrations" not in info.name:
                importlib.import_module(info.name)


def isolate_user_config(monkeypatch, tmp_path) -> None:
    """No config file or theme of the machine's user can change the picture."""
    monkeypatch.setenv("TICKET_TUI_CONFIG", str(tmp_path / "no-config" / "config.toml"))
    for name in ("VISUAL", "EDITOR"):
        monkeypatch.delenv(name, raising=False)


# --- the data ------------------------------------------------------------------------------

@dataclass
class Tickets:
    thread: int  # client message + attachment, staff reply, internal comment, system message
    locked: int  # locked by carol
    favorite: int  # alice's favorite, seen
    new: int  # never seen by alice
    first: int  # placed first
    awaiting: int  # answered and closed: awaiting the client
    archived: int  # in the client's archive
    delayed: int  # delayed until December


HOSTILE_MARKUP = "[bold]x[/] [@click=app.quit]q[/] [link=http://x]y[/link] 😀 日本語"
HOSTILE = ("[bold]x[/] [@click=app.quit]q[/] [link=http://x]y[/link] \x1b[31mred\x1b[0m "
           "\x1b]0;pwned\x07 😀 日本語")
HOSTILE_BODY = ("Markup: [bold]x[/] [@click=app.quit]click me[/]\n"
                "Link: [link=http://x]y[/link]\n"
                "ESC colour: \x1b[31mred\x1b[0m\n"
                "OSC title: \x1b]0;pwned\x07(title gone)\n"
                "Emoji and CJK: 😀🎉 日本語のテキスト 中文")


def build_desk(store, clock: FakeClock) -> tuple[Desk, Tickets]:
    """The same help desk every time: the ids, texts and times are all fixed."""
    desk = make_desk(store)
    john, mary = desk.john, desk.mary
    alice, carol = desk.alice, desk.carol

    # The thread ticket: every kind of message, an attachment; left unlocked.
    thread = sv.open_ticket(
        store, john, "Technical support", "Site down since this morning",
        "example.com answers 502 Bad Gateway since 08:00.\nCan you check the load balancer?",
        service_id=desk.domain_service,
        attachments=[NewAttachment("screenshot.png", b"\x89PNG" + bytes(2044), "image/png")])
    token = sv.take(store, carol, thread).token
    sv.reply(store, carol, thread, "We are looking into it; the load balancer is being restarted.",
             internal="Health check of web-2 fails; ops paged.", token=token)
    sv.assign(store, carol, thread, staff="alice")
    sv.client_reply(store, john, thread, "Thanks. It is still down for me.")
    sv.unlock(store, carol, thread)
    sv.set_summary(store, carol, thread, "502 from the load balancer; web-2 unhealthy")

    locked = sv.open_ticket(store, john, "Technical support", "Cannot log in to the control panel",
                            "The password reset mail never arrives.")
    sv.take(store, carol, locked)

    favorite = sv.open_ticket(store, mary, "Technical support", "SSL certificate expired",
                              "Browsers warn about the certificate of shop.example.org.")
    sv.set_favorite(store, alice, favorite, True)

    awaiting = sv.open_ticket(store, mary, "Technical support", "Refund for the old plan",
                              "Can I get a refund for the unused months?")
    token = sv.take(store, carol, awaiting).token
    sv.reply(store, carol, awaiting, "Done: the refund is on its way.", close=True, token=token)

    archived = sv.open_ticket(store, john, "Technical support", "Old DNS question",
                              "How long does a DNS change take?")
    token = sv.take(store, carol, archived).token
    sv.reply(store, carol, archived, "Up to 48 hours.", close=True, token=token)
    sv.archive(store, john, archived)

    delayed = sv.open_ticket(store, john, "Technical support", "Renew the domain next month",
                             "Please remind me to renew example.com in December.")
    sv.delay(store, carol, delayed, datetime(2026, 12, 1, tzinfo=timezone.utc))

    first = sv.open_ticket(store, mary, "Technical support", "Urgent: server unreachable",
                           "Our VPS does not answer to ping.")
    token = sv.take(store, carol, first).token
    sv.save_parameters(store, carol, first, placed_first=True, token=token)
    sv.unlock(store, carol, first)

    admin.add_reply_template(store, "Greeting", "Dear {client_name},\n\nthank you for writing.")
    admin.add_reply_template(store, "Looking into it", "We are looking into ticket #{ticket_id}.",
                             department="Technical support")
    admin.add_reply_template(store, "Signature", "Best regards,\n{staff_name}", staff="alice")

    # Alice has read every ticket so far (bold "new" marks only the last one).
    for tid in (thread, locked, favorite, awaiting, archived, delayed, first):
        sv.show(store, alice, tid)

    clock.jump(NOW - timedelta(minutes=25))
    new = sv.open_ticket(store, john, "Technical support", "Mail bounces with 550 relay denied",
                         "Every mail to gmail.com bounces since the migration.")
    clock.freeze(NOW)
    return desk, Tickets(thread, locked, favorite, new, first, awaiting, archived, delayed)


def build_hostile(store, clock: FakeClock, subject: str = HOSTILE) -> tuple[Desk, int]:
    """One ticket whose subject, body, attachment name and summary try markup and escapes."""
    desk = make_desk(store)
    tid = sv.open_ticket(store, desk.john, "Technical support", subject, HOSTILE_BODY,
                         attachments=[NewAttachment("[b]evil[/b]\x1b[31m.txt", b"x" * 10)])
    sv.set_summary(store, desk.alice, tid, "[red]summary[/] \x1b]0;t\x07 ✓")
    clock.freeze(NOW)
    return desk, tid


# --- waiting for the app ----------------------------------------------------------------

async def settle(pilot) -> None:
    """No worker still running (but the one that always waits for others' changes), then one
    more refresh."""
    await until(pilot, lambda: not any(w.is_running and w.group != "live" for w in pilot.app.workers))
    await pilot.pause()


def screen_name(app) -> str:
    return type(app.screen).__name__
