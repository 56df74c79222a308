"""`mail fetch` (store/mail/fetch.py) against the real Dovecot, on SQLite and on PostgreSQL as
the mail service's own login: new mail becomes tickets and moves to Processed, two mailboxes
feed two departments, a broken mail goes to Failed without stalling the rest, \\Seen decides
nothing and is left as it was, a new UIDVALIDITY rescans, the same mail by pipe and by IMAP is
one message."""

from __future__ import annotations

from store.mail.fetch import fetch_all
from store.mail.intake import receive
from tests.imap_desk import append, folder_count, folder_flags, imap_desk, recreate_folder, uidvalidity
from tests.mail_desk import count, mail, mail_store, rows

BROKEN = b"\x01\x02 this is no mail at all \xff\r\n"  # no headers, no sender (Dovecot keeps these bytes)


def only(summaries):
    [summary] = summaries
    return summary


def test_waiting_mail_becomes_tickets_and_moves_to_processed_unseen(store, dovecot, imap_user,
                                                                     tmp_path) -> None:
    imap_desk(store, dovecot, tmp_path, imap_user)
    append(dovecot, imap_user, *(mail(f"Mail {i}", subject=f"Help {i}") for i in range(3)))
    summary = only(fetch_all(mail_store(store)))
    assert (summary.taken, summary.duplicates, summary.failed, summary.errors) == (3, 0, 0, [])
    assert rows(store, "SELECT subject FROM tickets ORDER BY id") == [
        ("Help 0",), ("Help 1",), ("Help 2",)]
    assert folder_count(dovecot, imap_user, "INBOX") == 0
    # BODY.PEEK[]: the desk read them, and a person's mail client still shows them unread.
    assert folder_flags(dovecot, imap_user, "Processed") == [set(), set(), set()]
    assert rows(store, "SELECT imap_last_uid, imap_uidvalidity FROM mailboxes") == [
        (3, uidvalidity(dovecot, imap_user, "INBOX"))]
    again = only(fetch_all(mail_store(store)))
    assert (again.taken, again.duplicates) == (0, 0) and count(store, "tickets") == 3


def test_a_mail_a_person_opened_first_is_still_taken_and_keeps_its_flags(store, dovecot,
                                                                        imap_user, tmp_path) -> None:
    imap_desk(store, dovecot, tmp_path, imap_user)
    append(dovecot, imap_user, mail("Read by a person first"), flags="\\Seen \\Flagged")
    append(dovecot, imap_user, mail("Not read yet"))
    summary = only(fetch_all(mail_store(store)))
    assert summary.taken == 2 and count(store, "tickets") == 2
    assert folder_flags(dovecot, imap_user, "Processed") == [{"\\Seen", "\\Flagged"}, set()]


def test_two_mailboxes_feed_their_own_departments(store, dovecot, tmp_path) -> None:
    support, billing = dovecot.add_user(), dovecot.add_user()
    imap_desk(store, dovecot, tmp_path, support, billing)
    append(dovecot, support, mail("The site is down", subject="Down"))
    append(dovecot, billing, mail("Invoice twice", subject="Invoice"),
           mail("Refund?", subject="Refund"))
    summaries = {s.mailbox: s.taken for s in fetch_all(mail_store(store))}
    assert summaries == {"support@desk.example": 1, "billing@desk.example": 2}
    assert rows(store, "SELECT t.subject, d.name FROM tickets t JOIN departments d "
                       "ON d.id = t.department_id ORDER BY t.subject") == [
        ("Down", "Technical support"), ("Invoice", "Billing"), ("Refund", "Billing")]


