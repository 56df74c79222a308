"""The modals of the ticket form, each usable from the keyboard alone."""

from .attachments import AttachmentsModal
from .diag import DiagModal
from .forms import AbuseModal, AssignModal, DelayModal, InformationModal, SettingsModal, SummaryModal
from .messages import MessagesModal
from .pickers import ConfirmTakeOver, QuotePicker, TemplatePicker

__all__ = ["AbuseModal", "AttachmentsModal", "AssignModal", "ConfirmTakeOver", "DelayModal", "DiagModal", "InformationModal",
           "MessagesModal", "QuotePicker", "SettingsModal", "SummaryModal", "TemplatePicker"]
