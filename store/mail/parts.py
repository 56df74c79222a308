"""The walk over a parsed mail's MIME tree: which parts are its text, which its attachments.

Every part is accounted for: a text/plain or text/html part that is not a file (no attachment
disposition, no filename) is a text of the mail (a multipart/mixed with two text parts keeps both); of a multipart/alternative
only the preferred rendering is text (text/plain, else the last one, as mail readers show it),
but the other renderings are still walked for their attachments (the inline images of an HTML
rendering); any other part is an attachment. The walk keeps its own stack (no recursion) and
stops at MAX_PARTS parts or MAX_DEPTH levels, counting what it left.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass, field
from email.message import EmailMessage, Message

from .charsets import decode_text
from .headers import READING, header_text, message_ids, raw_bytes
from .html import html_to_text
from .records import MailAttachment, MailText

MAX_PARTS = 1000
MAX_DEPTH = 50
# Writing an enclosed mail back to bytes recurses a few frames per level of its own tree.
MAX_ENCLOSED_DEPTH = 30
TEXT_TYPES = ("text/plain", "text/html")
_AS_RECEIVED = READING.clone(refold_source="none")  # headers written back as they came


@dataclass
class Walked:
    texts: list[MailText] = field(default_factory=list)
    attachments: list[MailAttachment] = field(default_factory=list)
    skipped: int = 0
    notes: list[str] = field(default_factory=list)


def walk(message: EmailMessage) -> Walked:
    walked = Walked()
    stack: list[tuple[Message, int, bool]] = [(message, 0, True)]  # part, depth, is it text?
    visited = 0
    while stack:
        part, depth, wants_text = stack.pop()
        if visited >= MAX_PARTS or depth > MAX_DEPTH:
            walked.skipped += count_parts(part)
            continue
        visited += 1
        content_type = part.get_content_type()
        payload = part.get_payload()
        if isinstance(payload, list) and part.get_content_maintype() == "message":
            _enclosed(part, payload, walked)
        elif isinstance(payload, list):
            chosen = _preferred(payload) if content_type == "multipart/alternative" else None
            for child in reversed(payload):
                stack.append((child, depth + 1, wants_text and (chosen is None or child is chosen)))
        elif _is_text(part):
            if wants_text:
                walked.texts.append(_text(part))
            # else: another rendering of a text already taken
        else:
            walked.attachments.append(_attachment(part, payload_bytes(part)))
    if walked.skipped:
        walked.notes.append(
            f"{walked.skipped:,} MIME parts past the limit of {MAX_PARTS:,} parts or "
            f"{MAX_DEPTH} levels were not read.")
    return walked


def _is_text(part: Message) -> bool:
    """A text of the mail, not a file: no attachment disposition and no filename (Apple Mail
    sends its attachments inline, named). A multipart without a usable boundary is the text it
    then is."""
    return ((part.get_content_type() in TEXT_TYPES or part.get_content_maintype() == "multipart")
            and part.get_content_disposition() != "attachment" and not filename(part))


def _preferred(alternatives: list[Message]) -> Message:
    for part in alternatives:
        if part.get_content_type() == "text/plain" and _is_text(part):
            return part
    return alternatives[-1]


def _text(part: Message) -> MailText:
    charset = part.get_content_charset() or ""
    text = decode_text(payload_bytes(part), charset).replace("\r\n", "\n")
    content_type = "text/html" if part.get_content_type() == "text/html" else "text/plain"
    if content_type == "text/html":
        text = html_to_text(text)
    return MailText(content_type, charset, text)


def _enclosed(part: Message, payload: list[Message], walked: Walked) -> None:
    """An enclosed mail (message/rfc822, a DSN's message/delivery-status) is an attachment."""
    if max(tree_depth(inner) for inner in payload) > MAX_ENCLOSED_DEPTH:
        skipped = count_parts(part)
        walked.skipped += skipped
        walked.notes.append(f"An enclosed mail of {skipped:,} nested parts was not read.")
        return
    data = b"".join(inner.as_bytes(policy=_AS_RECEIVED) for inner in payload)
    walked.attachments.append(_attachment(part, data))


def _attachment(part: Message, data: bytes) -> MailAttachment:
    disposition = part.get_content_disposition()
    content_ids = message_ids(_raw_header(part, "content-id"))
    inline = disposition == "inline" or (disposition is None and bool(content_ids))
    return MailAttachment(filename(part), part.get_content_type(), data, inline,
                          content_ids[0] if content_ids else "")


def payload_bytes(part: Message) -> bytes:
    """A leaf part's content, transfer encoding undone.

    Base64 is decoded straight from the parsed text: the generic decoder copies the payload
    four times over, which is what a 10 MB attachment must not cost.
    """
    encoding = str(part.get("content-transfer-encoding", "")).strip().lower()
    payload = part.get_payload()
    if encoding == "base64" and isinstance(payload, str):
        try:
            return binascii.a2b_base64(payload)
        except (binascii.Error, ValueError):
            pass  # bad padding, 8-bit junk: the library's decoder repairs what it can
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def filename(part: Message) -> str:
    """The part's filename, decoded with the charset rules of the text (RFC 2231 and RFC 2047)."""
    for header, param in (("content-disposition", "filename"), ("content-type", "name")):
        raw = _raw_header(part, header)
        if raw is None:
            continue
        if not raw.isascii():  # raw 8-bit bytes: compat32 would replace them, so read them first
            raw = decode_text(raw_bytes(raw), None)
        legacy = Message()  # compat32: parameter values come back as written, not yet decoded
        legacy[header] = raw
        value = legacy.get_param(param, header=header)
        if isinstance(value, tuple):  # RFC 2231: (charset, language, %-decoded as latin-1)
            charset, _language, text = value
            return decode_text(text.encode("latin-1", "replace"), charset or None)
        if value:
            return header_text(value)
    return ""


def _raw_header(part: Message, name: str) -> str | None:
    return next((value for key, value in part.raw_items() if key.lower() == name), None)


def count_parts(part: Message) -> int:
    count, stack = 0, [part]
    while stack:
        current = stack.pop()
        count += 1
        payload = current.get_payload()
        if isinstance(payload, list):
            stack.extend(payload)
    return count


def tree_depth(part: Message) -> int:
    deepest, stack = 0, [(part, 1)]
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        payload = current.get_payload()
        if isinstance(payload, list):
            stack.extend((child, depth + 1) for child in payload)
    return deepest
