"""A connection to a mailbox's IMAP folder (IMAPClient), as `mail fetch` and `mail watch` use
it: the URL read (imap://user@host:port/FOLDER or imaps://...), STARTTLS when the server offers
it (unless ?starttls=no), the password read at use, the folder selected, and the desk's two
folders `Processed` and `Failed` made when missing.

Every IMAP failure is one of two kinds: ImapConfigError (the URL, the password or the login is
wrong: no retry helps until a person fixes it) or ImapLost (the server is unreachable, the
connection dropped, a command was refused: the mail stays on the server for the next pass).
"""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

from ..errors import BadInput
from .mailboxes import check_imap_url, check_password_file

PASSWORD_ENV = "TICKET_TUI_IMAP_PASSWORD"
PROCESSED, FAILED = "Processed", "Failed"
TIMEOUT = 30.0  # seconds for connecting and for each command; IDLE waits in its own steps
DEFAULT_PORTS = {"imap": 143, "imaps": 993}


class ImapConfigError(Exception):
    """The mailbox can't be fetched as it is set up (one sentence): a person must fix it."""


class ImapLost(Exception):
    """The server or the connection failed now (one sentence): try again later."""


class ImapTarget(NamedTuple):
    host: str
    port: int
    user: str
    folder: str
    implicit_tls: bool  # imaps://
    starttls: bool  # False with ?starttls=no


def parse_imap_url(url: str) -> ImapTarget:
    try:
        url = check_imap_url(url)
    except BadInput as error:
        raise ImapConfigError(str(error)) from None
    parts = urlsplit(url)
    if not parts.username:
        raise ImapConfigError(f"The IMAP URL {url!r} names no user (imap://user@host/FOLDER).")
    query = parse_qs(parts.query)
    starttls = (query.get("starttls") or ["yes"])[0].lower() not in ("no", "false", "0")
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    return ImapTarget(parts.hostname, parts.port or DEFAULT_PORTS[parts.scheme],
                      unquote(parts.username), folder, parts.scheme == "imaps", starttls)


def read_password(password_file: str | None) -> str:
    """The password, read now: from the mailbox's file (refused when others can read it), else
    from $TICKET_TUI_IMAP_PASSWORD."""
    if password_file:
        try:
            path = check_password_file(password_file)
            with open(path, encoding="utf-8") as f:
                return f.read().rstrip("\r\n")
        except BadInput as error:
            raise ImapConfigError(str(error)) from None
        except (OSError, UnicodeDecodeError) as error:
            raise ImapConfigError(f"The password file {password_file!r} can't be read "
                                  f"({error}).") from None
    password = os.environ.get(PASSWORD_ENV)
    if not password:
        raise ImapConfigError(f"No IMAP password: give the mailbox a --password-file or set "
                              f"${PASSWORD_ENV}.")
    return password


@dataclass
class Folder:
    """A logged-in connection with the mailbox's folder selected."""

    client: object  # imapclient.IMAPClient
    target: ImapTarget
    uidvalidity: int
    can_move: bool

    def new_mail_reported(self) -> bool:
        """Whether the server reported new mail (EXISTS) since the last call. Dovecot looks
        for new mail at the end of each command and reports it in that command's answer, once:
        a SEARCH can answer "nothing new" and report the mail that arrived meanwhile in the same
        breath, and IDLE would then wait for it for ever. (IMAPClient keeps those answers in
        imaplib's untagged_responses, as its own select_folder reads them.)"""
        responses = getattr(getattr(self.client, "_imap", None), "untagged_responses", None)
        if not isinstance(responses, dict):  # an IMAPClient that keeps them elsewhere: IDLE alone
            return False
        reported = responses.pop("EXISTS", None), responses.pop("RECENT", None)
        return any(reported)

    def answers_buffered(self) -> bool:
        """Whether lines of the server already wait in imaplib's read buffer. IDLE's first
        answer ("+ idling") is read from a buffered file: a report sent right after it can sit
        in that buffer, where idle_check (which polls the socket) never looks. Non-blocking,
        so it never waits; a line it brings in is read by idle_done."""
        sock = self.client.socket()
        sock.setblocking(False)
        try:
            return bool(self.client._imap.file.peek(1))
        except AttributeError:  # an imaplib or IMAPClient without that buffered file: IDLE alone
            return False
        except OSError:  # nothing buffered, nothing on the socket (TLS says so this way)
            return False
        finally:
            sock.setblocking(True)
            self.client._set_read_timeout()

    def close(self) -> None:
        try:
            self.client.logout()
        except Exception:  # noqa: BLE001 - a dead connection has nothing left to close
            try:
                self.client.shutdown()
            except Exception:  # noqa: BLE001
                pass


def open_folder(url: str, password_file: str | None, *, timeout: float = TIMEOUT) -> Folder:
    """Connects, logs in and selects the mailbox's folder; makes Processed and Failed."""
    from imapclient import IMAPClient
    from imapclient.exceptions import LoginError

    target = parse_imap_url(url)
    password = read_password(password_file)
    with imap_errors(f"{target.host}:{target.port}"):
        context = ssl.create_default_context()
        client = IMAPClient(target.host, target.port, ssl=target.implicit_tls,
                            ssl_context=context, timeout=timeout)
        try:
            if not target.implicit_tls and target.starttls and client.has_capability("STARTTLS"):
                client.starttls(context)
            try:
                client.login(target.user, password)
            except LoginError as error:
                raise ImapConfigError(f"The IMAP server refused the login of {target.user!r} "
                                      f"({_said(error)}).") from None
            if not client.folder_exists(target.folder):
                raise ImapConfigError(f"There is no folder {target.folder!r} in the mailbox of "
                                      f"{target.user!r} on {target.host}.")
            for name in (PROCESSED, FAILED):
                if not client.folder_exists(name):
                    client.create_folder(name)
            selected = client.select_folder(target.folder)
            return Folder(client, target, int(selected[b"UIDVALIDITY"]),
                          client.has_capability("MOVE"))
        except BaseException:
            Folder(client, target, 0, False).close()
            raise


class imap_errors:  # noqa: N801 - used as a `with` block, like contextlib's helpers
    """Turns the library's and the socket's errors into ImapLost with one sentence."""

    def __init__(self, where: str) -> None:
        self.where = where

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, tb) -> bool:
        from imapclient.exceptions import IMAPClientError

        if error is None or isinstance(error, (ImapConfigError, ImapLost)):
            return False
        if isinstance(error, (IMAPClientError, OSError, EOFError)):
            raise ImapLost(f"IMAP {self.where}: {_said(error)}") from error
        return False


def _said(error: BaseException) -> str:
    text = str(error)
    if isinstance(error, bytes):
        text = error.decode("utf-8", "replace")
    text = text.strip() or type(error).__name__
    return text.splitlines()[0][:300]
