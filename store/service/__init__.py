"""The ticket service: every action of domain.md, one call each, taking the acting identity.

Each call checks visibility and the rules, writes in one transaction (nothing when it refuses),
records a ticket event, and returns plain values from store.views.

Each name is imported from its module when first used: the lists and the reading of settings
are plain SQL (store/sql.py), and opening the app must not load the writes' SQLAlchemy with them.
"""

from importlib import import_module

_MODULE_OF = {
    "abuse_cases": "actions", "assign": "actions", "delay": "actions",
    "register_abuse": "actions", "set_client_comment": "actions", "set_favorite": "actions",
    "set_summary": "actions",
    "archive": "client_side", "client_reply": "client_side", "departments": "client_side",
    "my_services": "client_side", "open_ticket": "client_side",
    "drop_draft": "drafts", "render_template": "drafts", "save_draft": "drafts",
    "templates_for": "drafts", "expand_template": "drafts", "template_by_title": "drafts",
    "MacroResult": "macros", "apply_macro": "macros", "check_macro": "macros",
    "expand_macro": "macros", "macros_for": "macros",
    "ListSpec": "lists", "change_marker": "lists", "count_tickets": "lists",
    "list_tickets": "lists",
    "take": "lock", "unlock": "lock",
    "merge": "merging",
    "edit_message": "messages", "message_history": "messages", "split": "messages",
    "client_card": "reading", "get_draft": "reading", "messages_page": "reading",
    "peek": "reading", "show": "reading",
    "run_bulk": "bulk", "selected_ids": "bulk",
    "BulkAction": "bulk_records", "BulkResult": "bulk_records", "Refusal": "bulk_records",
    "Selection": "bulk_records",
    "UndoneSend": "held", "undo_send": "held",
    "HeldReply": "held_release", "my_held_replies": "held_release", "release_due": "held_release",
    "attachment_data": "records", "history": "records",
    "ReplyResult": "replies", "close": "replies", "reply": "replies",
    "save_parameters": "replies",
    "Rating": "ratings", "my_ratings": "ratings", "rate": "ratings", "ticket_ratings": "ratings",
    "my_settings": "staff_settings", "save_my_settings": "staff_settings",
}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
