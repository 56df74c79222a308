"""Dig and Whois (issue 9), against a DNS server and whois servers the tests start on loopback.

No test asks the system resolver or a real whois server: every query names a 127.0.0.1 port.
Each case checks the answer or the one sentence that explains the failure, and that nothing
crashes: records, referral, time-out, NXDOMAIN, garbage, truncated and huge answers.
"""

from __future__ import annotations

import ipaddress
import socket
import time

import pytest
from click.testing import CliRunner
from textual.app import App
from textual.widgets import LoadingIndicator, Log, Select, Static

from cli.common import AppContext
from cli.diag import diag
from store.diag import (
    BadQuery, DiagError, Malformed, NoSuchDomain, NotRegistered, ServerFailure, TimedOut,
    Unreachable, clip,
)
from store.diag.dig import dig, format_dig
from store.diag.whois import format_whois, whois
from store.errors import BadInput, Refused
from tests import whoisserver as ws
from tests.dnsserver import HUGE_TXT, DnsServer
from tests.whoisserver import WhoisServer, closed_port
from tui.modals.diag import INSERT_LIMIT, DiagModal

T = 0.4  # the time-out where the time-out is the subject: short, far above a loopback round trip
OK = 3.0  # the time-out where an answer must come: generous, so a busy machine can't fail a test


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """The safety net of the rule "no traffic leaves this machine": a socket that connects or
    sends anywhere but loopback, or a host name looked up, fails the test instead."""
    def check(address) -> None:
        if isinstance(address, tuple) and not ipaddress.ip_address(address[0]).is_loopback:
            raise AssertionError(f"a test tried to reach {address[0]}")

    def guard(method):
        def guarded(self, *args):
            check(args[-1])
            return method(self, *args)
        return guarded

    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, guard(getattr(socket.socket, name)))

    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise AssertionError(f"a test looked up the host name {host!r}") from None
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def dns_port():
    server = DnsServer().start()
    yield server.port
    server.stop()


@pytest.fixture
def chain():
    """The root, registry and registrar whois servers, and a resolve hook mapping their names
    (and a dead registrar's) onto loopback ports."""
    servers = {ws.ROOT: WhoisServer(ws.root).start(), ws.REGISTRY: WhoisServer(ws.registry).start(),
               ws.REGISTRAR: WhoisServer(ws.registrar).start()}
    ports = {name: s.port for name, s in servers.items()} | {ws.GONE: closed_port()}
    yield servers, lambda host: ("127.0.0.1", ports[host])
    for server in servers.values():
        server.stop()


def ask_dig(port: int, name: str = "example.test", rtype: str = "A", timeout: float = OK):
    return dig(name, rtype, server="127.0.0.1", port=port, timeout=timeout)


# --- dig ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, rtype, expected", [
    ("example.test", "A", ["example.test.\t300\tIN\tA\t192.0.2.10"]),
    ("example.test", "AAAA", ["example.test.\t300\tIN\tAAAA\t2001:db8::10"]),
    ("example.test", "MX", ["example.test.\t300\tIN\tMX\t10 mail.example.test.",
                            "example.test.\t300\tIN\tMX\t20 backup.example.test."]),
    ("example.test", "NS", ["example.test.\t300\tIN\tNS\tns1.example.test.",
                            "example.test.\t300\tIN\tNS\tns2.example.test."]),
    ("example.test", "TXT", ['example.test.\t300\tIN\tTXT\t"v=spf1 mx -all"']),
    ("www.example.test", "CNAME", ["www.example.test.\t300\tIN\tCNAME\texample.test."]),
    ("example.test", "SOA", ["example.test.\t300\tIN\tSOA\tns1.example.test. "
                             "hostmaster.example.test. 2026030101 3600 600 86400 300"]),
])
def test_dig_returns_the_records_with_their_ttls(dns_port, name, rtype, expected) -> None:
    result = ask_dig(dns_port, name, rtype)
    assert sorted(result.answer) == sorted(expected)
    assert result.rcode == "NOERROR" and "qr" in result.flags and "aa" in result.flags
    assert (result.server, result.port, result.tcp) == ("127.0.0.1", dns_port, False)
    out = format_dig(result)
    assert ";; ->>HEADER<<- opcode: QUERY, status: NOERROR" in out
    assert f";; QUESTION SECTION:\n;{name}.\t\tIN\t{rtype}\n" in out
    assert ";; ANSWER SECTION:\n" + "\n".join(result.answer) + "\n" in out
    assert f";; SERVER: 127.0.0.1#{dns_port}(127.0.0.1) (UDP)" in out
    assert f";; Query time: {result.elapsed_ms} msec" in out


