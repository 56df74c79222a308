"""Dig against the DNS server on loopback: records, CNAME, NXDOMAIN, time-out, garbage, TCP retry."""

from __future__ import annotations

import time

import pytest

from store.diag import BadQuery, DiagError, Malformed, NoSuchDomain, ServerFailure, TimedOut, Unreachable
from store.diag.dig import dig, format_dig
from store.errors import BadInput, Refused
from tests.diag.timeouts import OK, T
from tests.dnsserver import HUGE_TXT, DnsServer
from tests.whoisserver import closed_port


def ask_dig(port: int, name: str = "example.test", rtype: str = "A", timeout: float = OK):
    return dig(name, rtype, server="127.0.0.1", port=port, timeout=timeout)


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
