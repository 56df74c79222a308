"""Plain records of a mail as the desk reads it: no email.message objects leak out of
store/mail, so what the intake stores and what a face shows never parse anything again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class MailAddress:
    """One mailbox of an address header: the address as written and its decoded display name."""

    address: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class MailText:
    """One text part of a mail. An HTML part's text is the readable text made from it."""

    content_type: str  # "text/plain" or "text/html"
    charset: str  # the label the mail gave ("" when none); the text is already decoded
    text: str


@dataclass(frozen=True, slots=True)
class MailAttachment:
    """A part that is not the mail's text: a file, an inline image, an enclosed mail."""

    filename: str  # decoded, as the sender named it ("" when unnamed); not yet made safe
    content_type: str
    data: bytes
    inline: bool = False
    content_id: str = ""  # without angle brackets: what an HTML part's cid: links name


@dataclass(frozen=True, slots=True)
class ParsedMail:
    """A mail read whole. Ids are kept without angle brackets; texts with "\\n" line ends.

    Untrusted text (subject, names, texts, filenames) is kept as data, control characters
    included: store.safe_text.printable is what a face applies before showing it.
    """

    message_id: str
    message_id_made_up: bool  # the mail had none: this one is derived from its own content
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]  # oldest first, as in the header
    sender: MailAddress | None  # the From header's (first) mailbox
    reply_to: tuple[MailAddress, ...]
    to: tuple[MailAddress, ...]
    cc: tuple[MailAddress, ...]
    subject: str
    date: datetime | None  # aware (UTC when the mail gave no zone); None when absent or unreadable
    content_type: str  # of the whole mail, e.g. "multipart/report"
    text: str  # every text part's text, in order, separated by a blank line
    texts: tuple[MailText, ...]
    attachments: tuple[MailAttachment, ...]
    headers: tuple[tuple[str, str], ...]  # the mail's own header lines, decoded, in order
    size: int  # bytes, as received
    skipped_parts: int = 0  # MIME parts not read because of the limits (see notes)
    notes: tuple[str, ...] = ()  # what the reader had to leave out or guess, one sentence each

    def header(self, name: str) -> str | None:
        """The first value of a header (case-insensitive), or None."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    def header_values(self, name: str) -> list[str]:
        wanted = name.lower()
        return [value for key, value in self.headers if key.lower() == wanted]


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    """A mail the desk sends: what the SMTP client needs, the envelope beside the bytes."""

    message_id: str  # as in the header, with angle brackets
    envelope_from: str
    recipients: tuple[str, ...]
    data: bytes  # CRLF line ends, 7-bit clean
