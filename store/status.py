"""The status words of both areas, exactly as users read them, and the priority names."""

from __future__ import annotations

from .errors import BadInput

IN_ARCHIVE = "In archive"
IN_PROGRESS = "In progress"
AWAITING_CLIENT = "Awaiting response from client"
NEW_MESSAGES = "New messages"
REVIEWED = "Reviewed"

PRIORITIES = {1: "low", 2: "normal", 3: "high", 4: "urgent"}
DEFAULT_PRIORITY = 2


def admin_status(archived: bool, is_open: bool) -> str:
    if archived:
        return IN_ARCHIVE
    return IN_PROGRESS if is_open else AWAITING_CLIENT


def client_status(archived: bool, is_open: bool, client_unread: int) -> str:
    if archived:
        return IN_ARCHIVE
    if client_unread > 0:
        return NEW_MESSAGES
    return IN_PROGRESS if is_open else REVIEWED


def merged_status(target: int) -> str:
    """A merged ticket's stub, in both areas: where its messages went."""
    return f"Merged into #{target}"


def parse_priority(value: str | int) -> int:
    """Accepts a priority's name (low, normal, high, urgent) or its number (1-4)."""
    text = str(value).strip().lower()
    for number, name in PRIORITIES.items():
        if text in (name, str(number)):
            return number
    raise BadInput(f"'{value}' is not a priority; use low, normal, high or urgent.")
