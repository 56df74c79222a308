"""A mailed message's original, opened whole by a staff member who sees its ticket. Lists and
threads never load it: only this does, for one message."""

from __future__ import annotations

from typing import NamedTuple

from ..actors import Actor
from ..db import Store, plain_in
from ..errors import NotFound
from ..service.rules import check_visible, require_staff
from ..validate import is_id


class MailOriginalView(NamedTuple):
    message_id: int
    ticket_id: int
    raw: bytes  # the mail as received; untrusted bytes, never rendered as markup
    size: int
    sender: str
    to: str
    cc: str


def mail_original(store: Store, actor: Actor, message_id: int) -> MailOriginalView:
    staff = require_staff(actor, "open a mail's original")
    missing = NotFound(f"Message #{message_id} did not come by mail.")
    if not is_id(message_id):
        raise missing
    with store.read() as s:
        q = plain_in(s)
        found = q.row("SELECT m.ticket_id, t.client_id FROM messages m JOIN tickets t "
                      "ON t.id = m.ticket_id WHERE m.id = :m", {"m": message_id})
        if found is None:
            raise missing
        check_visible(q, staff, found[0], found[1])
        row = q.row("SELECT raw, size, sender, to_addresses, cc_addresses FROM mail_originals "
                    "WHERE message_id = :m", {"m": message_id})
        if row is None:
            raise missing
        return MailOriginalView(message_id, found[0], bytes(row[0]), *row[1:])
