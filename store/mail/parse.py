"""A received mail (RFC 5322 bytes) read into a ParsedMail, within fixed bounds.

Bounds, because a mail is whatever a stranger sends:
- size: a mail over max_bytes is refused before anything is parsed (MailTooLarge);
- nesting: Python's parser recurses once per enclosing part, so a mail of 5,000 nested parts
  would end in RecursionError (and take seconds per thousand levels). Before parsing, the
  Content-Type headers that open a multipart or an enclosed mail are counted in the bytes;
  past MAX_CONTAINERS of them the rest of the mail is left unread (counted, with a note);
- parts: the walk (store.mail.parts) reads at most MAX_PARTS parts, MAX_DEPTH levels deep;
- memory: the mail is fed to the parser in chunks, and base64 is decoded once.
A broken mail never raises anything but UnparseableMail or MailTooLarge.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.parser import BytesFeedParser

from . import headers
from .errors import MailError, MailTooLarge, UnparseableMail
from .parts import walk
from .records import MailAddress, ParsedMail

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
MAX_CONTAINERS = 100
MAX_HEADERS = 1000
_CONTAINER = re.compile(rb"(?im)^content-type:[ \t]*(?:\r?\n[ \t]+)*(?:multipart|message)/")
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_FEED_CHUNK = 1 << 20


def parse_mail(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedMail:
    """Read a mail whole; UnparseableMail or MailTooLarge (one sentence each) if it can't be."""
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError("a mail is bytes")
    if len(data) > max_bytes:
        raise MailTooLarge(len(data), max_bytes)
    if not data.strip():
        raise UnparseableMail("The mail is empty.")
    try:
        return _parse(bytes(data))
    except (MailError, MemoryError):
        raise
    except Exception as exc:  # the parser keeps defects rather than raising; anything else is
        # a mail it can't cope with, and one such mail must not stall the ones after it.
        raise UnparseableMail(f"The mail could not be read ({type(exc).__name__}: {exc}).") from exc


def _parse(data: bytes) -> ParsedMail:
    notes: list[str] = []
    end, unread_containers = _readable_end(data)
    if end < len(data):
        notes.append(f"The last {len(data) - end:,} bytes were not read: they open "
                     f"{unread_containers:,} more nested or enclosed parts than the limit of "
                     f"{MAX_CONTAINERS}.")
    message = _feed(data, end)
    raw = list(message.raw_items())
    if not raw:
        raise UnparseableMail("The mail has no header lines: it is not an email message.")
    if len(raw) > MAX_HEADERS:
        notes.append(f"{len(raw) - MAX_HEADERS:,} header lines past the first {MAX_HEADERS:,} were left out.")
        raw = raw[:MAX_HEADERS]

    def first(name: str) -> str | None:
        return next((value for key, value in raw if key.lower() == name), None)

    ids = headers.message_ids(first("message-id"))
    message_id = ids[0] if ids else headers.made_up_id(raw, _body(data))
    senders = headers.addresses(first("from"))
    walked = walk(message)
    return ParsedMail(
        message_id=message_id,
        message_id_made_up=not ids,
        in_reply_to=tuple(headers.message_ids(first("in-reply-to"))[: headers.MAX_REFERENCES]),
        references=tuple(headers.message_ids(first("references"))[-headers.MAX_REFERENCES:]),
        sender=senders[0] if senders else None,
        reply_to=_all_addresses(raw, "reply-to"),
        to=_all_addresses(raw, "to"),
        cc=_all_addresses(raw, "cc"),
        subject=headers.header_text(first("subject") or "").strip(),
        date=headers.date(first("date")),
        content_type=message.get_content_type(),
        text="\n\n".join(t.text.strip("\n") for t in walked.texts if t.text.strip()),
        texts=tuple(walked.texts),
        attachments=tuple(walked.attachments),
        headers=tuple((key, headers.header_text(value)) for key, value in raw),
        size=len(data),
        skipped_parts=walked.skipped + unread_containers,
        notes=tuple(notes + walked.notes),
    )


def _readable_end(data: bytes) -> tuple[int, int]:
    """Where the parser must stop so that it never nests deeper than MAX_CONTAINERS parts, and
    how many part-opening headers lie past that point."""
    starts = [found.start() for found in _CONTAINER.finditer(data)]
    if len(starts) <= MAX_CONTAINERS:
        return len(data), 0
    return starts[MAX_CONTAINERS], len(starts) - MAX_CONTAINERS


def _feed(data: bytes, end: int) -> EmailMessage:
    parser = BytesFeedParser(policy=headers.READING)
    view = memoryview(data)[:end]
    for start in range(0, end, _FEED_CHUNK):
        parser.feed(bytes(view[start:start + _FEED_CHUNK]))
    message = parser.close()
    assert isinstance(message, EmailMessage)
    return message


def _body(data: bytes) -> memoryview:
    found = _HEADER_END.search(data)
    return memoryview(data)[found.end():] if found else memoryview(b"")


def _all_addresses(raw: list[tuple[str, str]], name: str) -> tuple[MailAddress, ...]:
    found: list[MailAddress] = []
    for key, value in raw:
        if key.lower() == name:
            found.extend(headers.addresses(value))
    return tuple(found[: headers.MAX_ADDRESSES])
