"""Mail answering a merged ticket lands on the ticket it went into (store.mail.intake.receive),
by Message-ID, by the desk's signed id and by the client's subject tag; on PostgreSQL as the
mail service's own login."""

from __future__ import annotations

from store import service as sv
from store.mail.intake import receive
from store.mail.signing import make_message_id
from tests.mail_desk import SECRET, mail, mail_desk, mail_store, rows


def _merged(store, mailer):
    desk = mail_desk(store)
    source = receive(mailer, mail("first", sender="john@example.com", message_id="<s1@example.com>"),
                     secret=SECRET).ticket_id
    target = desk.open(body="the older ticket")
    sv.merge(store, desk.root, source, target)
    return desk, source, target


def test_an_answer_by_message_id_threads_into_the_target(store) -> None:
    mailer = mail_store(store)
    desk, source, target = _merged(store, mailer)
    answer = receive(mailer, mail("still down", sender="john@example.com",
                                  extra="In-Reply-To: <s1@example.com>\r\n"), secret=SECRET)
    assert (answer.outcome, answer.ticket_id) == ("client_message", target)
    assert rows(store, "SELECT ticket_id FROM messages WHERE body = 'still down'") == [(target,)]
    # The client's answer reopens the target, as any client message does.
    assert sv.show(store, desk.root, target).status == "In progress"


def test_a_signed_id_and_a_subject_tag_of_the_source_thread_into_the_target(store) -> None:
    mailer = mail_store(store)
    _, source, target = _merged(store, mailer)
    signed = make_message_id(source, 1, SECRET, "desk.example")
    by_id = receive(mailer, mail("signed", sender="john@example.com",
                                 extra=f"In-Reply-To: {signed}\r\n"), secret=SECRET)
    by_tag = receive(mailer, mail("tagged", sender="john@example.com",
                                  subject=f"Re: Help [#{source}]"), secret=SECRET)
    assert (by_id.ticket_id, by_tag.ticket_id) == (target, target)
    assert rows(store, "SELECT count(*) FROM messages WHERE ticket_id = :t", t=source) == [(1,)]
