"""Loop rules: which mail must never get an automatic answer, and which mail is a bounce.

An automatic answer (an acknowledgement) to an auto-responder, a mailing list or a bounce
starts a loop of mail between two machines. The signs are standard (RFC 3834 Auto-Submitted,
RFC 2369/2919 list headers, the null Return-Path of a bounce) or de facto (Precedence,
X-Autoreply, Microsoft's X-Auto-Response-Suppress, mailer-daemon and no-reply senders), and
the desk's own mail coming back carries the desk's signed Message-ID.

A bounce is a delivery status notification (RFC 3464: multipart/report with
report-type=delivery-status); it names the mail that bounced by enclosing it, or its headers.
"""

from __future__ import annotations

import re
from email.message import Message
from email.parser import BytesParser

from .headers import READING, message_ids
from .records import ParsedMail
from .signing import verify_message_id

_BULK_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
_LIST_HEADERS = ("list-id", "list-unsubscribe")
_AUTORESPONDER_HEADERS = ("x-autoreply", "x-autorespond")
_MACHINE_SENDER = re.compile(
    r"^(?:mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|bounces?)(?:[-+_.].*)?$", re.I)
_ENCLOSED_HEADERS = {"message/rfc822", "message/global", "text/rfc822-headers",
                     "message/global-headers"}
_HEADER_BLOCK = 256 * 1024  # an enclosed mail's headers are at its start; its body is not needed


def automatic_reason(mail: ParsedMail, *, secret: bytes | str | None = None) -> str | None:
    """Why this mail must get no automatic answer (one short phrase), or None if it may.

    With the desk's secret, the desk's own mail coming back counts too.
    """
    submitted = (mail.header("auto-submitted") or "").split(";")[0].strip().lower()
    if submitted and submitted != "no":
        return f"Auto-Submitted: {submitted}"
    precedence = (mail.header("precedence") or "").strip().lower()
    if precedence in _BULK_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in _AUTORESPONDER_HEADERS:
        value = mail.header(name)
        if value is not None and value.strip().lower() not in ("no", "false", "0"):
            return f"{name} header"
    suppress = mail.header("x-auto-response-suppress")
    if suppress is not None and suppress.strip().lower() not in ("", "none"):
        return "X-Auto-Response-Suppress header"
    for name in _LIST_HEADERS:
        if mail.header(name) is not None:
            return f"{name} header (a mailing list)"
    if any("".join(value.split()) == "<>" for value in mail.header_values("return-path")):
        return "an empty Return-Path (a bounce)"
    if mail.sender is not None and _MACHINE_SENDER.match(mail.sender.address.rpartition("@")[0]):
        return f"sent by {mail.sender.address.rpartition('@')[0].lower()}"
    if is_bounce(mail):
        return "a delivery status notification"
    if secret is not None and verify_message_id(mail.message_id, secret) is not None:
        return "the desk's own mail"
    return None


def is_automatic(mail: ParsedMail, *, secret: bytes | str | None = None) -> bool:
    return automatic_reason(mail, secret=secret) is not None


def is_bounce(mail: ParsedMail) -> bool:
    if mail.content_type != "multipart/report":
        return False
    legacy = Message()  # compat32: reads parameters from any value, however broken
    legacy["Content-Type"] = mail.header("content-type") or ""
    report_type = legacy.get_param("report-type")
    return isinstance(report_type, str) and report_type.strip().lower() == "delivery-status"


def bounced_message_id(mail: ParsedMail) -> str | None:
    """The Message-ID (without brackets) of the desk's mail this bounce returns, if it says."""
    if not is_bounce(mail):
        return None
    for attachment in mail.attachments:
        if attachment.content_type in _ENCLOSED_HEADERS:
            returned = BytesParser(policy=READING).parsebytes(
                attachment.data[:_HEADER_BLOCK], headersonly=True)
            raw = next((v for k, v in returned.raw_items() if k.lower() == "message-id"), None)
            ids = message_ids(raw)
            if ids:
                return ids[0]
    return None
