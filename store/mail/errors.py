"""Why a mail could not be read. The caller keeps such a mail whole, as failed mail."""

from __future__ import annotations


class MailError(Exception):
    """Base of the mail errors; str(error) is one sentence for the failed-mail list."""


class UnparseableMail(MailError):
    """The bytes are not an email message (empty, no header, or beyond what the parser copes with)."""


class MailTooLarge(MailError):
    """The mail is over the size limit; it is refused whole, before it is parsed."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"The mail is {size:,} bytes; the limit is {limit:,} bytes.")
        self.size = size
        self.limit = limit
