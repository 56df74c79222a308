"""`mail watch`: the long-running mail service.

One thread per mailbox with an IMAP URL: connect, take what waits (store/mail/fetch.py), then
IMAP IDLE until the server reports a change, and again; a lost connection or an unreachable
database is retried with a doubling back-off (1 s to a minute). The main thread runs the
periodic passes (PERIODIC_PASSES, e.g. the outbox's sending) every cycle and looks for added or
removed mailboxes. `stop()` (SIGTERM, Ctrl-C) ends it once the mail in hand is taken and moved.
One log line per event goes to `log`. The intakes of all mailboxes take turns (one lock): one
writer at a time suits SQLite, and the database is never the bottleneck of a mailbox.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from ..db import Store
from ..safe_text import printable
from .fetch import DatabaseLater, Log, MailboxFetch, database_later, imap_mailboxes, take_new
from .imap import Folder, ImapConfigError, ImapLost, imap_errors, open_folder
from .mailboxes import MailboxInfo

# The passes the service runs every cycle beside the IMAP intake, each called as pass_(store).
# The outbox's sending pass (store.mail.outbox.send_pass) is to be plugged in here.
PERIODIC_PASSES: list[Callable[[Store], object]] = []

CYCLE_SECONDS = 2.0  # how often the periodic passes run
RESCAN_SECONDS = 30.0  # how often the list of mailboxes is read again
IDLE_STEP = 0.5  # IDLE waits in steps this long, to notice stop() soon
IDLE_RENEW = 25 * 60  # a server may drop an IDLE after 30 minutes (RFC 2177): renew it before
POLL_SECONDS = 30.0  # a server without IDLE is asked this often
BACKOFF_FIRST, BACKOFF_MAX = 1.0, 60.0
FIX_RETRY = 60.0  # a mailbox that must be fixed (password, login) is tried again this often


def every(seconds: float, pass_: Callable[[Store], object]) -> Callable[[Store], object]:
    """A pass run at most once per `seconds` (the first time at once), for work that need not
    run every cycle (sla check)."""
    last: list[float] = []

    def throttled(store: Store) -> object:
        now = time.monotonic()
        if last and now - last[0] < seconds:
            return None
        last[:] = [now]
        return pass_(store)

    throttled.__name__ = getattr(pass_, "__name__", "pass")
    return throttled


class Watch:
    def __init__(self, store: Store, *, secret: bytes | str | None = None, log: Log = print,
                 passes: list[Callable[[Store], object]] | None = None) -> None:
        self.store = store
        self.secret = secret
        self.log = log
        self.passes = PERIODIC_PASSES if passes is None else passes
        self._stop = threading.Event()
        self._intake = threading.Lock()
        self._threads: dict[int, tuple[threading.Thread, threading.Event, MailboxInfo]] = {}

    def stop(self) -> None:
        """Ends the service (safe from a signal handler): the mail in hand is finished first."""
        self._stop.set()

    def run(self) -> None:
        """Blocks until stop()."""
        self.log("mail watch: started")
        next_scan = 0.0
        try:
            while not self._stop.is_set():
                if time.monotonic() >= next_scan:
                    followed = self._follow_mailboxes()
                    next_scan = time.monotonic() + (RESCAN_SECONDS if followed else CYCLE_SECONDS)
                self._run_passes()
                self._stop.wait(CYCLE_SECONDS)
        finally:
            self._stop.set()
            for thread, gone, _box in self._threads.values():
                gone.set()
                thread.join()
            self.log("mail watch: stopped")

    def _run_passes(self) -> None:
        for pass_ in self.passes:
            try:
                pass_(self.store)
            except Exception as error:  # noqa: BLE001 - one failing pass never stops the service
                self.log(f"{getattr(pass_, '__name__', 'pass')}: {_sentence(error)}")

    def _follow_mailboxes(self) -> bool:
        """A thread for each mailbox with an IMAP URL; a removed or changed one's ends. False
        when the database can't say which (tried again next cycle)."""
        try:
            with database_later():
                boxes = {box.id: box for box in imap_mailboxes(self.store)}
        except DatabaseLater as error:
            self.log(f"mail watch: the mailboxes can't be read now: {error}")
            return False
        for box_id, (thread, gone, box) in list(self._threads.items()):
            if boxes.get(box_id) != box or not thread.is_alive():
                gone.set()
                del self._threads[box_id]
        for box_id, box in boxes.items():
            if box_id not in self._threads:
                gone = threading.Event()
                thread = threading.Thread(target=self._watch_mailbox, args=(box, gone),
                                          name=f"mail watch {box.address}", daemon=True)
                self._threads[box_id] = (thread, gone, box)
                thread.start()
        return True

    def _watch_mailbox(self, box: MailboxInfo, gone: threading.Event) -> None:
        delay = BACKOFF_FIRST
        while not self._ended(gone):
            try:
                folder = open_folder(box.imap_url, box.password_file)
            except ImapConfigError as error:
                self.log(f"{box.address}: {error} (tried again in {FIX_RETRY:.0f} s)")
                self._wait(gone, FIX_RETRY)
                continue
            except ImapLost as error:
                self.log(f"{box.address}: {error}; reconnecting in {delay:.0f} s")
                self._wait(gone, delay)
                delay = min(delay * 2, BACKOFF_MAX)
                continue
            self.log(f"{box.address}: connected to {folder.target.host}:{folder.target.port} "
                     f"{folder.target.folder}")
            try:
                delay = self._follow_folder(folder, box, gone)
            except ImapLost as error:
                self.log(f"{box.address}: {error}; reconnecting in {delay:.0f} s")
                self._wait(gone, delay)
                delay = min(delay * 2, BACKOFF_MAX)
            finally:
                folder.close()

    def _follow_folder(self, folder: Folder, box: MailboxInfo, gone: threading.Event) -> float:
        """Takes what waits, then IDLEs, until stopped or the connection fails (ImapLost).
        Returns the back-off to start from next time."""
        delay = BACKOFF_FIRST
        while not self._ended(gone):
            try:
                # Again until a pass finds nothing and no new mail was reported during it: a
                # mail that arrives during a pass is reported in that pass's answers, never
                # again in IDLE.
                while not self._ended(gone):
                    folder.new_mail_reported()  # what came before this pass: it looks anyway
                    found = take_new(self.store, folder, box, MailboxFetch(box.address),
                                     secret=self.secret, log=self.log, stop=self._stop,
                                     lock=self._intake)
                    if not found and not folder.new_mail_reported():
                        break
                delay = BACKOFF_FIRST
            except DatabaseLater as error:
                self.log(f"{box.address}: {error} (again in {delay:.0f} s)")
                self._wait(gone, delay)
                delay = min(delay * 2, BACKOFF_MAX)
                continue
            self._idle(folder, gone)
        return delay

    def _idle(self, folder: Folder, gone: threading.Event) -> None:
        """Waits until the server reports a change to the folder (IDLE), or a while."""
        client = folder.client
        with imap_errors(folder.target.host):
            if not client.has_capability("IDLE"):
                self._wait(gone, POLL_SECONDS)
                return
            client.idle()
            try:
                renew = time.monotonic() + IDLE_RENEW
                # A mail reported as IDLE began is kept among the command's answers (before
                # "+ idling") or in the read buffer (after it), where idle_check never looks.
                while (not self._ended(gone) and time.monotonic() < renew
                       and not folder.new_mail_reported() and not folder.answers_buffered()):
                    if client.idle_check(timeout=IDLE_STEP):
                        break  # EXISTS, EXPUNGE, BYE...: look (a BYE fails the next command)
            finally:
                client.idle_done()

    def _ended(self, gone: threading.Event) -> bool:
        return self._stop.is_set() or gone.is_set()

    def _wait(self, gone: threading.Event, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self._ended(gone) and time.monotonic() < deadline:
            self._stop.wait(min(IDLE_STEP, deadline - time.monotonic()))


def _sentence(error: BaseException) -> str:
    return printable(str(error), one_line=True).strip()[:300] or type(error).__name__