def test_dig_follows_a_cname_and_shows_the_additional_section(dns_port) -> None:
    assert ask_dig(dns_port, "www.example.test", "A").answer == [
        "www.example.test.\t300\tIN\tCNAME\texample.test.", "example.test.\t300\tIN\tA\t192.0.2.10"]
    out = format_dig(ask_dig(dns_port, "example.test", "MX"))
    assert ";; ADDITIONAL SECTION:\nns1.example.test.\t300\tIN\tA\t192.0.2.1" in out
    assert ";; OPT PSEUDOSECTION:" in out


def test_a_name_without_that_type_is_an_empty_answer_not_an_error(dns_port) -> None:
    result = ask_dig(dns_port, "ns1.example.test", "MX")
    assert result.answer == [] and result.authority[0].startswith("example.test.\t300\tIN\tSOA")
    assert ";; ANSWER SECTION:" not in format_dig(result) and "ANSWER: 0," in format_dig(result)


def test_dig_asks_the_resolver_of_resolv_conf_when_no_server_is_given(dns_port, tmp_path) -> None:
    conf = tmp_path / "resolv.conf"
    conf.write_text("nameserver 127.0.0.1\n")
    result = dig("example.test", "A", port=dns_port, timeout=OK, resolv_conf=str(conf))
    assert result.from_system and result.server == "127.0.0.1" and result.answer
    assert "@127.0.0.1" not in format_dig(result).splitlines()[0]
    (tmp_path / "empty.conf").write_text("# nothing\n")
    with pytest.raises(Unreachable, match="No DNS server is configured"):
        dig("example.test", port=dns_port, timeout=T, resolv_conf=str(tmp_path / "empty.conf"))


def test_nxdomain_is_one_sentence(dns_port) -> None:
    with pytest.raises(NoSuchDomain) as caught:
        ask_dig(dns_port, "nope.example.test")
    assert str(caught.value) == "nope.example.test does not exist (NXDOMAIN)."
    assert isinstance(caught.value, Refused) and not isinstance(caught.value, BadInput)  # exit 1
    with pytest.raises(ServerFailure, match=r"answered SERVFAIL for servfail\.example\.test A\."):
        ask_dig(dns_port, "servfail.example.test")


def test_a_server_that_never_answers_times_out_on_time(dns_port) -> None:
    started = time.monotonic()
    with pytest.raises(TimedOut) as caught:
        ask_dig(dns_port, "timeout.example.test", timeout=T)
    assert str(caught.value) == f"No answer from 127.0.0.1:{dns_port} within 0.4 s."
    assert time.monotonic() - started < T + 1


@pytest.mark.parametrize("name", ["garbage.example.test", "cut.example.test"])
def test_a_garbage_or_cut_answer_is_called_malformed(dns_port, name) -> None:
    with pytest.raises(Malformed) as caught:
        ask_dig(dns_port, name)
    assert str(caught.value) == (f"The answer from 127.0.0.1:{dns_port} is not a valid DNS "
                                 "message (cut short or garbled).")


def test_a_truncated_udp_answer_is_asked_again_over_tcp() -> None:
    server = DnsServer().start()
    try:
        result = ask_dig(server.port, "tc.example.test")
        assert result.tcp and result.answer == ["tc.example.test.\t300\tIN\tA\t192.0.2.20"]
        assert server.queries == ["tc.example.test. A UDP", "tc.example.test. A TCP"]
        out = format_dig(result)
        assert ";; Truncated, retrying in TCP mode." in out and "(TCP)" in out
    finally:
        server.stop()


def test_a_truncated_answer_without_tcp_says_the_server_is_unreachable() -> None:
    server = DnsServer(tcp=False).start()
    try:
        with pytest.raises(Unreachable, match="refused the TCP connection needed for the full"):
            ask_dig(server.port, "tc.example.test")
    finally:
        server.stop()


def test_a_huge_answer_comes_whole_over_tcp(dns_port) -> None:
    result = ask_dig(dns_port, "huge.example.test", "TXT")
    assert result.tcp and len(result.answer) == len(HUGE_TXT) == 250
    assert sorted(line.split("\t")[-1] for line in result.answer) == HUGE_TXT
    assert format_dig(result).count("\tTXT\t") == 250


def test_a_closed_port_is_unreachable() -> None:
    port = closed_port()
    with pytest.raises(Unreachable) as caught:
        ask_dig(port)
    assert str(caught.value) == f"The DNS server 127.0.0.1:{port} refused the query: nothing listens there."


