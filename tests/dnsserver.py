"""A tiny real DNS server on loopback (UDP and TCP on the same port) for the diagnostics tests.

It serves a fixed zone for example.test; some names misbehave on purpose, so one server covers
every case (the name says what it does):
    timeout.example.test   never answered (the client times out)
    held.example.test      answered only once the test sets .release (a late answer)
    garbage.example.test   a reply whose header promises 65535 questions: not a DNS message
    cut.example.test       a real reply cut in half
    tc.example.test        UDP: an empty reply with TC set; TCP: the full answer
    huge.example.test      250 TXT strings (about 53 KB): truncated over UDP, whole over TCP
    servfail.example.test  SERVFAIL
Any other name is NXDOMAIN (with the SOA in the authority section, as a real server does).
"""

from __future__ import annotations

import socket
import struct
import threading

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset

ZONE = "example.test."
SOA = "ns1.example.test. hostmaster.example.test. 2026030101 3600 600 86400 300"
HUGE_TXT = [f'"{i:03d}-' + "x" * 196 + '"' for i in range(250)]
RECORDS: dict[tuple[str, str], list[str]] = {
    ("example.test.", "A"): ["192.0.2.10"],
    ("example.test.", "AAAA"): ["2001:db8::10"],
    ("example.test.", "MX"): ["10 mail.example.test.", "20 backup.example.test."],
    ("example.test.", "NS"): ["ns1.example.test.", "ns2.example.test."],
    ("example.test.", "TXT"): ['"v=spf1 mx -all"'],
    ("example.test.", "SOA"): [SOA],
    ("www.example.test.", "CNAME"): ["example.test."],
    ("tc.example.test.", "A"): ["192.0.2.20"],
    ("huge.example.test.", "TXT"): HUGE_TXT,
    ("ns1.example.test.", "A"): ["192.0.2.1"],
    ("ns2.example.test.", "A"): ["192.0.2.2"],
}
NAMES = {name for name, _ in RECORDS}
TTL = 300


class DnsServer:
    """Start with .start(), stop with .stop(); .port is where it listens on 127.0.0.1.
    tcp=False leaves the TCP port closed (a truncated answer then can't be fetched whole)."""

    def __init__(self, *, tcp: bool = True) -> None:
        self.with_tcp = tcp
        self.port = 0
        self.queries: list[str] = []  # "name TYPE proto", for tests that check what was asked
        self.release = threading.Event()  # lets held.example.test be answered
        self.answered_held = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._held: list[socket.socket] = []  # TCP connections left unanswered, closed on stop

    def start(self) -> DnsServer:
        # UDP and TCP on one port number: take a free UDP port, then its TCP twin; another
        # program may hold that TCP port, so try a few.
        for _ in range(20):
            self._udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self._udp.bind(("127.0.0.1", 0))
            self.port = self._udp.getsockname()[1]
            if not self.with_tcp:
                break
            self._tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                self._tcp.bind(("127.0.0.1", self.port))
                break
            except OSError:
                self._tcp.close()
                self._udp.close()
        else:
            raise RuntimeError("no free UDP+TCP port pair on 127.0.0.1")
        self._udp.settimeout(0.05)
        self._run(self._serve_udp)
        if self.with_tcp:
            self._tcp.listen(8)
            self._tcp.settimeout(0.05)
            self._run(self._serve_tcp)
        return self

    def stop(self) -> None:
        self._stop.set()
        self.release.set()
        for thread in self._threads:
            thread.join(timeout=2)
        for sock in [self._udp, *self._held] + ([self._tcp] if self.with_tcp else []):
            sock.close()

    def _run(self, target) -> None:
        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _serve_udp(self) -> None:
        while not self._stop.is_set():
            try:
                wire, peer = self._udp.recvfrom(65535)
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            reply = self.reply(wire, tcp=False)
            if reply is not None:
                self._udp.sendto(reply, peer)
            if b"\x04held" in wire:
                self.answered_held.set()

    def _serve_tcp(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._tcp.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            conn.settimeout(2)
            try:
                (length,) = struct.unpack("!H", _read(conn, 2))
                reply = self.reply(_read(conn, length), tcp=True)
                if reply is None:
                    self._held.append(conn)
                    continue
                conn.sendall(struct.pack("!H", len(reply)) + reply)
            except (OSError, struct.error):
                pass
            conn.close()

    def reply(self, wire: bytes, *, tcp: bool) -> bytes | None:
        """The bytes to send back for one query, or None to stay silent."""
        query = dns.message.from_wire(wire)
        question = query.question[0]
        name, rtype = question.name.to_text().lower(), dns.rdatatype.to_text(question.rdtype)
        self.queries.append(f"{name} {rtype} {'TCP' if tcp else 'UDP'}")
        label = name.split(".")[0]
        if label == "timeout":
            return None
        if label == "held":
            self.release.wait(5)
        if label == "garbage":
            return wire[:2] + b"\x81\x80\xff\xff\x00\x01\x00\x00\x00\x00" + b"\xc0\x0c\xff" * 9
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        if label == "tc" and not tcp:
            response.flags |= dns.flags.TC
            return response.to_wire()
        if label == "servfail":
            response.set_rcode(dns.rcode.SERVFAIL)
            return response.to_wire()
        if name not in NAMES and label != "cut":
            response.set_rcode(dns.rcode.NXDOMAIN)
            response.authority.append(dns.rrset.from_text(ZONE, TTL, "IN", "SOA", SOA))
            return response.to_wire()
        if label == "cut":  # a real answer (the apex's) to cut in half below
            data = RECORDS.get((ZONE, rtype), [])
        else:
            data = RECORDS.get((name, rtype), [])
        if not data and (name, "CNAME") in RECORDS:
            target = RECORDS[(name, "CNAME")][0]
            response.answer.append(dns.rrset.from_text(name, TTL, "IN", "CNAME", target))
            name, data = target, RECORDS.get((target, rtype), [])
        if data:
            response.answer.append(dns.rrset.from_text_list(name, TTL, "IN", rtype, data))
        if not response.answer:  # NODATA: the name exists without this type
            response.authority.append(dns.rrset.from_text(ZONE, TTL, "IN", "SOA", SOA))
        if rtype in ("MX", "NS") and name == ZONE:
            for host in ("ns1.example.test.", "ns2.example.test."):
                response.additional.append(dns.rrset.from_text(host, TTL, "IN", "A",
                                                               RECORDS[(host, "A")][0]))
        # Over UDP the reply must fit the client's EDNS size, or be cut to the header with TC.
        limit = 65535 if tcp else max(512, query.payload if query.edns >= 0 else 512)
        out = response.to_wire(max_size=65535)
        if label == "cut":
            return out[: len(out) // 2]
        if len(out) > limit:
            response.answer.clear()
            response.additional.clear()
            response.flags |= dns.flags.TC
            out = response.to_wire()
        return out


def _read(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise OSError("closed")
        data += chunk
    return data
