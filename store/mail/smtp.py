"""The SMTP client: a connection to the desk's server (smtp_url, store.mail.smtp_url), its
password, and what a server's answer means for a mail (try again later, or never).

The password is never in the database: $TICKET_TUI_SMTP_PASSWORD, else the file named by
`smtp_password_file` in the config file, read at use, a regular file others can't read.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from pathlib import Path

from ..errors import BadInput
from .mailboxes import check_password_file
from .records import OutgoingMail
from .smtp_url import PASSWORD_ENV, SmtpTarget

TIMEOUT = 30.0  # seconds per SMTP command: a stuck server is a temporary failure


def smtp_password(password_file: str | None) -> str | None:
    """The SMTP password: the environment's, else the config's password file, read now."""
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if not password_file:
        return None
    path = check_password_file(password_file)
    try:
        return Path(path).read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(f"The SMTP password file {path!r} can't be read ({error}).") from None


class TemporaryFailure(Exception):
    """Try this mail again later: the server or the way to it failed, or it answered 4xx."""


class PermanentFailure(Exception):
    """The server refused this mail for good (5xx): it is failed, with the server's answer."""


def _answer(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{code} {' '.join(text.split())}"[:1000]


class SmtpConnection:
    """One connection for a pass, opened on the first mail and again after a failure. A
    server that can't be reached (or refuses the login) is not tried again in the same pass:
    the other mails wait too, with the same reason, and a stuck server costs one timeout."""

    def __init__(self, target: SmtpTarget, password: str | None) -> None:
        self.target, self.password = target, password
        self._smtp: smtplib.SMTP | None = None
        self._unreachable: str | None = None

    def _open(self) -> smtplib.SMTP:
        t = self.target
        context = ssl.create_default_context()
        if t.tls:
            smtp = smtplib.SMTP_SSL(t.host, t.port, timeout=TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(t.host, t.port, timeout=TIMEOUT)
        try:
            smtp.ehlo()
            if t.starttls:
                smtp.starttls(context=context)
                smtp.ehlo()
            if t.user:
                if self.password is None:
                    raise TemporaryFailure(f"smtp_url names the user {t.user} but no password "
                                           f"is given (${PASSWORD_ENV} or smtp_password_file).")
                smtp.login(t.user, self.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, mail: OutgoingMail) -> str:
        """Hands the mail over; returns the server's answer. TemporaryFailure or
        PermanentFailure otherwise (with the server's answer)."""
        if self._smtp is None:
            self._connect()
        try:
            refused = self._smtp.sendmail(mail.envelope_from, list(mail.recipients), mail.data)
        except smtplib.SMTPRecipientsRefused as error:
            code, message = next(iter(error.recipients.values()))
            raise (PermanentFailure if code >= 500 else TemporaryFailure)(_answer(code, message)) from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            if error.smtp_code < 500:
                self.close()
                raise TemporaryFailure(_answer(error.smtp_code, error.smtp_error)) from None
            raise PermanentFailure(_answer(error.smtp_code, error.smtp_error)) from None
        except smtplib.SMTPResponseException as error:
            self.close()
            raise TemporaryFailure(_answer(error.smtp_code, error.smtp_error)) from None
        except (smtplib.SMTPException, OSError) as error:  # OSError: timeouts and TLS too
            self.close()
            raise TemporaryFailure(f"{type(error).__name__}: {error}"[:1000]) from None
        if refused:  # some recipients taken, others not: the desk sends to one, so never here
            code, message = next(iter(refused.values()))
            raise (PermanentFailure if code >= 500 else TemporaryFailure)(_answer(code, message))
        return "250 accepted"

    def _connect(self) -> None:
        if self._unreachable is not None:
            raise TemporaryFailure(self._unreachable)
        try:
            self._smtp = self._open()
        except TemporaryFailure as error:
            self._unreachable = str(error)
        except smtplib.SMTPAuthenticationError as error:
            self._unreachable = "Login refused: " + _answer(error.smtp_code, error.smtp_error)
        except smtplib.SMTPResponseException as error:
            self._unreachable = _answer(error.smtp_code, error.smtp_error)
        except (smtplib.SMTPException, OSError) as error:
            self._unreachable = f"{type(error).__name__}: {error}"[:1000]
        if self._smtp is None:
            raise TemporaryFailure(self._unreachable)

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None
