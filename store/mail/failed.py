"""Failed mail: what the intake could not take, kept whole; listed (never with its bytes) and
taken in again on demand."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select

from ..actors import Actor
from .. import clock
from ..db import Store
from ..errors import NotAllowed, NotFound
from ..service.rules import require_staff
from ..validate import is_id
from .intake import IntakeResult, receive
from .models import FailedMail, Mailbox


class FailedMailInfo(NamedTuple):
    id: int
    received_at: datetime
    source: str
    mailbox: str | None
    reason: str
    size: int
    retried_at: datetime | None
    resolved_at: datetime | None


def list_failed(store: Store, *, include_resolved: bool = False) -> list[FailedMailInfo]:
    with store.read() as s:
        query = (select(FailedMail.id, FailedMail.received_at, FailedMail.source, Mailbox.address,
                        FailedMail.reason, FailedMail.size, FailedMail.retried_at,
                        FailedMail.resolved_at)
                 .outerjoin(Mailbox, Mailbox.id == FailedMail.mailbox_id).order_by(FailedMail.id))
        if not include_resolved:
            query = query.where(FailedMail.resolved_at.is_(None))
        return [FailedMailInfo(*row) for row in s.execute(query)]


def retry(store: Store, failed_id: int, *, secret: bytes | str | None = None) -> IntakeResult:
    """Takes a failed mail in again (after a setting or the desk changed). Taken: it is
    resolved. Failing again: the new reason is kept, with the time of this try."""
    with store.read() as s:
        row = s.get(FailedMail, failed_id) if is_id(failed_id) else None
        if row is None:
            raise NotFound(f"There is no failed mail #{failed_id}.")
        raw, source = row.raw, row.source
        to = s.scalar(select(Mailbox.address).where(Mailbox.id == row.mailbox_id))
    result = receive(store, raw, to=to, source=source, secret=secret)
    with store.write() as s:
        row = s.get(FailedMail, failed_id)
        row.retried_at = clock.utcnow()
        if result.outcome == "failed":
            row.reason = result.reason[:2000]
        else:
            row.resolved_at = row.retried_at
    return result


# --- the administrators' view (the TUI): the same calls, for an administrator only -------------
def _admin(actor: Actor, what: str) -> None:
    if not require_staff(actor, what).is_admin:
        raise NotAllowed(f"Only an administrator can {what}.")


def failed_mail_for(store: Store, actor: Actor) -> list[FailedMailInfo]:
    """The failed mail still waiting, for an administrator to look at."""
    _admin(actor, "see failed mail")
    return list_failed(store)


def retry_for(store: Store, actor: Actor, failed_id: int) -> IntakeResult:
    """An administrator takes a failed mail in again. On PostgreSQL this needs a login that may
    take mail in (the operator's or the mail service's): a staff login is refused by the
    database, with its sentence."""
    _admin(actor, "take failed mail in again")
    return retry(store, failed_id)
