"""`mail import`: a mail history (mbox or Maildir) taken in by the live intake's rules, each mail
at its own date, the desk's own answers in the thread, nothing twice, a broken mail kept as
failed mail while the rest goes on. On SQLite, and on PostgreSQL as the operator (the only login
that may write past moments and the desk's answers: the mail service's is refused)."""

from __future__ import annotations

import mailbox
from datetime import datetime, timezone

import pytest

from store.db import Store
from store.errors import BadInput, NotAllowed
from store.mail.importer import import_history
from store.mail.intake import receive
from tests.mail_desk import SUPPORT, mail, mail_desk, mail_store, rows, with_file

JAN = "Date: Mon, 1 Jan 2024 {}:00:00 +0000\r\n"


def history() -> list[bytes]:
    """A client's question, the desk's answer, the client's reply to it; and a second thread."""
    return [
        mail("The site is down.", message_id="<q1@example.com>", extra=JAN.format(10)),
        mail("We restarted it.\n\nOn Mon, Jane Roe wrote:\n> The site is down.",
             sender=f"Support <{SUPPORT}>", to="jane@example.com", subject="Re: Help",
             message_id="<a1@desk.example>",
             extra="In-Reply-To: <q1@example.com>\r\n" + JAN.format(11)),
        mail("Thanks, it works.\n\n-----Original Message-----\nFrom: Support\nSent: Monday\n\n"
             "We restarted it.", subject="Re: Help", message_id="<q2@example.com>",
             extra="In-Reply-To: <a1@desk.example>\r\n" + JAN.format(12)),
        mail("Mail is slow.", sender="Bob <bob@example.net>", subject="Slow mail",
             message_id="<b1@example.net>", extra=JAN.format(13)),
    ]


def write_mbox(path, mails: list[bytes]) -> str:
    box = mailbox.mbox(str(path))
    for raw in mails:
        box.add(raw)
    box.flush()
    box.close()
    return str(path)


@pytest.fixture
def desk(store):
    mail_desk(store)
    yield store, store


def thread(store: Store) -> list[tuple]:
    return rows(store, "SELECT m.ticket_id, m.kind, m.body, m.created_at FROM messages m "
                       "JOIN mail_ids i ON i.message_id = m.id ORDER BY m.id")


def test_a_history_is_threaded_as_live_mail_at_its_own_dates(desk, tmp_path):
    store, mailer = desk
    summary = import_history(mailer, write_mbox(tmp_path / "h.mbox", history()), batch=2)
    assert summary.as_dict() == dict(mails=4, imported=4, duplicates=0, failed=0, dropped=0,
                                     new_tickets=2, client_messages=1, desk_answers=1)
    found = thread(store)
    jane, bob = found[0][0], found[3][0]
    assert [(t, kind, body) for t, kind, body, _ in found] == [
        (jane, "client", "The site is down."), (jane, "staff", "We restarted it."),
        (jane, "client", "Thanks, it works."), (bob, "client", "Mail is slow.")]
    assert [at.hour if isinstance(at, datetime) else int(str(at)[11:13])
            for *_, at in found] == [10, 11, 12, 13]
    assert rows(store, "SELECT direction FROM mail_ids "
                       "WHERE message_id_header = 'a1@desk.example'") == [("out",)]
    assert rows(store, "SELECT count(*) FROM clients WHERE email = 'bob@example.net'") == [(1,)]


def test_running_it_again_imports_nothing_twice(desk, tmp_path):
    store, mailer = desk
    path = write_mbox(tmp_path / "h.mbox", history() + [mail("No id here.", message_id="")])
    first = import_history(mailer, path)
    again = import_history(mailer, path)
    assert (first.imported, again.imported, again.duplicates) == (5, 0, 5)
    assert rows(store, "SELECT count(*) FROM messages") == [(5,)]


def test_live_mail_already_received_is_a_duplicate(desk, tmp_path):
    store, mailer = desk
    live = mail_store(store)
    assert receive(live, history()[0]).outcome == "new_ticket"
    if live is not store:
        live.close()
    summary = import_history(mailer, write_mbox(tmp_path / "h.mbox", history()))
    assert (summary.duplicates, summary.imported) == (1, 3)


def test_a_broken_or_refused_mail_is_failed_mail_and_the_rest_goes_on(desk, tmp_path):
    store, mailer = desk
    broken = b"not a mail at all \x00\xff"
    nobody = mail("To no mailbox of the desk.", to="someone@elsewhere.example",
                  message_id="<n1@example.com>")
    mails = history()
    mails[1:1] = [broken, nobody]
    summary = import_history(mailer, write_mbox(tmp_path / "h.mbox", mails), batch=3)
    assert (summary.imported, summary.failed) == (4, 2)
    assert len(thread(store)) == 4
    failed = rows(store, "SELECT source, reason FROM failed_mail ORDER BY id")
    assert [source for source, _ in failed] == ["import", "import"]
    assert "no mailbox" in failed[1][1]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("workers", [0, 2])
def test_read_by_worker_processes_or_in_this_one_alike(desk, tmp_path, workers):
    """Batches of two: the workers read each batch ahead of the writer, in order; a mail they
    can't read comes back as failed mail, and the rest goes on."""
    store, mailer = desk
    mails = history()
    mails[2:2] = [b"not a mail at all \x00\xff"]
    summary = import_history(mailer, write_mbox(tmp_path / "h.mbox", mails), batch=2,
                             workers=workers)
    assert summary.as_dict() == dict(mails=5, imported=4, duplicates=0, failed=1, dropped=0,
                                     new_tickets=2, client_messages=1, desk_answers=1)
    assert [kind for _, kind, *_ in thread(store)] == ["client", "staff", "client", "client"]


