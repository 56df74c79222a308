"""dig: one DNS question to one server, the answer laid out the way `dig` prints it.

One server, not a recursive walk: staff want to see what *that* resolver (the system's, or the
one in the config) says, with its TTLs and flags, like they would with dig on a shell. UDP
first; a truncated (TC) answer is asked again over TCP, as dig does. The UDP socket is
connected so a closed port shows up as "unreachable" (ICMP port unreachable) instead of a
silent time-out.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

import dns.exception
import dns.flags
import dns.message
import dns.opcode
import dns.query
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.resolver
import dns.rrset

from ..safe_text import printable
from . import (  # noqa: F401 - RECORD_TYPES is named here too, where it was first
    RECORD_TYPES, BadQuery, Malformed, NoSuchDomain, ServerFailure, TimedOut, Unreachable, domain_name,
    port_number, seconds, timeout_seconds, where,
)

RESOLV_CONF = "/etc/resolv.conf"
EDNS_PAYLOAD = 1232  # what dig and most resolvers advertise today (no IP fragmentation)


@dataclass
class DigResult:
    domain: str
    rtype: str
    server: str  # the address asked
    port: int
    elapsed_ms: int
    rcode: str  # NOERROR here; other codes are raised as errors
    opcode: str
    id: int
    flags: list[str]
    question: list[str]
    answer: list[str]  # one line per record: name, TTL, class, type, data (tab-separated)
    authority: list[str]
    additional: list[str]
    edns: str | None = None  # "; EDNS: version: 0, flags:; udp: 1232" when the answer has OPT
    tcp: bool = False  # the UDP answer was truncated and the full one came over TCP
    from_system: bool = False  # the server came from resolv.conf
    when: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def records(self) -> int:
        return len(self.answer)


def record_type(value: str) -> str:
    rtype = (value or "").strip().upper()
    if rtype not in RECORD_TYPES:
        raise BadQuery(f"{value!r} is not a record type dig can look up here "
                       f"(one of {', '.join(RECORD_TYPES)}).")
    return rtype


def system_server(resolv_conf: str = RESOLV_CONF) -> str:
    """The first name server of resolv.conf, as dnspython reads it."""
    try:
        servers = dns.resolver.Resolver(filename=resolv_conf, configure=True).nameservers
    except (dns.resolver.NoResolverConfiguration, OSError):
        servers = []
    if not servers:
        raise Unreachable(f"No DNS server is configured ({resolv_conf} lists none); "
                          "give one with --server or in the config.")
    return str(servers[0])


def server_address(server: str, port: int) -> str:
    """An IP address for the server: itself if it is one, else the host name resolved."""
    server = server.strip()
    try:
        return str(ipaddress.ip_address(server))
    except ValueError:
        pass
    host = domain_name(server)  # refuses anything that isn't a host name (BadQuery)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Unreachable(f"Can't find the DNS server {host}: {_reason(error)}.") from None
    return str(infos[0][4][0])


def dig(domain: str, rtype: str = "A", server: str | None = None, port: int = 53,
        timeout: float = 3.0, *, resolv_conf: str = RESOLV_CONF) -> DigResult:
    """Asks `server` (else the first resolver of resolv.conf) for the `rtype` records of
    `domain`. Raises a DiagError subclass with one sentence on any failure."""
    name, rtype = domain_name(domain), record_type(rtype)
    port, timeout = port_number(port), timeout_seconds(timeout)
    from_system = server is None or not server.strip()
    address = server_address(system_server(resolv_conf) if from_system else server, port)
    at = where(address, port)
    query = dns.message.make_query(name + ".", rtype, use_edns=0, payload=EDNS_PAYLOAD)
    started = time.monotonic()
    deadline = started + timeout
    tcp = False
    try:
        response = _udp(query, address, port, timeout)
        if response.flags & dns.flags.TC:
            tcp = True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise dns.exception.Timeout
            response = dns.query.tcp(query, address, remaining, port)
    except dns.exception.Timeout:
        raise TimedOut(f"No answer from {at} within {seconds(timeout)}.") from None
    except ConnectionRefusedError:
        how = "the TCP connection needed for the full (truncated) answer" if tcp else "the query"
        raise Unreachable(f"The DNS server {at} refused {how}: nothing listens there.") from None
    except dns.query.BadResponse:
        raise Malformed(f"The answer from {at} does not match the question asked.") from None
    except (dns.exception.DNSException, EOFError, ValueError) as error:
        raise Malformed(f"The answer from {at} is not a valid DNS message ({_what(error)}).") from None
    except OSError as error:
        raise Unreachable(f"Can't reach the DNS server {at}: {_reason(error)}.") from None
    elapsed_ms = round((time.monotonic() - started) * 1000)

    rcode = dns.rcode.to_text(response.rcode())
    if response.rcode() == dns.rcode.NXDOMAIN:
        raise NoSuchDomain(f"{name} does not exist (NXDOMAIN).")
    if response.rcode() != dns.rcode.NOERROR:
        raise ServerFailure(f"The DNS server {at} answered {rcode} for {name} {rtype}.")
    edns = None
    if response.edns >= 0:
        edns = f"; EDNS: version: {response.edns}, flags:{_edns_flags(response)}; udp: {response.payload}"
    return DigResult(
        domain=name, rtype=rtype, server=address, port=port, elapsed_ms=elapsed_ms, rcode=rcode,
        opcode=dns.opcode.to_text(response.opcode()), id=response.id,
        flags=dns.flags.to_text(response.flags).lower().split(),
        question=[f";{r.name.to_text()}\t\t{dns.rdataclass.to_text(r.rdclass)}\t"
                  f"{dns.rdatatype.to_text(r.rdtype)}" for r in response.question],
        answer=_lines(response.answer), authority=_lines(response.authority),
        additional=_lines(response.additional), edns=edns, tcp=tcp, from_system=from_system,
    )


def format_dig(result: DigResult) -> str:
    """The result as dig prints it: header, flags, sections, query time and server."""
    r = result
    target = "" if r.from_system else f"@{r.server} "
    port = "" if r.port == 53 else f"-p {r.port} "
    out = [f"; <<>> ticket-tui dig <<>> {target}{port}{r.domain} {r.rtype}"]
    if r.tcp:
        out.append(";; Truncated, retrying in TCP mode.")
    out += [
        ";; Got answer:",
        f";; ->>HEADER<<- opcode: {r.opcode}, status: {r.rcode}, id: {r.id}",
        f";; flags: {' '.join(r.flags)}; QUERY: {len(r.question)}, ANSWER: {len(r.answer)}, "
        f"AUTHORITY: {len(r.authority)}, ADDITIONAL: {len(r.additional) + (r.edns is not None)}",
        "",
    ]
    if r.edns is not None:
        out += [";; OPT PSEUDOSECTION:", r.edns]
    out += [";; QUESTION SECTION:", *r.question, ""]
    # Like dig: a section is printed only when it has records.
    for title, lines in (("ANSWER", r.answer), ("AUTHORITY", r.authority),
                         ("ADDITIONAL", r.additional)):
        if lines:
            out += [f";; {title} SECTION:", *lines, ""]
    out += [
        f";; Query time: {r.elapsed_ms} msec",
        f";; SERVER: {r.server}#{r.port}({r.server}) ({'TCP' if r.tcp else 'UDP'})",
        f";; WHEN: {r.when.strftime('%a %b %d %H:%M:%S UTC %Y')}",
    ]
    # dnspython escapes odd bytes in records already; this also covers names and the rest.
    return printable("\n".join(out)) + "\n"


def _udp(query: dns.message.Message, address: str, port: int, timeout: float) -> dns.message.Message:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with dns.query.make_socket(family, socket.SOCK_DGRAM) as sock:
        # Connected, so the kernel reports "port unreachable" as ConnectionRefusedError.
        sock.connect((address, port))
        return dns.query.udp(query, address, timeout, port, sock=sock)


def _lines(section: list[dns.rrset.RRset]) -> list[str]:
    # Record data is rendered by dnspython's to_text, which escapes unprintable bytes (\DDD).
    return [f"{rrset.name.to_text()}\t{rrset.ttl}\t{dns.rdataclass.to_text(rrset.rdclass)}\t"
            f"{dns.rdatatype.to_text(rrset.rdtype)}\t{rdata.to_text()}"
            for rrset in section for rdata in rrset]


def _edns_flags(response: dns.message.Message) -> str:
    flags = dns.flags.edns_to_text(response.ednsflags).lower()
    return f" {flags}" if flags else ""


def _what(error: Exception) -> str:
    if isinstance(error, dns.message.ShortHeader):
        return "shorter than a DNS header"
    if isinstance(error, dns.message.TrailingJunk):
        return "extra bytes after the message"
    if isinstance(error, (dns.exception.FormError, EOFError)):
        return "cut short or garbled"
    return type(error).__name__


def _reason(error: BaseException) -> str:
    reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return reason[0].lower() + reason[1:] if reason else reason