@pytest.mark.parametrize("name, rtype, port, message", [
    ("", "A", 53, "The domain name can't be empty."),
    ("exa mple.test", "A", 53, "is not a domain name"),
    ("https://example.test/", "A", 53, "is not a domain name"),
    ("a" * 64 + ".test", "A", 53, "is not a valid domain name"),
    ("-bad.test", "A", 53, "is not a valid domain name"),
    ("example.test", "PTR", 53, "'PTR' is not a record type"),
    ("example.test", "A", 0, "The port must be between 1 and 65535"),
])
def test_bad_input_is_refused_before_any_traffic(name, rtype, port, message) -> None:
    with pytest.raises(BadQuery, match=message) as caught:
        dig(name, rtype, server="127.0.0.1", port=port, timeout=T)
    assert isinstance(caught.value, BadInput) and isinstance(caught.value, DiagError)


def test_unicode_names_become_punycode(dns_port) -> None:
    with pytest.raises(NoSuchDomain, match=r"^xn--bcher-kva\.example\.test does not exist"):
        ask_dig(dns_port, "bücher.example.test")


# --- whois -------------------------------------------------------------------------------------

def test_whois_follows_the_referral_to_the_registrar(chain) -> None:
    servers, resolve = chain
    result = whois("example.test", timeout=OK, resolve=resolve)
    assert [h.server for h in result.hops] == [ws.ROOT, ws.REGISTRY, ws.REGISTRAR]
    assert all(s.queries == ["example.test"] for s in servers.values())
    # The registrar's answer is the most specific: its fields win over the registry's.
    assert result.registrar == "Example Registrar, Inc."
    assert (result.created, result.expires, result.updated) == (
        "1995-08-14T04:00:00Z", "2026-08-13T04:00:00Z", "2025-01-02T03:04:05Z")
    assert result.name_servers == ["ns1.example.test", "ns2.example.test"]
    assert result.statuses == ["clientTransferProhibited", "clientUpdateProhibited"]
    out = format_whois(result)
    head, raw = out.split("--- Answer from whois.registrar.test", 1)
    assert "Registrar:    Example Registrar, Inc." in head and "Expires:      2026-08-13" in head
    assert "whois.iana.org -> whois.nic.test -> whois.registrar.test" in head
    assert "Registrant: Zoë Müller" in raw and "Domain Status: clientUpdateProhibited" in raw


def test_with_a_server_only_that_server_is_asked(chain) -> None:
    servers, _ = chain
    result = whois("example.test", server="127.0.0.1", port=servers[ws.REGISTRY].port, timeout=OK)
    assert len(result.hops) == 1 and result.registrar == "Registry View Of The Registrar"
    assert result.name_servers == ["ns1.example.test"]
    assert servers[ws.REGISTRAR].queries == [] and servers[ws.ROOT].queries == []


def test_no_match_is_one_sentence(chain) -> None:
    with pytest.raises(NotRegistered) as caught:
        whois("unknown.test", timeout=OK, resolve=chain[1])
    assert str(caught.value) == ("unknown.test is not registered: "
                                 "the whois server whois.nic.test found no match.")


def test_a_whois_server_that_never_answers_times_out(chain) -> None:
    started = time.monotonic()
    with pytest.raises(TimedOut, match=r"^No answer from the whois server whois\.nic\.test "
                                       r"\(127\.0\.0\.1:\d+\) within 0\.4 s\.$"):
        whois("slow.test", timeout=T, resolve=chain[1])
    assert time.monotonic() - started < T + 1


@pytest.mark.parametrize("domain, message", [
    ("garbage.test", r"is not text \(2,048 bytes of binary data\)\.$"),
    ("silent.test", r"closed the connection without answering\.$"),
])
def test_garbage_or_nothing_is_called_malformed(chain, domain, message) -> None:
    with pytest.raises(Malformed, match=message):
        whois(domain, timeout=OK, resolve=chain[1])


def test_a_huge_answer_is_cut_at_the_cap(chain) -> None:
    result = whois("huge.test", timeout=OK, resolve=chain[1])
    assert result.answer.cut_at == 1024 * 1024 and len(result.answer.text) <= 1024 * 1024
    out = format_whois(result)
    assert "Note: The answer was longer than 1,048,576 bytes and was cut there." in out
    assert out.rstrip().endswith("[... answer cut at 1,048,576 bytes]")


def test_a_referral_never_loops(chain) -> None:
    servers, resolve = chain
    result = whois("loop.test", timeout=OK, resolve=resolve)  # the registry refers back to the root
    assert [h.server for h in result.hops] == [ws.ROOT, ws.REGISTRY]
    assert servers[ws.ROOT].queries == ["loop.test"]


def test_a_dead_registrar_leaves_the_registry_answer_with_a_note(chain) -> None:
    result = whois("lost.test", timeout=OK, resolve=chain[1])
    assert result.answer.server == ws.REGISTRY and result.registrar == "Registry View Of The Registrar"
    assert result.notes == [f"The referral to {ws.GONE} failed: The whois server {ws.GONE} "
                            f"(127.0.0.1:{chain[1](ws.GONE)[1]}) refused the connection: "
                            "nothing listens there."]
    thin = whois("thin.test", timeout=OK, resolve=chain[1])  # the registrar knows nothing
    assert thin.answer.server == ws.REGISTRY and "found no match" in thin.notes[0]


