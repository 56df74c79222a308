"""Tiny real whois servers on loopback for the diagnostics tests.

Three roles make the referral chain of a real look-up: the root (like whois.iana.org) refers
to the registry (whois.nic.test), whose answer names the registrar's server
(whois.registrar.test). Tests map those names to the loopback ports with a resolve hook.
Some domains misbehave on purpose (the first label says what it does):
    unknown.test   the registry finds no match
    slow.test      the registry accepts the connection and never answers
    garbage.test   the registry sends binary bytes
    huge.test      the registry sends 2 MiB of text (over the 1 MiB cap)
    loop.test      the registry refers back to the root (the chain must not loop)
    lost.test      the registry refers to whois.gone.test, a closed port
    silent.test    the registry closes without a byte
    thin.test      the registrar finds no match (the registry's answer stands)
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable

Handler = Callable[[str], bytes | None]  # the query line -> the answer, or None: never answer

ROOT = "whois.iana.org"
REGISTRY = "whois.nic.test"
REGISTRAR = "whois.registrar.test"
GONE = "whois.gone.test"

ROOT_ANSWER = """\
% IANA WHOIS server
% for more information on IANA, visit http://www.iana.org
% This query returned 1 object

refer:        whois.nic.test

domain:       TEST
organisation: Test Registry Services
status:       ACTIVE
created:      1985-01-01
source:       IANA
"""

REGISTRY_ANSWER = """\
   Domain Name: {upper}
   Registry Domain ID: 2336799_DOMAIN_TEST-VRSN
   Registrar WHOIS Server: {refer}
   Registrar URL: http://www.registrar.test
   Updated Date: 2024-08-14T07:01:34Z
   Creation Date: 1995-08-14T04:00:00Z
   Registry Expiry Date: 2026-08-13T04:00:00Z
   Registrar: Registry View Of The Registrar
   Name Server: NS1.{upper}
   Domain Status: clientDeleteProhibited https://icann.org/epp#clientDeleteProhibited
>>> Last update of whois database: 2026-03-01T10:00:00Z <<<
"""

REGISTRAR_ANSWER = """\
Domain Name: {name}
Registrar WHOIS Server: whois.registrar.test
Updated Date: 2025-01-02T03:04:05Z
Creation Date: 1995-08-14T04:00:00Z
Registrar Registration Expiration Date: 2026-08-13T04:00:00Z
Registrar: Example Registrar, Inc.
Domain Status: clientTransferProhibited https://icann.org/epp#clientTransferProhibited
Domain Status: clientUpdateProhibited https://icann.org/epp#clientUpdateProhibited
Name Server: ns1.example.test
Name Server: ns2.example.test
URL of the ICANN Whois Inaccuracy Complaint Form: https://www.icann.org/wicf/
"""

NO_MATCH = 'No match for "{upper}".\r\n>>> Last update of whois database: 2026-03-01T10:00:00Z <<<\r\n'


def root(query: str) -> bytes | None:
    return ROOT_ANSWER.encode()


def registry(query: str) -> bytes | None:
    label = query.split(".")[0]
    upper = query.upper()
    if label == "unknown":
        return NO_MATCH.format(upper=upper).encode()
    if label == "slow":
        return None
    if label == "garbage":
        return bytes(range(256)) * 8
    if label == "huge":
        line = b"Remark: " + b"lorem ipsum " * 8 + b"\r\n"
        return line * (2 * 1024 * 1024 // len(line) + 1)
    if label == "silent":
        return b""
    refer = {"loop": ROOT, "lost": GONE}.get(label, REGISTRAR)
    return REGISTRY_ANSWER.format(upper=upper, refer=refer).encode()


def registrar(query: str) -> bytes | None:
    if query.startswith("thin."):
        return NO_MATCH.format(upper=query.upper()).encode()
    # Non-ASCII in an answer (a registrant's name) must come through decoded, not crash.
    return (REGISTRAR_ANSWER.format(name=query) + "Registrant: Zoë Müller\n").encode()


class WhoisServer:
    """A whois server on 127.0.0.1: reads one query line, writes the handler's answer, closes."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.port = 0
        self.queries: list[str] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> WhoisServer:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.05)
        self.port = self._sock.getsockname()[1]
        self._spawn(self._accept)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in list(self._threads):
            thread.join(timeout=2)
        self._sock.close()

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            self._spawn(self._answer, conn)

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(2)
            try:
                line = b""
                while not line.endswith(b"\r\n") and len(line) < 1024:
                    chunk = conn.recv(1024)
                    if not chunk:
                        return
                    line += chunk
                query = line.decode("ascii", "replace").strip()
                self.queries.append(query)
                answer = self.handler(query)
                if answer is None:
                    self._stop.wait()  # hold the connection open until the tests end
                    return
                conn.sendall(answer)
            except OSError:
                pass  # the client hung up first (it stops reading at its size cap)


def closed_port() -> int:
    """A loopback port where nothing listens, over TCP nor UDP (bound for both, then released:
    it stays free unless another program grabs it in that instant)."""
    for _ in range(20):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
    raise RuntimeError("no free port on 127.0.0.1")
