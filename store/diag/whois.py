"""whois (RFC 3912) spoken directly over TCP: connect, send the name and CRLF, read until close.

With no server given, the question follows the referral chain a whois client follows: IANA's
server names the registry's server for the TLD ("refer:"), the registry's answer may name the
registrar's server ("Registrar WHOIS Server:"). At most MAX_HOPS servers, never the same one
twice. Each answer is read with a time-out and a size cap, and decoded leniently: a whois
server is a stranger's program and its bytes are data, never trusted.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..safe_text import printable
from . import (
    Malformed, NotRegistered, TimedOut, Unreachable, DiagError, domain_name, port_number,
    seconds, timeout_seconds, where,
)

ROOT_SERVER = "whois.iana.org"
MAX_HOPS = 3
MAX_BYTES = 1024 * 1024  # far above any real answer (a few KiB); a bigger one is cut here

Resolve = Callable[[str], tuple[str, int]]


@dataclass
class Hop:
    server: str  # the name asked (as configured or as referred to)
    address: str  # host:port actually connected to
    text: str
    elapsed_ms: int
    cut_at: int | None = None  # the size cap, when the answer was longer and was cut there


@dataclass
class WhoisResult:
    domain: str
    hops: list[Hop]
    registrar: str | None = None
    created: str | None = None
    expires: str | None = None
    updated: str | None = None
    name_servers: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. a registrar server that failed
    shown: int = -1  # the hop whose answer is the one to show: the most specific with data

    @property
    def answer(self) -> Hop:
        return self.hops[self.shown]


def default_resolve(host: str) -> tuple[str, int]:
    """Where a referred server is: its name on the whois port (the OS resolves it on connect)."""
    return host, 43


def whois(domain: str, server: str | None = None, port: int = 43, timeout: float = 5.0, *,
          resolve: Resolve = default_resolve, root: str = ROOT_SERVER,
          max_bytes: int = MAX_BYTES) -> WhoisResult:
    """Asks `server` only if given; else follows the referrals from `root`. `resolve` maps a
    server name to (host, port) - tests map the chain onto loopback servers with it."""
    name = domain_name(domain)
    port, timeout = port_number(port), timeout_seconds(timeout)
    if server is not None and server.strip():
        host = _host(server)
        return _finish(name, [ask(name, host, (host, port), timeout, max_bytes)], [], root_only=False)

    hops: list[Hop] = []
    notes: list[str] = []
    asked: set[str] = set()
    next_server: str | None = root
    while next_server and len(hops) < MAX_HOPS:
        asked.add(next_server.lower())
        try:
            hop = ask(name, next_server, _address(resolve, next_server), timeout, max_bytes)
        except DiagError as error:
            if len(hops) < 2:
                raise  # the root's answer is about the TLD: without the registry's, no answer
            # The registry answered; a registrar server that fails leaves that answer standing.
            notes.append(f"The referral to {next_server} failed: {error}")
            break
        hops.append(hop)
        referral = _referral(hop.text)
        next_server = referral if referral and referral.lower() not in asked else None
    if next_server and len(hops) >= MAX_HOPS:
        notes.append(f"The referral to {next_server} was not followed ({MAX_HOPS} servers at most).")
    return _finish(name, hops, notes, root_only=len(hops) == 1)


def _host(server: str) -> str:
    """An IP address or a host name; anything else (spaces, a URL) is refused as bad input."""
    server = server.strip()
    try:
        return str(ipaddress.ip_address(server))
    except ValueError:
        return domain_name(server)


def _address(resolve: Resolve, server: str) -> tuple[str, int]:
    try:
        return resolve(server)
    except (OSError, LookupError):  # a hook's "no such host"
        raise Unreachable(f"Can't find the whois server {server}.") from None


def ask(name: str, server: str, address: tuple[str, int], timeout: float,
        max_bytes: int = MAX_BYTES) -> Hop:
    """One whois exchange. The time-out bounds the whole exchange, not each read."""
    host, port = address
    at = where(host, port) if host == server else f"{server} ({where(host, port)})"
    started = time.monotonic()
    deadline = started + timeout
    chunks: list[bytes] = []
    size = 0
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(name.encode("ascii") + b"\r\n")
            while size <= max_bytes:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                sock.settimeout(remaining)
                chunk = sock.recv(min(65536, max_bytes + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
    except (TimeoutError, socket.timeout):
        raise TimedOut(f"No answer from the whois server {at} within {seconds(timeout)}.") from None
    except ConnectionRefusedError:
        raise Unreachable(f"The whois server {at} refused the connection: nothing listens there.") from None
    except socket.gaierror as error:
        raise Unreachable(f"Can't find the whois server {host}: {error.strerror.lower()}.") from None
    except OSError as error:
        reason = error.strerror or str(error) or type(error).__name__
        raise Unreachable(f"Can't reach the whois server {at}: {reason}.") from None
    elapsed_ms = round((time.monotonic() - started) * 1000)
    data = b"".join(chunks)
    cut_at = max_bytes if len(data) > max_bytes else None
    data = data[:max_bytes]
    if not data.strip():
        raise Malformed(f"The whois server {at} closed the connection without answering.")
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
    if _binary(text):
        raise Malformed(f"The answer from the whois server {at} is not text "
                        f"({len(data):,} bytes of binary data).")
    return Hop(server=server, address=at, text=text, elapsed_ms=elapsed_ms, cut_at=cut_at)


def format_whois(result: WhoisResult) -> str:
    """Key fields on top, then the raw answer of the most specific server."""
    r = result
    chain = " -> ".join(h.server for h in r.hops)
    out = [f"Whois {r.domain}  (asked: {chain})", ""]
    facts = [("Registrar", r.registrar), ("Created", r.created), ("Expires", r.expires),
             ("Updated", r.updated), ("Name servers", ", ".join(r.name_servers) or None),
             ("Status", ", ".join(r.statuses) or None)]
    out += [f"{label + ':':<14}{value if value else '-'}" for label, value in facts]
    out += [f"Note: {note}" for note in r.notes]
    shown = r.answer
    out += ["", f"--- Answer from {shown.server} ({shown.address}, {shown.elapsed_ms} ms) ---",
            shown.text.rstrip("\n")]
    if shown.cut_at:
        out.append(f"[... answer cut at {shown.cut_at:,} bytes]")
    # The answer is a stranger's bytes: no escape sequence may reach a terminal from here.
    return printable("\n".join(out)) + "\n"


# --- reading answers -------------------------------------------------------------------------

_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9 /._-]{0,60}?)\s*:\s*(.*?)\s*$")
_REFER_KEYS = ("refer", "whois", "registrar whois server", "whois server")
_NO_MATCH = re.compile(
    r"^\s*(no match( for)?\b|not found\b|no data found|no entries found|domain not found|"
    r"no matching record|status:\s*(free|available)\b|the queried object does not exist|"
    r"%\s*this query returned 0 objects)",
    re.IGNORECASE | re.MULTILINE)
_KEYS = {
    "registrar": ("registrar", "sponsoring registrar", "registrar name"),
    "created": ("creation date", "created", "created on", "registered on", "registration time",
                "domain registration date"),
    "expires": ("registry expiry date", "registrar registration expiration date",
                "expiration date", "expiry date", "expires", "expires on", "paid-till",
                "expiration time"),
    "updated": ("updated date", "last updated on", "last-modified", "last modified", "changed",
                "modified"),
}
_NS_KEYS = ("name server", "nserver", "nameserver", "name servers", "nameservers")
_STATUS_KEYS = ("domain status", "status", "state")


def _fields(text: str) -> list[tuple[str, str]]:
    pairs = []
    for line in text.splitlines():
        if line.lstrip().startswith(("%", "#", ">>>")):
            continue  # comments and the ">>> Last update of WHOIS database" trailer
        m = _LINE.match(line)
        if m and m.group(2):
            pairs.append((" ".join(m.group(1).lower().split()), m.group(2)))
    return pairs


def _referral(text: str) -> str | None:
    """The next server named by this answer, as a host name, or None."""
    for key, value in _fields(text):
        if key in _REFER_KEYS:
            host = value.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].strip().rstrip(".")
            try:
                return domain_name(host)  # only a plain host name is followed
            except DiagError:
                continue
    return None


def _finish(name: str, hops: list[Hop], notes: list[str], *, root_only: bool) -> WhoisResult:
    # With a referral, IANA's answer describes the TLD, not the domain: only later answers count.
    first = 1 if len(hops) > 1 else 0
    useful = [i for i in range(first, len(hops)) if not _no_match(hops[i].text)]
    if not useful:
        raise NotRegistered(f"{name} is not registered: the whois server {hops[-1].server} "
                            f"found no match.")
    if useful[-1] != len(hops) - 1:
        notes.append(f"{hops[-1].server} found no match; the answer of "
                     f"{hops[useful[-1]].server} is shown.")
    if root_only and hops[0].server == ROOT_SERVER:
        notes.append(f"{ROOT_SERVER} names no whois server for this TLD; its answer is about the TLD.")
    if hops[useful[-1]].cut_at:
        notes.append(f"The answer was longer than {hops[useful[-1]].cut_at:,} bytes and was cut there.")
    result = WhoisResult(domain=name, hops=hops, notes=notes, shown=useful[-1])
    # Most specific answer first; each field from the first answer that has it.
    for text in (hops[i].text for i in reversed(useful)):
        pairs = _fields(text)
        for attr, keys in _KEYS.items():
            if getattr(result, attr) is None:
                setattr(result, attr, next((v for k, v in pairs if k in keys), None))
        if not result.name_servers:
            result.name_servers = _unique(v.split()[0].lower().rstrip(".")
                                          for k, v in pairs if k in _NS_KEYS)
        if not result.statuses:
            result.statuses = _unique(v.split()[0].rstrip(",")
                                      for k, v in pairs if k in _STATUS_KEYS)
    return result


def _no_match(text: str) -> bool:
    """A "no match" answer; one that also gives a creation date is an answer after all
    (some registries print "not found" inside their notices)."""
    return bool(_NO_MATCH.search(text)) and not any(k in _KEYS["created"] for k, _ in _fields(text))


def _unique(values) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _binary(text: str) -> bool:
    """Not text: NUL bytes, or more than a tenth undecodable bytes and control characters."""
    return "\x00" in text or len(_NOT_TEXT.findall(text)) > len(text) / 10


_NOT_TEXT = re.compile(r"[\ufffd\x01-\x08\x0b\x0e-\x1f\x7f]")
