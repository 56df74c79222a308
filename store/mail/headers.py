"""A mail's header values as text: encoded words (RFC 2047), raw 8-bit bytes, addresses,
message ids and the date.

The parser's own header objects decode encoded words with the charset as labelled and turn
what that charset can't explain into U+FFFD; a gb2312-labelled subject written in GBK would
lose its characters. So the intake reads the raw values (Message.raw_items) and decodes each
encoded word's bytes with store.mail.charsets, as mail readers do.
"""

from __future__ import annotations

import binascii
import hashlib
import re
from datetime import datetime, timezone
from email.policy import EmailPolicy
from functools import lru_cache
from email.utils import getaddresses, parsedate_to_datetime

from .charsets import decode_text
from .records import MailAddress

_FOLD = re.compile(r"\r?\n(?=[ \t])")
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=")
_SET_ASIDE = re.compile("\ue000([0-9]+)\ue001")
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
_BARE_ID = re.compile(r"^[^<>\s]+@[^<>\s]+$")
MAX_ID_LENGTH = 250  # longer ids are replaced by a digest of them, the same each time
MAX_ADDRESSES = 200  # per header; a To of thousands is a mailing, not a conversation
MAX_REFERENCES = 100  # the newest ones: threading looks at the recent end


class TolerantPolicy(EmailPolicy):
    """policy.default, but a header value its parser chokes on (it raises IndexError on some
    broken MIME parameters) is read as unstructured text: one bad header must not make the
    whole mail unreadable. Code reading such a part uses the str-based accessors
    (get_content_type, get_content_disposition, get_param), which work on either."""

    def header_fetch_parse(self, name: str, value: str):  # noqa: ANN201 - a header object
        # Parsed again at every get (a walk asks each part's Content-Type a few times), and
        # most mails share their values: kept, since a header object is an immutable str.
        if len(value) > _CACHED_VALUE:
            return _parse(self, name, value)
        return _cached_parse(self, name, value)


_CACHED_VALUE = 1000  # longer values are parsed each time: the cache stays small


def _parse(policy: EmailPolicy, name: str, value: str):  # noqa: ANN202 - a header object
    try:
        return EmailPolicy.header_fetch_parse(policy, name, value)
    except Exception:  # noqa: BLE001 - whatever the structured parser raises
        return policy.header_factory("X-Unreadable", value)


_cached_parse = lru_cache(maxsize=64)(_parse)  # each keeps its parse tree: a few kB
READING = TolerantPolicy()


def unfold(raw: str) -> str:
    return _FOLD.sub("", raw)


def raw_bytes(raw: str) -> bytes:
    """The bytes a raw header value came from (the parser keeps 8-bit bytes as surrogates)."""
    return raw.encode("utf-8", "surrogateescape")


def header_text(raw: str) -> str:
    """A raw header value as text: unfolded, encoded words decoded, 8-bit bytes guessed."""
    pieces: list[tuple[str | None, bytes]] = []  # (charset of an encoded word or None, bytes)
    value = unfold(raw)
    end = 0
    for word in _ENCODED_WORD.finditer(value):
        between = value[end:word.start()]
        end = word.end()
        # Space between two encoded words only separates them (RFC 2047, 6.2).
        if between and not (between.isspace() and pieces and pieces[-1][0] is not None):
            pieces.append((None, raw_bytes(between)))
        data = _word_bytes(word[2], word[3])
        if data is None:
            pieces.append((None, raw_bytes(word[0])))
            continue
        charset = word[1].split("*", 1)[0].lower()  # RFC 2231 adds *language
        if pieces and pieces[-1][0] == charset:
            # Encoders split a multibyte character across two words: join before decoding.
            pieces[-1] = (charset, pieces[-1][1] + data)
        else:
            pieces.append((charset, data))
    if end < len(value):
        pieces.append((None, raw_bytes(value[end:])))
    return "".join(decode_text(data, charset) for charset, data in pieces)


def _word_bytes(encoding: str, text: str) -> bytes | None:
    encoded = text.encode("ascii", "surrogateescape")
    try:
        if encoding in "Bb":
            return binascii.a2b_base64(encoded + b"=" * (-len(encoded) % 4))
        return binascii.a2b_qp(encoded, header=True)
    except (binascii.Error, ValueError):
        return None


def addresses(raw: str | None) -> tuple[MailAddress, ...]:
    """The mailboxes of an address header, display names decoded; groups flattened.

    Encoded words are set aside while the address list is split: mailers write commas and
    colons unencoded inside them, which would otherwise split a name or start a group.
    """
    if not raw:
        return ()
    words: list[str] = []

    def set_aside(word: re.Match[str]) -> str:
        words.append(word[0])
        return f"\ue000{len(words) - 1}\ue001"  # private-use: never in a raw header value

    value = _ENCODED_WORD.sub(set_aside, unfold(raw))
    found: list[MailAddress] = []
    for name, address in getaddresses([value]):
        name, address = (header_text(_SET_ASIDE.sub(lambda key: words[int(key[1])], text)).strip()
                         for text in (name, address))
        if address:
            found.append(MailAddress(address, name))
        if len(found) == MAX_ADDRESSES:
            break
    return tuple(found)


def message_ids(raw: str | None) -> list[str]:
    """The ids in a Message-ID, In-Reply-To or References value, without angle brackets."""
    if not raw:
        return []
    value = unfold(raw)
    ids = _MESSAGE_ID.findall(value)
    if not ids and _BARE_ID.match(value.strip()):
        ids = [value.strip()]  # some mailers leave out the brackets
    return [bounded_id(raw_bytes(found).decode("utf-8", "replace")) for found in ids]


def bounded_id(message_id: str) -> str:
    """An id short enough for a unique index; a longer one becomes a stable digest of itself."""
    if len(message_id) <= MAX_ID_LENGTH:
        return message_id
    digest = hashlib.sha256(message_id.encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return f"{digest}@long-message-id.invalid"


def made_up_id(headers: list[tuple[str, str]], body: bytes | memoryview) -> str:
    """A Message-ID for a mail that has none, the same for every delivery of that mail.

    Only what the sender wrote is hashed: the headers a relay adds (Received, Return-Path,
    Delivered-To) differ between a pipe and an IMAP delivery, and so do line ends.
    """
    digest = hashlib.sha256()
    for name in ("from", "to", "cc", "subject", "date", "in-reply-to", "references", "content-type"):
        for key, value in headers:
            if key.lower() == name:
                digest.update(name.encode() + b":" + b" ".join(raw_bytes(value).split()) + b"\n")
    view = memoryview(body)
    for start in range(0, len(view), 1 << 20):
        digest.update(bytes(view[start:start + (1 << 20)]).replace(b"\r", b""))
    return f"{digest.hexdigest()[:40]}@no-message-id.invalid"


def date(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        when = parsedate_to_datetime(unfold(raw).strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)
