"""The fields and types of the ticket commands' --json output (interface.md)."""

from __future__ import annotations

from datetime import datetime

TICKET_FIELDS = {"id": int, "subject": str, "client": str, "department": str, "status": str,
                 "locked_by": (str, type(None)), "priority": str, "delayed_until": (str, type(None)),
                 "favorite": bool, "updated_at": str}
MESSAGE_FIELDS = {"id": int, "kind": str, "author": str, "body": str, "created_at": str,
                  "attachments": list}


def is_iso_with_offset(value: str) -> bool:
    return datetime.fromisoformat(value).utcoffset() is not None


def check_ticket_json(t: dict) -> None:
    for name, kind in TICKET_FIELDS.items():
        assert isinstance(t[name], kind), (name, t[name])
    assert t["priority"] in ("low", "normal", "high", "urgent")
    assert is_iso_with_offset(t["updated_at"])
    assert t["delayed_until"] is None or is_iso_with_offset(t["delayed_until"])


def check_show_json(d: dict) -> None:
    check_ticket_json(d)
    for m in d["messages"]:
        for name, kind in MESSAGE_FIELDS.items():
            assert isinstance(m[name], kind), (name, m[name])
        assert m["kind"] in ("client", "staff", "internal", "system")
        assert is_iso_with_offset(m["created_at"])
