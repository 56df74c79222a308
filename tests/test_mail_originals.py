"""A staff member opens a mailed message's original whole, where they see its ticket
(store/mail/originals.py); on PostgreSQL with their own login role."""

from __future__ import annotations

import pytest

from store.errors import NotAllowed, NotFound, NotVisible
from store.mail.intake import receive
from store.mail.originals import mail_original
from tests.mail_desk import BILLING, mail, mail_desk, mail_store, rows
from tests.personal import own_store


def test_staff_open_the_original_whole_only_where_they_see_the_ticket(store) -> None:
    desk = mail_desk(store)
    mailer = mail_store(store)
    raw = mail("Invoice is wrong.", to=BILLING, extra="Cc: boss@example.com\r\n")
    taken = receive(mailer, raw)
    shown = mail_original(own_store(store, desk.bob), desk.bob, taken.message_id)
    assert shown.raw == raw and shown.size == len(raw) and shown.ticket_id == taken.ticket_id
    assert (shown.sender, shown.to, shown.cc) == ("Jane Roe <jane@example.com>", BILLING,
                                                  "boss@example.com")
    assert mail_original(own_store(store, desk.root), desk.root, taken.message_id).raw == raw
    hidden = (NotVisible, NotFound) if store.dialect == "postgresql" else NotVisible
    with pytest.raises(hidden):
        mail_original(own_store(store, desk.alice), desk.alice, taken.message_id)
    with pytest.raises(NotAllowed):
        mail_original(store, desk.john, taken.message_id)


def test_a_message_that_did_not_come_by_mail_has_no_original(store) -> None:
    from store import service as sv

    desk = mail_desk(store)
    ticket = sv.open_ticket(store, desk.john, "Billing", "Typed", "in the client area")
    [(message,)] = rows(store, "SELECT id FROM messages WHERE ticket_id = :t", t=ticket)
    for missing in (message, 10**6, -1):
        with pytest.raises(NotFound, match="did not come by mail"):
            mail_original(own_store(store, desk.root), desk.root, missing)
