"""The fields and types of the ticket commands' --json output (interface.md)."""

from __future__ import annotations

from datetime import datetime

TICKET_FIELDS = {"id": int, "subject": str, "client": str, "department": str, "status": str,
                 "locked_by": (str, type(None)), "priority": str, "delayed_until": (str, type(None)),
                 "favorite": bool, "updated_at": str,
                 # response targets (docs/sla.md): null without a policy
                 "first_response_due": (str, type(None)), "first_response_met": (bool, type(None)),
                 "next_response_due": (str, type(None)), "resolution_due": (str, type(None)),
                 "overdue": bool}
MESSAGE_FIELDS = {"id": int, "kind": str, "author": str, "body": str, "created_at": str,
                  "attachments": list}


def is_iso_with_offset(value: str) -> bool:
    return datetime.fromisoformat(value).utcoffset() is not None


def check_ticket_json(t: dict) -> None:
    for name, kind in TICKET_FIELDS.items():
        assert isinstance(t[name], kind), (name, t[name])
    assert t["priority"] in ("low", "normal", "high", "urgent")
    assert is_iso_with_offset(t["updated_at"])
    for name in ("delayed_until", "first_response_due", "next_response_due", "resolution_due"):
        assert t[name] is None or is_iso_with_offset(t[name]), name


def check_show_json(d: dict) -> None:
    check_ticket_json(d)
    for m in d["messages"]:
        for name, kind in MESSAGE_FIELDS.items():
            assert isinstance(m[name], kind), (name, m[name])
        assert m["kind"] in ("client", "staff", "internal", "system")
        assert is_iso_with_offset(m["created_at"])
