"""Signed Message-IDs: the desk's outgoing mail names its ticket and message in its
Message-ID, with an HMAC-SHA256 of both under the desk's secret.

An answer's In-Reply-To/References naming such an id threads back to its ticket; an id
someone made up, or copied and edited to point at another ticket, fails the check. The
domain is not signed, so a department that changes its address keeps its threads.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from ..validate import is_id

MIN_SECRET_BYTES = 16
_TAG = "tt"
_SIGNED = re.compile(r"^<?tt\.([1-9][0-9]{0,18})\.([1-9][0-9]{0,18})\.([0-9a-f]{32})@[^<>@\s]+>?$")
_DOMAIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")


def make_message_id(ticket_id: int, message_id: int, secret: bytes | str, domain: str) -> str:
    """The Message-ID header value (with angle brackets) of the mail sent for this message."""
    if not (is_id(ticket_id) and is_id(message_id)):
        raise ValueError("A signed Message-ID names an existing ticket and message.")
    if not _DOMAIN.match(domain):
        raise ValueError(f"{domain!r} is not a domain name a Message-ID can end with.")
    return f"<{_TAG}.{ticket_id}.{message_id}.{_mac(secret, ticket_id, message_id)}@{domain}>"


def verify_message_id(value: str, secret: bytes | str) -> tuple[int, int] | None:
    """(ticket id, message id) of a Message-ID this desk signed with this secret, else None."""
    found = _SIGNED.match(value.strip()) if isinstance(value, str) else None
    if found is None:
        return None
    ticket_id, message_id = int(found[1]), int(found[2])
    if not (is_id(ticket_id) and is_id(message_id)):
        return None
    if not hmac.compare_digest(found[3], _mac(secret, ticket_id, message_id)):
        return None
    return ticket_id, message_id


def _mac(secret: bytes | str, ticket_id: int, message_id: int) -> str:
    key = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
    if len(key) < MIN_SECRET_BYTES:
        raise ValueError(f"The desk's mail secret must be at least {MIN_SECRET_BYTES} bytes.")
    signed = f"ticket-tui message-id {ticket_id} {message_id}".encode("ascii")
    return hmac.new(key, signed, hashlib.sha256).hexdigest()[:32]
