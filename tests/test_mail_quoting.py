"""An answer's new text apart from its quoted history (store/mail/quoting.py): the common mail
readers' quote styles, answers written between quotes kept whole, and hostile texts that took
mail-parser-reply seconds to minutes, each within a linear work bound (never timed)."""

from __future__ import annotations

import pytest

from store.db import Store
from store.mail.intake import receive
from store.mail.originals import mail_original
from store.mail.quoting import MAX_LINE, quoted_history, split_reply
from tests.mail_desk import mail, mail_desk, rows

STYLES = {
    "gmail": "Thanks, it works now.\n\n"
             "On Mon, 1 Jan 2024 at 10:00, Support <s@desk.example> wrote:\n"
             "> We restarted it.\n> Regards",
    "gmail wrapped": "Thanks, it works now.\n\n"
                     "On Mon, 1 Jan 2024 at 10:00, A Very Long Name Indeed\n"
                     "<support@desk.example> wrote:\n> We restarted it.",
    "outlook separator": "Thanks, it works now.\n\n-----Original Message-----\nFrom: Support\n"
                         "Sent: Monday, January 1, 2024 10:00\nTo: Jane\nSubject: Re: down\n\n"
                         "We restarted it.",
    "outlook headers": "Thanks, it works now.\n\n________________________________\n"
                       "From: Support <s@desk.example>\nSent: Monday\n\nWe restarted it.",
    "outlook block": "Thanks, it works now.\n\nFrom: Support <s@desk.example>\n"
                     "Sent: Monday, January 1, 2024 10:00 AM\nTo: Jane\n\nWe restarted it.",
    "german": "Danke, es geht wieder.\n\nAm 01.01.2024 um 10:00 schrieb Support <s@desk.example>:\n"
              "> Wir haben ihn neu gestartet.",
    "german outlook": "Danke, es geht wieder.\n\nVon: Support\nGesendet: Montag, 1. Januar 2024\n"
                      "An: Jane\nBetreff: AW: down\n\nWir haben ihn neu gestartet.",
    "german separator": "Danke, es geht wieder.\n\n-----Ursprüngliche Nachricht-----\n"
                        "Von: Support\n\nWir haben ihn neu gestartet.",
    "french": "Merci, ça marche.\n\n"
              "Le lun. 1 janv. 2024 à 10:00, Support <s@desk.example> a écrit :\n"
              "> Nous l'avons redémarré.",
    "french outlook": "Merci, ça marche.\n\nDe : Support\nEnvoyé : lundi 1 janvier 2024 10:00\n"
                      "À : Jane\nObjet : RE: down\n\nNous l'avons redémarré.",
    "bare quotes": "Thanks, it works now.\n\n> We restarted it.\n>\n> Regards\n",
}


@pytest.mark.parametrize("style", STYLES)
def test_common_quote_styles_are_split(style):
    text = STYLES[style]
    reply = split_reply(text)
    first_line = text.split("\n")[0]
    assert reply.new == first_line
    assert reply.quoted and reply.quoted in text
    assert text.startswith(reply.new) and text.rstrip().endswith(reply.quoted.rstrip())


def test_a_text_without_quotes_is_kept_whole():
    text = "My site is down.\nFrom: the logs I see errors.\nOn the whole it worked yesterday."
    assert split_reply(text) == (text, "", split_reply(text).examined)


def test_an_answer_written_between_quotes_is_kept_whole():
    text = ("On Mon, Support wrote:\n> Which server?\nThe one in Berlin.\n> Since when?\n"
            "Since Monday.")
    assert split_reply("See below.\n\n" + text).new == "See below.\n\n" + text


def test_a_forward_or_top_quote_with_nothing_new_keeps_the_whole_text():
    text = "-----Original Message-----\nFrom: Bob\nSent: Monday\n\nPlease look at this."
    assert split_reply(text).new == text
    assert split_reply("> only a quote\n> and more").new == "> only a quote\n> and more"


def test_an_already_quoted_header_is_not_a_header():
    text = "Answer.\n> On Mon, Bob wrote:\nmore of my answer"
    assert split_reply(text).new == text


HOSTILE = {
    "On repeated, 9 KB": "On " * 3000,
    "On repeated, 150 KB": "On " * 50_000,
    "On repeated then wrote": "On " * 50_000 + "wrote:",
    "huge line": "x" * 2_000_000,
    "huge attribution": "Thanks\nOn " + "a " * 500_000 + "wrote:\n> quoted",
    "100k quote lines": "Thanks\n" + "> quoted line\n" * 100_000,
    "100k From lines": "From: a\n" * 100_000,
    "100k headers": ("From: a\nSent: b\n" * 50_000),
    "many short lines": "\n" * 1_000_000,
    "nested quotes": "Thanks\n" + "".join(">" * n + " x\n" for n in range(1, 3000)),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_texts_return_within_a_linear_work_bound(name):
    text = HOSTILE[name]
    reply = split_reply(text)
    # Each line is looked at a fixed number of times, and only its first MAX_LINE characters.
    lines = text.count("\n") + 1
    assert reply.examined <= 4 * min(len(text), lines * MAX_LINE)
    assert reply.new + reply.quoted and len(reply.new) + len(reply.quoted) <= len(text)


def test_a_huge_attribution_line_is_not_taken_for_one():
    text = HOSTILE["huge attribution"]
    assert split_reply(text).new == "Thanks\nOn " + "a " * 500_000 + "wrote:"


def test_100k_quote_lines_are_the_history():
    reply = split_reply(HOSTILE["100k quote lines"])
    assert reply.new == "Thanks" and reply.quoted.count("\n") == 99_999


@pytest.fixture(params=["sqlite", "postgresql"])
def desk(request, sqlite_url, pg_url):
    store = Store.open(sqlite_url if request.param == "sqlite" else pg_url)
    mail_desk(store)
    yield store
    store.close()


def test_the_client_message_shows_the_new_text_and_the_original_keeps_the_history(desk):
    from store.actors import staff_actor

    raw = mail(STYLES["outlook separator"], message_id="<q1@example.com>")
    result = receive(desk, raw, source="pipe")
    assert result.outcome == "new_ticket"
    assert rows(desk, "SELECT body FROM messages WHERE id = :m", m=result.message_id) == [
        ("Thanks, it works now.",)]
    original = mail_original(desk, staff_actor(desk, "root"), result.message_id)
    assert quoted_history(original.raw).startswith("-----Original Message-----")
    assert "We restarted it." in quoted_history(original.raw)
