"""The ticket service: every action of domain.md, one call each, taking the acting identity.

Each call checks visibility and the rules, writes in one transaction (nothing when it refuses),
records a ticket event, and returns plain values from store.views.

Each name is imported from its module when first used: the lists and the reading of settings
are plain SQL (store/sql.py), and opening the app must not load the writes' SQLAlchemy with them.
"""

from importlib import import_module

_MODULE_OF = {
    **dict.fromkeys(["abuse_cases", "assign", "delay", "register_abuse", "set_client_comment", "set_favorite", "set_summary"], "actions"),
    **dict.fromkeys(["archive", "client_reply", "departments", "my_services", "open_ticket"], "client_side"),
    **dict.fromkeys(["drop_draft", "render_template", "save_draft", "templates_for"], "drafts"),
    **dict.fromkeys(["ListSpec", "change_marker", "count_tickets", "list_tickets"], "lists"),
    **dict.fromkeys(["take", "unlock"], "lock"),
    **dict.fromkeys(["edit_message", "message_history", "split"], "messages"),
    **dict.fromkeys(["client_card", "get_draft", "messages_page", "peek", "show"], "reading"),
    **dict.fromkeys(["attachment_data", "history"], "records"),
    **dict.fromkeys(["ReplyResult", "close", "reply", "save_parameters"], "replies"),
    **dict.fromkeys(["my_settings", "save_my_settings"], "staff_settings"),
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
