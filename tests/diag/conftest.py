"""Fixtures of the Dig and Whois tests (issue 9): a DNS server and whois servers on loopback.

No test asks the system resolver or a real whois server: every query names a 127.0.0.1 port,
and loopback_only fails any test that tries otherwise. Each case checks the answer or the one
sentence that explains the failure, and that nothing crashes: records, referral, time-out,
NXDOMAIN, garbage, truncated and huge answers.
"""

from __future__ import annotations

import ipaddress
import socket

import pytest

from tests import whoisserver as ws
from tests.dnsserver import DnsServer
from tests.whoisserver import WhoisServer, closed_port


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