def test_a_desk_answer_to_nothing_known_is_dropped(desk, tmp_path):
    store, mailer = desk
    stray = mail("An answer to a mail of long ago.", sender=SUPPORT, to="jane@example.com",
                 message_id="<s1@desk.example>", extra="In-Reply-To: <gone@example.com>\r\n")
    summary = import_history(mailer, write_mbox(tmp_path / "h.mbox", [stray]))
    assert (summary.dropped, summary.imported) == (1, 0)
    assert rows(store, "SELECT count(*) FROM messages") == [(0,)]


def test_after_the_desk_answer_the_ticket_waits_for_the_client(desk, tmp_path):
    store, mailer = desk
    import_history(mailer, write_mbox(tmp_path / "h.mbox", history()[:2]))
    assert rows(store, "SELECT awaiting_staff FROM tickets") in ([(0,)], [(False,)])


def test_dates_out_of_bounds_take_the_moment_of_the_mail_before(desk, tmp_path):
    store, mailer = desk
    mails = [
        mail("one", message_id="<d1@example.com>", extra=JAN.format(10)),
        mail("two", message_id="<d2@example.com>",
             extra="Date: Sat, 1 Jan 2999 10:00:00 +0000\r\n"),
        mail("three", message_id="<d3@example.com>",
             extra="Date: Thu, 1 Jan 1970 00:00:00 +0000\r\n"),
        mail("four", message_id="<d4@example.com>"),
    ]
    started = datetime.now(timezone.utc)
    import_history(mailer, write_mbox(tmp_path / "h.mbox", mails))
    moments = [str(at)[:16] for *_, at in thread(store)]
    assert moments == ["2024-01-01 10:00"] * 4
    first = [mail("first, undated", message_id="<d5@example.com>")]
    import_history(mailer, write_mbox(tmp_path / "u.mbox", first))
    [(at,)] = rows(store, "SELECT m.created_at FROM messages m JOIN mail_ids i "
                          "ON i.message_id = m.id WHERE i.message_id_header = 'd5@example.com'")
    assert str(at)[:10] >= str(started)[:10]


def test_a_maildir_is_read_in_delivery_order(desk, tmp_path):
    store, mailer = desk
    box = mailbox.Maildir(str(tmp_path / "md"), create=True)
    for raw in history():
        box.add(raw)
    summary = import_history(mailer, str(tmp_path / "md"))
    assert (summary.imported, summary.new_tickets) == (4, 2)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_maildir_of_one_second_is_read_by_the_microsecond_as_a_number(desk, tmp_path):
    """M99999 came before M100000 (names are not zero-padded): the answer threads."""
    _, mailer = desk
    for sub in ("cur", "new", "tmp"):
        (tmp_path / "md" / sub).mkdir(parents=True)
    question, answer, _, _ = history()
    (tmp_path / "md/cur/1700000000.M99999P7Q1.host:2,S").write_bytes(question)
    (tmp_path / "md/cur/1700000000.M100000P7Q2.host:2,S").write_bytes(answer)
    summary = import_history(mailer, str(tmp_path / "md"))
    assert (summary.new_tickets, summary.desk_answers, summary.dropped) == (1, 1, 0)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_path_that_is_neither_is_refused_in_one_sentence(desk, tmp_path):
    _, mailer = desk
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "folder").mkdir()
    for path in ("notes.txt", "folder", "missing"):
        with pytest.raises(BadInput):
            import_history(mailer, str(tmp_path / path))


@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.pg)],
                         indirect=True)
def test_on_postgresql_the_mail_service_login_may_not_import(desk, tmp_path):
    store, _ = desk
    mailer = mail_store(store)
    try:
        with pytest.raises(NotAllowed, match="operator"):
            import_history(mailer, write_mbox(tmp_path / "h.mbox", history()))
    finally:
        mailer.close()
    assert rows(store, "SELECT count(*) FROM messages") == [(0,)]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_file_is_streamed_never_held_whole(desk, tmp_path):
    """400 mails of 30 kB (a 12 MB mbox): the import's peak of Python's allocations stays far
    below the file's size, a batch of mails at a time."""
    import tracemalloc

    store, _ = desk
    path = tmp_path / "big.mbox"
    with open(path, "wb") as f:
        for i in range(400):
            f.write(b"From x@example.com Mon Jan  1 10:00:00 2024\n")
            f.write(with_file(f"f{i}.bin", bytes([i % 256]) * 22_000,
                              message_id=f"<big{i}@example.com>") + b"\n")
    size = path.stat().st_size
    import_history(store, write_mbox(tmp_path / "warm.mbox", history()))  # compiled statements
    tracemalloc.start()
    assert import_history(store, path, batch=10).imported == 400
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert size > 12_000_000 and peak < size / 3, (size, peak)


def test_a_history_is_never_acknowledged_though_live_mail_is(desk, tmp_path):
    """mail_acknowledge_new answers a new mailed ticket; an import's tickets were answered
    long ago: none of them gets an acknowledgement (it would mail every client of the past)."""
    from tests.mail_desk import set_setting

    store, mailer = desk
    set_setting(store, "mail_acknowledge_new", "on")
    import_history(mailer, write_mbox(tmp_path / "h.mbox", history()))
    assert rows(store, "SELECT count(*) FROM outbox") == [(0,)]
    assert receive(mailer, mail("New and live.", sender="Ann <ann@example.org>")).outcome == "new_ticket"
    assert rows(store, "SELECT kind FROM outbox") == [("acknowledgement",)]