def test_a_broken_mail_goes_to_failed_and_the_mail_after_it_is_taken(store, dovecot, imap_user,
                                                                      tmp_path) -> None:
    imap_desk(store, dovecot, tmp_path, imap_user)
    append(dovecot, imap_user, mail("Before"), BROKEN, mail("After"))
    summary = only(fetch_all(mail_store(store)))
    assert (summary.taken, summary.failed, summary.errors) == (2, 1, [])
    assert count(store, "tickets") == 2
    assert rows(store, "SELECT source, raw FROM failed_mail") == [("imap", BROKEN)]
    assert (folder_count(dovecot, imap_user, "INBOX"), folder_count(dovecot, imap_user, "Failed"),
            folder_count(dovecot, imap_user, "Processed")) == (0, 1, 2)


def test_a_new_uidvalidity_reads_the_folder_again_and_takes_what_is_new(store, dovecot, imap_user,
                                                                         tmp_path) -> None:
    imap_desk(store, dovecot, tmp_path, imap_user, folder="Desk")
    first = [mail(f"First {i}", message_id=f"<first{i}@example.com>") for i in range(3)]
    append(dovecot, imap_user, *first, folder="Desk")
    assert only(fetch_all(mail_store(store))).taken == 3
    before = uidvalidity(dovecot, imap_user, "Desk")
    recreate_folder(dovecot, imap_user, "Desk")
    assert uidvalidity(dovecot, imap_user, "Desk") != before
    # UIDs 1 and 2 again, below the last UID taken (3): only the new UIDVALIDITY finds them.
    append(dovecot, imap_user, first[0], mail("New after the change"), folder="Desk")
    summary = only(fetch_all(mail_store(store)))
    assert (summary.taken, summary.duplicates) == (1, 1)
    assert count(store, "tickets") == 4 and folder_count(dovecot, imap_user, "Desk") == 0


def test_the_same_mail_by_pipe_and_by_imap_is_one_message(store, dovecot, imap_user,
                                                          tmp_path) -> None:
    imap_desk(store, dovecot, tmp_path, imap_user)
    raw = mail("Sent to both routes", message_id="<both@example.com>")
    mailer = mail_store(store)
    assert receive(mailer, raw, source="pipe").outcome == "new_ticket"
    append(dovecot, imap_user, raw)
    summary = only(fetch_all(mailer))
    assert (summary.taken, summary.duplicates) == (0, 1)
    assert count(store, "messages") == 1 and count(store, "mail_ids") == 1
    assert folder_count(dovecot, imap_user, "Processed") == 1


def test_without_move_the_mail_is_copied_flagged_and_expunged_by_uid(store, dovecot, imap_user,
                                                                     tmp_path) -> None:
    from store.mail.fetch import MailboxFetch, imap_mailboxes, take_new
    from store.mail.imap import open_folder

    imap_desk(store, dovecot, tmp_path, imap_user)
    append(dovecot, imap_user, mail("Copied"), BROKEN)
    append(dovecot, imap_user, mail("A person's, marked deleted"), flags="\\Deleted")
    mailer = mail_store(store)
    [box] = imap_mailboxes(mailer)
    folder = open_folder(box.imap_url, box.password_file)
    folder.can_move = False  # as on a server without MOVE (Dovecot has it)
    summary = MailboxFetch(box.address)
    try:
        assert take_new(mailer, folder, box, summary) == 3
    finally:
        folder.close()
    assert (summary.taken, summary.failed) == (2, 1)
    assert folder_count(dovecot, imap_user, "INBOX") == 0
    assert folder_flags(dovecot, imap_user, "Processed") == [set(), {"\\Deleted"}]
    assert folder_count(dovecot, imap_user, "Failed") == 1


def test_a_folder_that_does_not_exist_is_a_mailbox_to_fix(store, dovecot, imap_user,
                                                          tmp_path) -> None:
    imap_desk(store, dovecot, tmp_path, imap_user, folder="No%20such")
    summary = only(fetch_all(mail_store(store)))
    assert summary.needs_fixing and summary.errors == [
        f"There is no folder 'No such' in the mailbox of '{imap_user.name}' on 127.0.0.1."]
