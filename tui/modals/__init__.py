"""The dialogs the ticket form and the list open, and the staff picker of the start (which the
app imports directly). Each is imported when first asked for (PEP 562): a form that opens no
dialog never loads their modules and widgets.

May import widgets/, runtime/ and store/; never a screen's room (queue/, ticket/, client/)."""

from __future__ import annotations

import importlib

_MODULE_OF = {
    "AttachmentsModal": "attachments",
    "BulkAssignModal": "bulk_menu", "BulkDelayModal": "bulk_menu", "BulkMenu": "bulk_menu",
    "BulkPriorityModal": "bulk_menu", "BulkReplyModal": "bulk_menu",
    "BulkRunModal": "bulk_run", "BulkSummaryModal": "bulk_run",
    "DiagModal": "diag",
    "AbuseModal": "forms", "AssignModal": "forms", "DelayModal": "forms",
    "InformationModal": "forms", "SettingsModal": "forms", "SummaryModal": "forms",
    "FailedMailModal": "failed_mail",
    "MailOriginalModal": "mail_original",
    "MergeConfirm": "merge", "MergeModal": "merge",
    "MessagesModal": "messages",
    "RateModal": "rate",
    "ConfirmTakeOver": "pickers", "QuotePicker": "pickers", "TemplatePicker": "pickers",
    "MacroPicker": "pickers",
}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    try:
        module = _MODULE_OF[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    return getattr(importlib.import_module(f".{module}", __name__), name)
