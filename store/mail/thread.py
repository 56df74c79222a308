"""Threading a mail without the database: the ids worth looking up, the subject tag.

A mail answers a ticket when it names a Message-ID the desk sent or received (the intake looks
them up in the order given here), or else when its subject carries the ticket's tag, `[#12]`,
or with the desk's own prefix `[Desk #12]` (honoured by the intake only for the ticket's client).
"""

from __future__ import annotations

import re

from ..validate import is_id
from .records import ParsedMail

# Reply markers of the common mail readers (English, German, Nordic, Dutch, Polish, Portuguese).
_REPLY_MARKER = re.compile(r"^\s*(?:re|aw|sv|antw|odp|res)(?:\s*\[\d+\]|\s*\(\d+\))?\s*:\s*", re.I)
_PREFIX = re.compile(r"^[^\[\]#\s\x00-\x1f\x7f](?:[^\[\]#\x00-\x1f\x7f]{0,30}[^\[\]#\s\x00-\x1f\x7f])?$")


def lookup_ids(mail: ParsedMail) -> list[str]:
    """The ids to look up for a mail's ticket, best first: In-Reply-To, then References newest
    first; each once, the mail's own id never."""
    ordered: list[str] = []
    for message_id in (*mail.in_reply_to, *reversed(mail.references)):
        if message_id not in ordered and message_id != mail.message_id:
            ordered.append(message_id)
    return ordered


def check_prefix(prefix: str) -> str:
    """The desk's tag prefix ("" for `[#12]`, "Desk" for `[Desk #12]`): one short line of text
    without brackets or #."""
    prefix = prefix.strip()
    if prefix and not _PREFIX.match(prefix):
        raise ValueError(f"{prefix!r} can't be a subject tag prefix: up to 32 characters, "
                         "without brackets, # or control characters.")
    return prefix


def _tag_pattern(prefix: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(word) for word in check_prefix(prefix).split())
    return re.compile(r"\[\s*" + (words + r"\s*" if words else "") + r"#([0-9]{1,19})\s*\]", re.I)


def subject_tag(ticket_id: int, prefix: str = "") -> str:
    prefix = check_prefix(prefix)
    return f"[{prefix} #{ticket_id}]" if prefix else f"[#{ticket_id}]"


def subject_ticket_id(subject: str, prefix: str = "") -> int | None:
    """The ticket named by the subject's tag; the last tag wins (the desk appends its own tag
    after whatever the subject already said)."""
    found = _tag_pattern(prefix).findall(subject or "")
    for digits in reversed(found):
        if is_id(int(digits)):
            return int(digits)
    return None


def reply_subject(subject: str, ticket_id: int, prefix: str = "") -> str:
    """`Re: SUBJECT [#ID]`: one reply marker, the ticket's tag once, at the end."""
    tag = subject_tag(ticket_id, prefix)
    text = subject or ""
    while (marker := _REPLY_MARKER.match(text)) is not None:
        text = text[marker.end():]
    own_tag = _tag_pattern(prefix)
    text = own_tag.sub(lambda found: "" if int(found[1]) == ticket_id else found[0], text)
    text = " ".join(text.split())
    return f"Re: {text} {tag}" if text else f"Re: {tag}"
