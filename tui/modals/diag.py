"""Dig and Whois for a domain service, from the ticket form, without leaving the ticket.

The look-up runs in a thread worker (sockets block) with a loading indicator on screen. Esc
closes at once: the thread is bounded by its socket time-out, and whatever it returns after
the modal closed (or after a newer run started) is dropped. ctrl+n closes the modal with the
formatted answer, for the caller to put into the internal comment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, LoadingIndicator, Log, Select, Static
from textual.worker import Worker, WorkerState

from store.diag import RECORD_TYPES, DiagError, clip
from store.safe_text import printable

from tui.runtime.safe import text
from tui.modals.base import Modal, error_line

Kind = Literal["dig", "whois"]
# The internal comment holds 10 000 characters; an answer takes at most this share of it.
INSERT_LIMIT = 4000


class DiagModal(Modal):
    """DiagModal(domain, "dig"|"whois", server=..., port=...): dismissed with the answer's text
    on ctrl+n, or None on Esc. server/port come from the app's config (None: the system
    resolver for dig, the referral from whois.iana.org for whois)."""

    BINDINGS = [
        Binding("ctrl+n", "insert", "Insert into internal comment", id="diag.insert"),
        Binding("ctrl+r", "run", "Run again", id="diag.run"),
    ]
    DEFAULT_CSS = """
    DiagModal #diag-output { height: 20; border: round $primary-background; }
    DiagModal #diag-progress { height: 1; }
    DiagModal #diag-type { width: 24; }
    """

    def __init__(self, domain: str, kind: Kind, *, server: str | None = None,
                 port: int | None = None, timeout: float | None = None, rtype: str = "A",
                 can_insert: bool = True) -> None:
        super().__init__()
        self.can_insert = can_insert  # False: the ticket isn't mine, there is no comment to fill
        if kind not in ("dig", "whois"):
            raise ValueError(f"kind must be 'dig' or 'whois', not {kind!r}")
        self.domain, self.kind = domain, kind
        self.server, self.port = server, port
        self.timeout = timeout if timeout is not None else (3.0 if kind == "dig" else 5.0)
        self.rtype = rtype.upper() if rtype.upper() in RECORD_TYPES else "A"
        self.answer: str | None = None  # the formatted result of the latest run, once it came
        self._run_number = 0  # answers of older runs are dropped
        self._gone = False

    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        title = f"{'Dig' if self.kind == 'dig' else 'Whois'}  "
        with Vertical(classes="modal-box wide"):
            yield Static(text(title, "bold") + text(self.domain, "bold", one_line=True),
                         classes="modal-title")
            yield Static(text(self._asking()), classes="hint")
            if self.kind == "dig":
                yield Select([(t, t) for t in RECORD_TYPES], value=self.rtype, allow_blank=False,
                             id="diag-type")
            yield LoadingIndicator(id="diag-progress")
            yield Log(id="diag-output", auto_scroll=False)
            yield error_line()
            with Horizontal(classes="modal-buttons"):
                if self.can_insert:
                    yield Button("Insert into comment ^N", id="insert", variant="primary", disabled=True)
                yield Button("Run again ^R", id="run")
                yield Button("Close Esc", id="cancel")

    def _asking(self) -> str:
        if self.kind == "dig":
            where = (f"the DNS server {self.server}#{self.port or 53}" if self.server
                     else "the system resolver" + (f" on port {self.port}" if self.port else ""))
        else:
            where = (f"only the whois server {self.server}:{self.port or 43}" if self.server
                     else "whois.iana.org, then the servers it refers to")
        return f"Asks {where} (time-out {self.timeout:g} s)."

    def on_mount(self) -> None:
        self.action_run()

    # --- running ----------------------------------------------------------------------------

    def _query(self) -> Callable[[], str]:
        """The look-up with this moment's settings, as a function for the worker thread."""
        # The DNS library is imported in the worker, when first asked for, not with every form.
        domain, server, timeout = self.domain, self.server, self.timeout
        if self.kind == "dig":
            rtype, port = self.rtype, self.port or 53

            def run_dig() -> str:
                from store.diag.dig import dig, format_dig

                return format_dig(dig(domain, rtype, server=server, port=port, timeout=timeout))

            return run_dig
        port = self.port or 43

        def run_whois() -> str:
            from store.diag.whois import format_whois, whois

            return format_whois(whois(domain, server=server, port=port, timeout=timeout))

        return run_whois

    def action_run(self) -> None:
        self._run_number += 1
        number, query = self._run_number, self._query()
        self.answer = None
        self.show_error(None)
        self.query_one("#diag-output", Log).clear()
        self._enable_insert(False)
        self.query_one("#diag-progress", LoadingIndicator).display = True

        def work() -> tuple[int, str | DiagError]:
            # Formatting (and cleaning) happens here too: a whois answer can be 1 MiB.
            try:
                return number, printable(query())
            except DiagError as error:  # an expected failure: shown as its sentence
                return number, error

        # exclusive: a new run (another record type) cancels the wait for the older one.
        # exit_on_error: anything but a DiagError is a bug and must not vanish in a worker.
        self.run_worker(work, thread=True, exclusive=True, group="diag", exit_on_error=True)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.SUCCESS or event.worker.group != "diag":
            return
        number, outcome = event.worker.result
        if self._gone or number != self._run_number:
            return  # a late answer to a question nobody is waiting for any more
        self.query_one("#diag-progress", LoadingIndicator).display = False
        if isinstance(outcome, DiagError):
            self.show_error(str(outcome))
            return
        self.answer = outcome
        # Log renders lines as plain text (no markup), and the text is already printable.
        self.query_one("#diag-output", Log).write_lines(outcome.splitlines())
        self._enable_insert(True)

    def _enable_insert(self, enabled: bool) -> None:
        for button in self.query("#insert").results(Button):
            button.disabled = not enabled

    @property
    def running(self) -> bool:
        return self.query_one("#diag-progress", LoadingIndicator).display

    # --- keys -------------------------------------------------------------------------------

    @on(Select.Changed, "#diag-type")
    def _type_changed(self, event: Select.Changed) -> None:
        if event.value != self.rtype and event.value in RECORD_TYPES:
            self.rtype = str(event.value)
            self.action_run()

    @on(Button.Pressed, "#run")
    def _run_pressed(self) -> None:
        self.action_run()

    @on(Button.Pressed, "#insert")
    def action_insert(self) -> None:
        if not self.can_insert:
            self.show_error("Take the ticket first: the answer goes into your internal comment.")
            return
        if self.answer is None:
            self.show_error("The answer isn't there yet." if self.running
                            else "There is no answer to insert.")
            return
        self._gone = True
        self.dismiss(clip(self.answer, INSERT_LIMIT))

    @on(Button.Pressed, "#cancel")
    def action_dismiss_none(self) -> None:
        self._gone = True
        self.dismiss(None)
