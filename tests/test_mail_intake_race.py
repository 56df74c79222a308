"""The same mail delivered by several processes at once (an MTA retrying while the first
delivery still runs; two mailboxes receiving one mail): one message, the others 'duplicate';
two mails of one unknown sender at once make one client. SQLite and PostgreSQL."""

from __future__ import annotations

import threading

from store.mail.intake import receive
from tests.mail_desk import count, mail, mail_desk, mail_store, rows

DELIVERIES = 4


def _at_once(stores, mails) -> list:
    barrier = threading.Barrier(len(mails))
    results: list = [None] * len(mails)
    errors: list = []

    def one(n: int) -> None:
        try:
            barrier.wait(10)
            results[n] = receive(stores[n], mails[n])
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(len(mails))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    return results


def test_one_mail_delivered_at_once_by_several_is_one_message(store) -> None:
    mail_desk(store)
    stores = [mail_store(store) for _ in range(DELIVERIES)]
    raw = mail(message_id="<race@example.com>")
    outcomes = sorted(r.outcome for r in _at_once(stores, [raw] * DELIVERIES))
    assert outcomes == ["duplicate"] * (DELIVERIES - 1) + ["new_ticket"]
    assert count(store, "messages") == 1 and count(store, "mail_originals") == 1
    for other in stores:
        if other is not store:
            other.close()


def test_mails_of_one_unknown_sender_at_once_make_one_client(store) -> None:
    mail_desk(store)
    stores = [mail_store(store) for _ in range(DELIVERIES)]
    mails = [mail(f"mail {n}", sender="New Person <new@example.net>") for n in range(DELIVERIES)]
    outcomes = [r.outcome for r in _at_once(stores, mails)]
    assert outcomes == ["new_ticket"] * DELIVERIES
    assert rows(store, "SELECT count(*) FROM clients WHERE email = 'new@example.net'") == [(1,)]
    assert count(store, "tickets") == DELIVERIES
    for other in stores:
        if other is not store:
            other.close()
