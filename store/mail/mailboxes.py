"""A department's support addresses and their IMAP mailboxes (the operator's, as departments
are). A password is never stored: the IMAP login reads it, at use, from a file that others
can't read, or from $TICKET_TUI_IMAP_PASSWORD."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from sqlalchemy import delete, select

from .. import validate
from ..admin import department_by_name
from ..db import Store
from ..errors import BadInput, Conflict, NotFound
from ..models import Department
from .models import Mailbox

IMAP_SCHEMES = ("imap", "imaps")


class MailboxInfo(NamedTuple):
    id: int
    address: str
    department: str
    imap_url: str | None
    password_file: str | None


def check_imap_url(url: str) -> str:
    """imap://user@host:port/FOLDER or imaps://...; never a password in it."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise BadInput(f"{url!r} is not an IMAP URL (imap://user@host:port/FOLDER).") from None
    if parts.scheme not in IMAP_SCHEMES or not parts.hostname or len(url) > 1000:
        raise BadInput(f"{url!r} is not an IMAP URL (imap://user@host:port/FOLDER or imaps://...).")
    if parts.password is not None:
        raise BadInput("The IMAP URL holds a password; passwords are never stored: use "
                       "--password-file or $TICKET_TUI_IMAP_PASSWORD.")
    return url


def check_password_file(path: str) -> str:
    """An absolute path to a regular file that others can't read."""
    full = Path(path).expanduser().absolute()
    try:
        mode = os.stat(full).st_mode
    except OSError as error:
        raise BadInput(f"The password file {str(full)!r} can't be read ({error.strerror}).") from None
    if not stat.S_ISREG(mode):
        raise BadInput(f"The password file {str(full)!r} is not a regular file.")
    if mode & (stat.S_IROTH | stat.S_IWOTH):
        raise BadInput(f"The password file {str(full)!r} can be read by anyone; "
                       f"chmod 600 it first.")
    return str(full)


def add_mailbox(store: Store, address: str, department: str, *, imap_url: str | None = None,
                password_file: str | None = None) -> MailboxInfo:
    address = validate.email(address)
    url = check_imap_url(imap_url) if imap_url else None
    secret_file = check_password_file(password_file) if password_file else None
    with store.write() as s:
        dept = department_by_name(s, department)
        if s.scalar(select(Mailbox.id).where(Mailbox.address == address)):
            raise Conflict(f"The mailbox {address} exists already.")
        box = Mailbox(address=address, department_id=dept.id, imap_url=url,
                      password_file=secret_file, imap_last_uid=0)
        s.add(box)
        s.flush()
        return MailboxInfo(box.id, address, dept.name, url, secret_file)


def list_mailboxes(store: Store) -> list[MailboxInfo]:
    with store.read() as s:
        found = s.execute(select(Mailbox, Department.name).join(
            Department, Department.id == Mailbox.department_id).order_by(Mailbox.address))
        return [MailboxInfo(box.id, box.address, name, box.imap_url, box.password_file)
                for box, name in found]


def remove_mailbox(store: Store, address: str) -> None:
    address = (address or "").strip().lower()
    with store.write() as s:
        if not s.execute(delete(Mailbox).where(Mailbox.address == address)).rowcount:
            raise NotFound(f"There is no mailbox {address}.")
