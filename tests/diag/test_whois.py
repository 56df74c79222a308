"""Whois against whois servers on loopback: referrals, no match, time-out, garbage, huge answers."""

from __future__ import annotations

import time

import pytest

from store.diag import Malformed, NotRegistered, TimedOut, Unreachable
from store.diag.whois import format_whois, whois
from tests import whoisserver as ws
from tests.diag.timeouts import OK, T
from tests.whoisserver import WhoisServer, closed_port


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
