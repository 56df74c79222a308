"""The Dig and Whois modal under Pilot, and the ticket form's Whois and Dig into the internal comment."""

from __future__ import annotations

import time

from textual.app import App
from textual.widgets import LoadingIndicator, Log, Select, Static

from store.diag import clip
from tests import whoisserver as ws
from tests.diag.timeouts import OK
from tests.dnsserver import DnsServer
from tui.modals.diag import INSERT_LIMIT, DiagModal


def test_clip_keeps_the_inserted_text_inside_the_limit() -> None:
    text = "".join(f"line {i}\n" for i in range(2000))
    clipped = clip(text, INSERT_LIMIT)
    assert len(clipped) <= INSERT_LIMIT and clipped.endswith("more characters not shown]")
    assert clip("short", INSERT_LIMIT) == "short"


class Host(App):
    """The smallest app that shows the modal and keeps what it was dismissed with."""

    def __init__(self, modal: DiagModal) -> None:
        super().__init__()
        self.modal, self.results = modal, []

    def on_mount(self) -> None:
        self.push_screen(self.modal, self.results.append)


async def until(pilot, condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the modal did not reach the expected state in time"
        await pilot.pause(0.02)


def output(modal: DiagModal) -> str:
    return "\n".join(modal.query_one("#diag-output", Log).lines)


async def test_the_modal_shows_the_answer_and_reruns_on_another_type(dns_port) -> None:
    modal = DiagModal("example.test", "dig", server="127.0.0.1", port=dns_port, timeout=OK)
    async with Host(modal).run_test() as pilot:
        await until(pilot, lambda: modal.answer is not None)
        assert not modal.query_one("#diag-progress", LoadingIndicator).display
        assert "192.0.2.10" in output(modal) and ";; ANSWER SECTION:" in output(modal)
        modal.query_one("#diag-type", Select).value = "MX"
        await until(pilot, lambda: modal.answer is not None and "MX" in modal.answer)
        assert "10 mail.example.test." in output(modal) and "192.0.2.10" not in output(modal)


async def test_the_modal_shows_an_error_as_one_red_sentence(dns_port) -> None:
    modal = DiagModal("nope.example.test", "dig", server="127.0.0.1", port=dns_port, timeout=OK)
    async with Host(modal).run_test() as pilot:
        await until(pilot, lambda: not modal.running)
        error = modal.query_one("#modal-error", Static).content  # the Text it was given
        assert str(error) == "nope.example.test does not exist (NXDOMAIN)."
        assert "red" in str(error.style) and output(modal) == ""
        await pilot.press("ctrl+n")  # nothing to insert: the modal stays, and says so
        assert str(modal.query_one("#modal-error", Static).content) == "There is no answer to insert."
        assert Host is type(pilot.app) and pilot.app.screen is modal


async def test_esc_cancels_at_once_and_a_late_answer_is_dropped() -> None:
    server = DnsServer().start()  # it holds the answer to held.example.test until released
    try:
        modal = DiagModal("held.example.test", "dig", server="127.0.0.1", port=server.port, timeout=OK)
        async with Host(modal).run_test() as pilot:
            await until(pilot, lambda: server.queries)
            assert modal.running and modal.query_one("#diag-progress", LoadingIndicator).display
            await pilot.press("escape")
            await until(pilot, lambda: pilot.app.screen is not modal, timeout=1)
            assert pilot.app.results == [None]
            server.release.set()  # the answer comes now, to a modal that is gone
            await until(pilot, server.answered_held.is_set)
            await pilot.pause(0.2)
            assert pilot.app.results == [None] and modal.answer is None
    finally:
        server.stop()


async def test_ctrl_n_returns_the_answer_for_the_internal_comment(chain) -> None:
    servers, _ = chain
    modal = DiagModal("example.test", "whois", server="127.0.0.1", port=servers[ws.REGISTRY].port,
                      timeout=OK)
    async with Host(modal).run_test() as pilot:
        await until(pilot, lambda: modal.answer is not None)
        assert "Registrar:    Registry View Of The Registrar" in output(modal)
        await pilot.press("ctrl+n")
        await until(pilot, lambda: pilot.app.results)
    (inserted,) = pilot.app.results
    assert inserted.startswith("Whois example.test") and "Creation Date: 1995-08-14" in inserted


async def test_the_ticket_form_digs_the_tickets_domain_into_the_internal_comment(sqlite_url, dns_port) -> None:
    from store import admin
    from store import service as sv
    from store.db import Store
    from tests.desk import make_desk
    from tui.app import TicketApp
    from tui.runtime.config import Config
    from tui.ticket.reply_pane import ReplyPane
    from tui.ticket.screen import TicketScreen

    store = Store.open(sqlite_url)
    desk = make_desk(store)
    domain = admin.add_service(store, "john@example.com", "example.test", "domain", "example.test")
    plain = sv.open_ticket(store, desk.john, "Technical support", "No domain", "hello")
    tid = sv.open_ticket(store, desk.john, "Technical support", "DNS?", "where is it", service_id=domain.id)
    config = Config(dns_server="127.0.0.1", dns_port=dns_port)
    app = TicketApp(store, desk.alice, config, live_interval=60)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "TicketListScreen")
        app.push_screen(TicketScreen(plain))
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail)
        toolbar = app.screen.query_one("#toolbar")
        assert not toolbar.shows("dig") and not toolbar.shows("whois")  # no domain: no Whois, no Dig
        assert app.screen.check_action("dig", ()) is False
        app.pop_screen()
        app.push_screen(TicketScreen(tid))
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail)
        form = app.screen
        assert form.query_one("#toolbar").shows("dig") and form.query_one("#toolbar").shows("whois")
        await pilot.press("t")
        await until(pilot, lambda: form.query(ReplyPane))
        form.query_one("#thread").focus()  # letters typed in the reply are text, not keys
        await pilot.press("D")
        await until(pilot, lambda: isinstance(app.screen, DiagModal) and app.screen.answer is not None)
        await pilot.press("ctrl+n")
        await until(pilot, lambda: app.screen is form and "192.0.2.10" in form.query_one("#internal").text)
        assert "example.test" in form.query_one("#internal").text
    store.close()
