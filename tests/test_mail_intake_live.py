"""A mailed ticket reaches open lists as other changes do (store/live.py): a staff member's
listener hears of a new ticket and of an answer taken in by the mail service within two
seconds, on SQLite (the change marker, polled) and on PostgreSQL (a notification)."""

from __future__ import annotations

from store import live
from store.mail.intake import receive
from tests.mail_desk import mail, mail_desk, mail_store
from tests.personal import own_store


def test_a_mailed_ticket_and_its_answer_are_announced_to_staff(store) -> None:
    desk = mail_desk(store)
    mailer = mail_store(store)
    listener = live.listen(own_store(store, desk.alice), poll_seconds=0.1)
    try:
        listener.wait(0.3)  # the marker as it is now
        made = receive(mailer, mail(sender="john@example.com", message_id="<live1@example.com>"))
        change = listener.wait(2.0)
        assert change is not None and (change.everything or made.ticket_id in change.ticket_ids)
        while listener.wait(0.3) is not None:
            pass  # the rest of that transaction's notifications
        receive(mailer, mail(sender="john@example.com", extra="In-Reply-To: <live1@example.com>\r\n"))
        change = listener.wait(2.0)
        assert change is not None and (change.everything or made.ticket_id in change.ticket_ids)
    finally:
        listener.close()
