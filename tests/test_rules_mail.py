"""The response rules and the mail channel (issue 19 with issue 18): a rule's automatic answer
goes out as mail marked Auto-Submitted, never to automatic mail (an auto-responder, a list: the
intake's loop rules), within the hourly limit per address it shares with the acknowledgements;
the import of a mail history runs no rules at all. On SQLite and PostgreSQL (the intake as the
mail service's login, whose events the operator's `rule run` works off)."""

from __future__ import annotations

from store import admin
from store.mail.importer import import_history
from store.mail.intake import receive
from store.mail.outbox import list_outbox
from store.mail.secret import desk_secret
from store.mail.sending import send_pass
from store.rules.manage import add_rule
from tests.mail_desk import mail, rows, set_setting
from tests.outbox_desk import OutboxDesk
from tests.rules_desk import settle, system_lines


def answering(box: OutboxDesk) -> OutboxDesk:
    admin.add_reply_template(box.store, "Got it", "Dear {client.name}, we are on #{ticket.id}.")
    add_rule(box.store, None, "ack", reply="Got it")
    return box


def received(box: OutboxDesk, raw: bytes) -> int:
    result = receive(box.mailer, raw, secret=desk_secret(box.mailer))
    assert result.outcome in ("new_ticket", "client_message"), result
    settle(box.store)
    return result.ticket_id


def test_a_rules_answer_is_mailed_as_an_automatic_answer(box: OutboxDesk) -> None:
    tid = received(answering(box), mail(sender="Jane Roe <jane@example.com>"))
    [queued] = list_outbox(box.store)
    assert (queued.kind, queued.recipient) == ("reply", "jane@example.com")
    assert send_pass(box.mailer) == (1, 0, 0)
    [sent] = box.received(1)
    assert sent.get_content().strip() == f"Dear Jane Roe, we are on #{tid}."
    assert str(sent["Auto-Submitted"]) == "auto-replied"


def test_no_automatic_answer_to_automatic_mail(box: OutboxDesk) -> None:
    tid = received(answering(box), mail(sender="Away <jane@example.com>",
                                        extra="Auto-Submitted: auto-replied\r\n"))
    assert list_outbox(box.store) == []
    assert system_lines(box.store, tid) == [
        'Rule "ack": no automatic answer to automatic mail (Auto-Submitted: auto-replied).']
    assert rows(box.store, "SELECT count(*) FROM messages WHERE kind = 'staff'") == [(0,)]


def test_no_automatic_answer_on_a_ticket_whose_opening_mail_was_a_list(box: OutboxDesk) -> None:
    answering(box)
    add_rule(box.store, None, "again", on="client-message", reply="Got it")
    tid = received(box, mail(extra="List-Id: News <news.example.com>\r\n", message_id="<l1@x.example>"))
    received(box, mail("And now a person.", subject=f"Re: Help [#{tid}]", message_id="<l2@x.example>",
                       extra="In-Reply-To: <l1@x.example>\r\n"))
    assert list_outbox(box.store) == []
    assert len(system_lines(box.store, tid)) == 2


def test_the_hourly_limit_counts_acknowledgements_and_answers_together(box: OutboxDesk) -> None:
    answering(box)
    set_setting(box.store, "mail_auto_per_hour", "2")
    set_setting(box.store, "mail_acknowledge_new", "on")
    first = received(box, mail(subject="One"))  # an answer and an acknowledgement: two
    assert sorted(o.kind for o in list_outbox(box.store)) == ["acknowledgement", "reply"]
    assert system_lines(box.store, first) == ['Rule "ack": answered with \'Got it\'.']
    second = received(box, mail(subject="Two"))
    assert system_lines(box.store, second) == [
        'Rule "ack": no automatic answer: jane@example.com had its automatic mails for this hour.']
    assert len(list_outbox(box.store)) == 2
    received(box, mail(subject="Other", sender="ann@example.org"))  # another address: answered
    assert len(list_outbox(box.store)) == 4


def test_importing_a_mail_history_runs_no_rules(box: OutboxDesk, tmp_path) -> None:
    import mailbox

    answering(box)
    add_rule(box.store, None, "again", on="client-message", comment="seen")
    path = tmp_path / "h.mbox"
    archive = mailbox.mbox(str(path))
    archive.add(mail("Old question.", message_id="<h1@example.com>"))
    archive.add(mail("Old follow-up.", subject="Re: Help", message_id="<h2@example.com>",
                     extra="In-Reply-To: <h1@example.com>\r\n"))
    archive.flush()
    archive.close()
    assert import_history(box.store, str(path)).imported == 2  # the operator's command
    assert settle(box.store) == 0
    assert rows(box.store, "SELECT count(*) FROM rule_runs") == [(0,)]
    assert rows(box.store, "SELECT count(*) FROM messages WHERE kind <> 'client'") == [(0,)]
    assert list_outbox(box.store) == []
    live = received(box, mail("A live one."))  # and live mail still runs them
    assert system_lines(box.store, live) == ['Rule "ack": answered with \'Got it\'.']