def test_unreachable_and_unknown_whois_servers() -> None:
    port = closed_port()
    with pytest.raises(Unreachable, match=rf"^The whois server 127\.0\.0\.1:{port} refused"):
        whois("example.test", server="127.0.0.1", port=port, timeout=OK)

    def nowhere(host: str) -> tuple[str, int]:
        raise LookupError(host)

    with pytest.raises(Unreachable, match=r"^Can't find the whois server whois\.iana\.org\.$"):
        whois("example.test", timeout=OK, resolve=nowhere)


def test_escape_sequences_in_an_answer_never_reach_the_terminal() -> None:
    evil = WhoisServer(lambda q: b"Registrar: Evil\x1b[31m Corp\x07\r\n"
                                 b"\x1b]0;pwned\x07Name Server: ns.evil.test\r\n")
    evil.start()
    try:
        out = format_whois(whois("evil.test", server="127.0.0.1", port=evil.port, timeout=OK))
    finally:
        evil.stop()
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out
    assert "Evil Corp" in out and "ns.evil.test" in out


def test_clip_keeps_the_inserted_text_inside_the_limit() -> None:
    text = "".join(f"line {i}\n" for i in range(2000))
    clipped = clip(text, INSERT_LIMIT)
    assert len(clipped) <= INSERT_LIMIT and clipped.endswith("more characters not shown]")
    assert clip("short", INSERT_LIMIT) == "short"


# --- the command line --------------------------------------------------------------------------

def run_cli(*args: str):
    return CliRunner().invoke(diag, list(args), obj=AppContext(None, None, None))


def one_error_line(result, code: int) -> str:
    assert result.exit_code == code, (result.output, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def test_cli_dig_prints_the_answer(dns_port) -> None:
    result = run_cli("dig", "example.test", "--type", "mx", "--server", "127.0.0.1",
                     "--port", str(dns_port), "--timeout", str(OK))
    assert result.exit_code == 0 and result.stderr == ""
    assert ";; ANSWER SECTION:" in result.stdout and "10 mail.example.test." in result.stdout


@pytest.mark.parametrize("name, code, message", [
    ("nope.example.test", 1, "Error: nope.example.test does not exist (NXDOMAIN)."),
    ("timeout.example.test", 1, "Error: No answer from 127.0.0.1:{port} within 0.4 s."),
    ("garbage.example.test", 1, "Error: The answer from 127.0.0.1:{port} is not a valid DNS message"),
    ("bad name", 2, "Error: 'bad name' is not a domain name"),
])
def test_cli_dig_fails_with_one_line(dns_port, name, code, message) -> None:
    timeout = T if name.startswith("timeout.") else OK
    result = run_cli("dig", name, "-s", "127.0.0.1", "-p", str(dns_port), "--timeout", str(timeout))
    assert one_error_line(result, code).startswith(message.format(port=dns_port))


def test_cli_dig_exit_codes_for_a_dead_server_and_a_bad_type() -> None:
    port = str(closed_port())
    dead = run_cli("dig", "example.test", "-s", "127.0.0.1", "-p", port)
    assert "refused the query" in one_error_line(dead, 1)
    assert "'SRV' is not a record type" in one_error_line(
        run_cli("dig", "example.test", "-t", "SRV", "-s", "127.0.0.1", "-p", port), 2)


def test_cli_whois(chain) -> None:
    servers, _ = chain
    port = str(servers[ws.REGISTRY].port)
    ok = run_cli("whois", "example.test", "--server", "127.0.0.1", "--port", port, "--timeout", str(OK))
    assert ok.exit_code == 0 and "Registrar:    Registry View Of The Registrar" in ok.stdout
    assert one_error_line(run_cli("whois", "unknown.test", "-s", "127.0.0.1", "-p", port), 1) == (
        "Error: unknown.test is not registered: the whois server 127.0.0.1 found no match.")
    slow = run_cli("whois", "slow.test", "-s", "127.0.0.1", "-p", port, "--timeout", str(T))
    assert one_error_line(slow, 1) == f"Error: No answer from the whois server 127.0.0.1:{port} within 0.4 s."
    dead = run_cli("whois", "example.test", "-s", "127.0.0.1", "-p", str(closed_port()))
    assert "refused the connection" in one_error_line(dead, 1)
    assert "--port goes with --server" in one_error_line(run_cli("whois", "example.test", "-p", port), 2)


# --- the modal ---------------------------------------------------------------------------------

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


# --- the ticket form's Whois and Dig ---------------------------------------------------------------

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
