"""The ticket service: every action of domain.md, one call each, taking the acting identity.

Each call checks visibility and the rules, writes in one transaction (nothing when it refuses),
records a ticket event, and returns plain values from store.views.
"""

from .actions import (
    abuse_cases, assign, client_card, delay, register_abuse, set_client_comment, set_favorite,
    set_summary,
)
from .client_side import archive, client_reply, departments, my_services, open_ticket
from .drafts import drop_draft, get_draft, render_template, save_draft, templates_for
from .lists import ListSpec, change_marker, count_tickets, list_tickets
from .lock import take, unlock
from .messages import edit_message, message_history, split
from .reading import attachment_data, history, peek, show
from .replies import ReplyResult, close, reply, save_parameters
from .staff_settings import my_settings, save_my_settings

__all__ = [
    "ListSpec", "ReplyResult", "abuse_cases", "archive", "assign", "attachment_data",
    "change_marker", "client_card", "client_reply", "close", "count_tickets", "delay",
    "departments", "drop_draft", "edit_message", "get_draft", "history", "list_tickets",
    "message_history", "my_services", "open_ticket", "peek", "register_abuse", "render_template",
    "my_settings", "reply", "save_draft", "save_my_settings", "save_parameters", "set_client_comment", "set_favorite", "set_summary",
    "show", "split", "take", "templates_for", "unlock",
]
