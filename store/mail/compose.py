"""The desk's answer as a mail: headers, text and attachments, ready for SMTP.

Ticket text is untrusted, and some of it goes into headers (the subject, names, filenames). No
such text can ever make a header of its own:
- it is made one printable line first (store.safe_text: CR, LF, controls and escapes go);
- an encoded word written literally in it (`=?utf-8?q?...=0D=0A...?=`) is broken with an
  invisible U+2060 WORD JOINER: Python's header parser would otherwise decode it when the value
  is set, and versions before 3.11.10/3.12.5 then write the decoded CR LF out raw
  (CVE-2024-6923); with the joiner the text stays text and the reader sees it unchanged;
- the finished header block is parsed back, and the mail is refused (ValueError) unless it has
  exactly the headers written here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime

from .. import clock
from ..errors import BadInput
from ..safe_text import printable
from ..validate import email as valid_email
from .records import MailAddress, MailAttachment, OutgoingMail
from .signing import make_message_id
from .thread import reply_subject

# 7-bit, CRLF: any SMTP server takes it as it is.
_OUTGOING = policy.SMTP.clone(cte_type="7bit")
_CONTENT_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$")
_SAFE_ID = re.compile(r"^[\x21-\x3b\x3d\x3f-\x7e]{1,250}$")  # printable ASCII without < >
MAX_REFERENCES = 20
HEADER_NAMES = ("From", "Reply-To", "To", "Subject", "Date", "Message-ID")


@dataclass(frozen=True, slots=True)
class Reply:
    """What the outbox knows of one staff answer; every text in it may come from a client."""

    ticket_id: int
    message_id: int  # the desk's message this mail carries
    department: MailAddress  # From and Reply-To
    client: MailAddress  # To
    subject: str  # the ticket's subject
    text: str
    in_reply_to: str = ""  # the client's last Message-ID, without brackets
    references: tuple[str, ...] = ()  # oldest first
    attachments: tuple[MailAttachment, ...] = ()
    automatic: bool = False  # an acknowledgement: Auto-Submitted: auto-replied
    date: datetime | None = None


def header_safe(text: str) -> str:
    """Untrusted text fit for one header value (see the module's docstring)."""
    return printable(text, one_line=True).replace("=?", "=\u2060?")


def compose_reply(reply: Reply, *, secret: bytes | str, tag_prefix: str = "",
                  message_id: str | None = None) -> OutgoingMail:
    """The answer as a mail; BadInput (one sentence) when an address can't be mailed to.
    message_id (without brackets): the one this mail was first composed with (a resend)."""
    department = _ascii_address(reply.department.address)
    client = _ascii_address(reply.client.address)
    if message_id is not None and _SAFE_ID.match(message_id):
        message_id = f"<{message_id}>"
    else:
        message_id = make_message_id(reply.ticket_id, reply.message_id, secret,
                                     department.rpartition("@")[2])
    subject = header_safe(reply_subject(reply.subject, reply.ticket_id, tag_prefix))
    mail = EmailMessage(policy=_OUTGOING)
    mail["From"] = Address(display_name=header_safe(reply.department.name), addr_spec=department)
    mail["Reply-To"] = Address(display_name=header_safe(reply.department.name), addr_spec=department)
    mail["To"] = Address(display_name=header_safe(reply.client.name), addr_spec=client)
    mail["Subject"] = subject
    mail["Date"] = format_datetime(reply.date or clock.utcnow())
    mail["Message-ID"] = message_id
    names = list(HEADER_NAMES)
    threading = _threading_ids(reply)
    if threading:
        mail["In-Reply-To"] = f"<{threading[-1]}>"
        mail["References"] = " ".join(f"<{found}>" for found in threading)
        names += ["In-Reply-To", "References"]
    if reply.automatic:
        mail["Auto-Submitted"] = "auto-replied"
        mail["X-Auto-Response-Suppress"] = "All"  # asks Exchange not to answer it with its own
        names += ["Auto-Submitted", "X-Auto-Response-Suppress"]
    mail.set_content(reply.text.replace("\x00", "\ufffd"))
    for attachment in reply.attachments:
        _attach(mail, attachment)
    data = mail.as_bytes()
    _check_headers(data, names, subject)
    return OutgoingMail(message_id, department, (client,), data)


def _ascii_address(value: str) -> str:
    """The address as plain SMTP carries it: an international domain in its IDNA form; a
    non-ASCII local part would need SMTPUTF8, which the desk doesn't send."""
    address = valid_email(value)
    local, _, domain = address.rpartition("@")
    if not local.isascii():
        raise BadInput(f"'{address}' has non-ASCII letters before the @; the desk can't mail it.")
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        raise BadInput(f"'{address}' has a domain that is no valid international domain name.") from None


def _threading_ids(reply: Reply) -> list[str]:
    """References as sent: oldest first, the answered mail last, only ids that are plain text."""
    ids = [found for found in (*reply.references, reply.in_reply_to) if found]
    safe = [found for found in dict.fromkeys(ids) if _SAFE_ID.match(found) and "=?" not in found]
    if reply.in_reply_to and safe and safe[-1] != reply.in_reply_to:
        return []  # the answered id itself is unfit: better no threading than the wrong one
    return safe[-MAX_REFERENCES:]


def _attach(mail: EmailMessage, attachment: MailAttachment) -> None:
    content_type = attachment.content_type.strip().lower()
    if not _CONTENT_TYPE.match(content_type) or content_type.startswith(("multipart/", "message/")):
        content_type = "application/octet-stream"  # unknown, or a type that must not be raw bytes
    maintype, subtype = content_type.split("/")
    filename = header_safe(attachment.filename) or "attachment"
    mail.add_attachment(bytes(attachment.data), maintype=maintype, subtype=subtype,
                        filename=filename)


def _check_headers(data: bytes, names: list[str], subject: str) -> None:
    end = data.find(b"\r\n\r\n")
    written = BytesParser(policy=policy.default).parsebytes(data[: end + 4], headersonly=True)
    expected = sorted(name.lower() for name in [*names, "MIME-Version", "Content-Type",
                                                 "Content-Transfer-Encoding"])
    found = sorted(name.lower() for name in written.keys())
    if "content-transfer-encoding" not in found:  # a multipart has none of its own
        expected.remove("content-transfer-encoding")
    # A long header is folded before its value ("Subject:\r\n Re: ..."); read back, the fold
    # leaves a leading space, which is whitespace of the fold, not of the subject.
    if found != expected or str(written["Subject"]).lstrip() != subject.lstrip():
        raise ValueError("The composed mail's headers are not the ones written; it is not sent.")
