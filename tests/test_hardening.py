"""Hardening: huge input bounded by a setting, attachment edge cases, and every command's input
checked with one plain sentence and no change to the data (issue 10).

Crashes are in test_crash.py; hostile text in test_hostile_text.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from store import admin
from store import service as sv
from store.db import Store
from store.errors import BadInput
from store.models import Base
from store.views import NewAttachment
from tests.desk import Desk, make_desk
from ticket_tui import main

TEN_MB = 10 * 1024 * 1024
DEFAULT_MAX = 1_000_000
JOHN = "john@example.com"


@pytest.fixture
def desk(store) -> Desk:
    return make_desk(store)


# --- helpers ------------------------------------------------------------------------------
def snapshot(store: Store) -> dict[str, list[tuple]]:
    with store.read() as s:
        return {t.name: [tuple(r) for r in s.execute(select(t).order_by(*t.primary_key.columns))]
                for t in Base.metadata.sorted_tables}


def one_sentence(text: str) -> bool:
    return "\n" not in text.strip() and text.strip().endswith(".") and ". " not in text


def cli(url: str, who: str | None, *args: str, input: str | bytes | None = None):
    ident = [] if who is None else ["--client", who] if "@" in who else ["--as", who]
    result = CliRunner().invoke(main, ["--db", url, *ident, *args], input=input)
    assert "Traceback" not in result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def ok(url: str, who: str | None, *args: str, input=None) -> str:
    result = cli(url, who, *args, input=input)
    assert result.exit_code == 0, result.output[:2000]
    return result.stdout


def refused(store: Store, who: str | None, *args: str, input=None, code: int = 2) -> str:
    """The command is refused with exit code 2 (bad input), one line "Error: <one sentence>" on
    stderr, nothing on stdout, and the database unchanged; returns the sentence."""
    before = snapshot(store)
    result = cli(store.url, who, *args, input=input)
    assert result.exit_code == code, (args, result.output[:2000])
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), (args, result.stderr[:2000])
    sentence = lines[0].removeprefix("Error: ")
    assert one_sentence(sentence), sentence
    assert snapshot(store) == before, f"{args} was refused but changed the database"
    return sentence


def shown(url: str, who: str, tid: int) -> dict:
    return json.loads(ok(url, who, "ticket", "show", str(tid), "--json"))


def varied_text(n: int, *, lines: bool = True) -> str:
    unit = "Ünïcødé ✓ 日本語 \t mixed text, <b>[bold]</b> 🙂" + ("\n" if lines else " ")
    return (unit * (n // len(unit) + 1))[:n]


# --- huge input: 10 MB messages are bounded by message_max_chars ---------------------------
def test_a_message_over_the_limit_is_refused_with_one_sentence_and_nothing_stored(desk: Desk) -> None:
    huge = "x" * TEN_MB
    tid, token = desk.taken()
    before = snapshot(desk.store)
    calls = {
        "message": lambda: sv.client_reply(desk.store, desk.john, tid, huge),
        "reply": lambda: sv.reply(desk.store, desk.alice, tid, huge, token=token),
        "internal comment": lambda: sv.reply(desk.store, desk.alice, tid, "ok", internal=huge, token=token),
        "draft": lambda: sv.save_draft(desk.store, desk.alice, tid, huge),
    }
    for what, call in calls.items():
        with pytest.raises(BadInput) as refusal:
            call()
        assert str(refusal.value) == f"The {what} is {TEN_MB} characters long; the limit is {DEFAULT_MAX}."
    with pytest.raises(BadInput, match=f"is {TEN_MB} characters long"):
        sv.open_ticket(desk.store, desk.john, "Billing", "Big", huge)
    with pytest.raises(BadInput, match=f"is {TEN_MB} characters long"):
        admin.add_reply_template(desk.store, "Huge", huge)
    assert snapshot(desk.store) == before
    # exactly the limit is taken
    at_limit = varied_text(DEFAULT_MAX)
    mid = sv.client_reply(desk.store, desk.john, tid, at_limit)
    assert [m.body for m in sv.peek(desk.store, desk.root, tid).messages if m.id == mid] == [at_limit]


def test_the_command_line_refuses_a_message_over_the_limit_from_a_file_or_stdin(
    desk: Desk, tmp_path: Path,
) -> None:
    tid, _ = desk.taken()
    big = tmp_path / "big.txt"
    big.write_text("y" * TEN_MB)
    want = f"The text in {{}} is longer than the limit of {DEFAULT_MAX} characters."  # read no further
    assert refused(desk.store, "alice", "ticket", "reply", str(tid), "--body-file", str(big)) == want.format(big)
    assert refused(desk.store, "alice", "ticket", "reply", str(tid), "--body-file", "-",
                   input=big.read_bytes()) == want.format("<stdin>")
    assert "longer than the limit" in refused(desk.store, JOHN, "ticket", "new", "--department",
                                              "Billing", "--subject", "s", "--body-file", str(big))
    # the text of a file must be UTF-8; --body and --body-file don't go together
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("café".encode("latin-1"))
    assert "not valid text" in refused(desk.store, "alice", "ticket", "reply", str(tid),
                                       "--body-file", str(bad))
    assert "not both" in refused(desk.store, "alice", "ticket", "reply", str(tid),
                                 "--body", "a", "--body-file", str(big))


def test_a_real_process_refuses_a_huge_message_on_stdin_without_a_traceback(desk: Desk) -> None:
    tid, _ = desk.taken()
    before = snapshot(desk.store)
    exe = str(Path(sys.executable).with_name("ticket-tui"))
    done = subprocess.run([exe, "--db", desk.store.url, "--as", "alice", "ticket", "reply", str(tid),
                           "--body-file", "-"], input=b"z" * TEN_MB, capture_output=True, timeout=120)
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.decode() == (
        f"Error: The text in <stdin> is longer than the limit of {DEFAULT_MAX} characters.\n")
    assert snapshot(desk.store) == before


def test_raising_the_setting_lets_a_10_mb_message_through_exactly(desk: Desk, tmp_path: Path) -> None:
    url = desk.store.url
    tid, _ = desk.taken()
    body = varied_text(TEN_MB)
    path = tmp_path / "ten.txt"
    path.write_bytes(body.encode("utf-8"))
    assert "longer than the limit" in refused(desk.store, "alice", "ticket", "reply", str(tid),
                                              "--body-file", str(path))
    ok(url, None, "settings", "set", "message_max_chars", str(2 * TEN_MB))
    assert ok(url, None, "settings", "get", "message_max_chars").strip().endswith(str(2 * TEN_MB))
    ok(url, "alice", "ticket", "reply", str(tid), "--body-file", str(path))
    [reply] = [m for m in shown(url, JOHN, tid)["messages"] if m["kind"] == "staff"]
    assert len(reply["body"]) == TEN_MB and reply["body"] == body
    stored = [m.body for m in sv.peek(desk.store, desk.root, tid).messages if m.kind == "staff"]
    assert hashlib.sha256(stored[0].encode()).digest() == hashlib.sha256(body.encode()).digest()


def test_a_1_mb_single_line_round_trips_and_ticket_show_prints_it(desk: Desk, tmp_path: Path) -> None:
    url = desk.store.url
    line = varied_text(DEFAULT_MAX, lines=False)
    path = tmp_path / "line.txt"
    path.write_text(line, encoding="utf-8")
    tid = int(ok(url, JOHN, "ticket", "new", "--department", "Technical support",
                 "--subject", "One long line", "--body-file", str(path)))
    assert shown(url, "alice", tid)["messages"][0]["body"] == line
    out = ok(url, "alice", "ticket", "show", str(tid))
    assert "Ünïcødé ✓ 日本語" in out
    assert max(len(x) for x in out.splitlines()) >= DEFAULT_MAX - 100  # printed, as one line


# --- attachments: names, empty files, the cap, files that vanish -----------------------------
HOSTILE_NAMES = [
    "../../etc/passwd", "..\\..\\windows\\win.ini", "..", ".", "/", "", "a/../../b.txt",
    "a\x00b\x1b[31m\x07\x9b\r\n.txt", "report\u202egpj.exe", "\u2067evil\u2069.sh",
    os.fsdecode(b"\xff\xfe-undecodable.txt"), "x" * 1000 + ".pdf", "é" * 1000,
    "日本語のファイル名" * 120 + ".tar.gz", "name." + "e" * 300,
]


def test_hostile_attachment_names_are_stored_safely_and_saved_inside_the_folder(
    desk: Desk, tmp_path: Path,
) -> None:
    from store.files import save_into
    from store.safe_text import printable

    files = [NewAttachment(name, f"file {k}".encode() * k) for k, name in enumerate(HOSTILE_NAMES)]
    tid = sv.open_ticket(desk.store, desk.john, "Billing", "Files", "see the files", attachments=files)
    stored = sv.peek(desk.store, desk.john, tid).messages[0].attachments
    assert len(stored) == len(files)
    folder = tmp_path / "out" / "chosen"
    folder.mkdir(parents=True)
    for att, f in zip(stored, files):
        name = att.name
        assert name and len(name) <= 255 and printable(name, one_line=True) == name, repr(name)
        assert not {"/", "\\"} & set(name) and name not in (".", "..")
        assert not any("\ud800" <= ch <= "\udfff" or ch in "\u202e\u2067\u2069" for ch in name)
        view, data = sv.attachment_data(desk.store, desk.john, att.id)
        assert data == f.data and view.sha256 == hashlib.sha256(f.data).hexdigest()
        for _ in range(2):  # the second is "name (2).ext": it too must fit in a file name
            path = save_into(folder, name, data)
            assert path.parent == folder.resolve() and path.read_bytes() == data
            assert len(path.name.encode()) <= 255
    assert len(list(folder.iterdir())) == 2 * len(files)
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["chosen"]  # nothing climbed out
    long_pdf = next(a.name for a in stored if a.name.startswith("xxx"))
    assert long_pdf.endswith(".pdf")


def test_an_empty_file_is_stored_and_saved_empty(desk: Desk, tmp_path: Path) -> None:
    from store.files import save_into

    tid = sv.open_ticket(desk.store, desk.john, "Billing", "Empty", "an empty file",
                         attachments=[NewAttachment("empty.log", b"")])
    [att] = sv.peek(desk.store, desk.bob, tid).messages[0].attachments
    assert att.size == 0 and att.sha256 == hashlib.sha256(b"").hexdigest()
    view, data = sv.attachment_data(desk.store, desk.bob, att.id)
    assert data == b"" and save_into(tmp_path, view.name, data).read_bytes() == b""


def test_a_file_over_the_cap_is_refused_clearly_and_nothing_is_stored(desk: Desk, tmp_path: Path) -> None:
    admin.set_setting(desk.store, "attachment_max_bytes", "1000")
    tid, token = desk.taken()
    before = snapshot(desk.store)
    small, big = NewAttachment("ok.txt", b"a" * 10), NewAttachment("../big\x1b.bin", b"b" * 1001)
    calls = [
        lambda: sv.client_reply(desk.store, desk.john, tid, "files", [small, big]),
        lambda: sv.reply(desk.store, desk.alice, tid, "files", attachments=[big], token=token),
        lambda: sv.reply(desk.store, desk.alice, tid, "", internal="note", attachments=[small, big],
                         charge="5", token=token),
        lambda: sv.open_ticket(desk.store, desk.john, "Billing", "s", "b", attachments=[big]),
    ]
    for call in calls:
        with pytest.raises(BadInput) as refusal:
            call()
        assert str(refusal.value) == "The file 'big_.bin' is 1001 bytes; the limit is 1000 bytes."
    assert snapshot(desk.store) == before
    path = tmp_path / "big.bin"
    path.write_bytes(big.data)
    sentence = refused(desk.store, "alice", "ticket", "reply", str(tid), "--body", "x", "--attach", str(path))
    assert sentence == "The file 'big.bin' is 1001 bytes; the limit is 1000 bytes."
    # exactly at the cap is taken
    sv.client_reply(desk.store, desk.john, tid, "at the cap", [NewAttachment("cap.bin", b"c" * 1000)])
    assert sv.peek(desk.store, desk.john, tid).messages[-1].attachments[0].size == 1000


def test_the_command_line_refuses_a_missing_file_in_one_sentence(desk: Desk, tmp_path: Path) -> None:
    tid, _ = desk.taken()
    gone = tmp_path / "chosen-then-removed.pdf"
    gone.write_bytes(b"soon gone")
    gone.unlink()
    reply = ["ticket", "reply", str(tid), "--body", "see attached"]
    assert refused(desk.store, "alice", *reply, "--attach", str(gone)) == (
        f"Can't read {gone}: No such file or directory.")
    assert "Is a directory" in refused(desk.store, "alice", *reply, "--attach", str(tmp_path))
    assert "No such file" in refused(desk.store, JOHN, "ticket", "new", "--department", "Billing",
                                     "--subject", "s", "--body", "b", "--attach", str(gone))


def test_the_command_line_takes_a_file_whose_name_is_not_utf8(desk: Desk, tmp_path: Path) -> None:
    tid, _ = desk.taken()
    path = tmp_path / os.fsdecode(b"r\xe9sum\xe9\x1b]0;x\x07.txt")
    path.write_bytes(b"latin-1 named file")
    ok(desk.store.url, "alice", "ticket", "reply", str(tid), "--body", "cv", "--attach", str(path))
    [att] = shown(desk.store.url, JOHN, tid)["messages"][-1]["attachments"]
    assert att["name"] == "r_sum__]0;x_.txt" and att["size"] == len(b"latin-1 named file")


def test_the_tui_reader_refuses_a_file_removed_after_it_was_chosen(tmp_path: Path) -> None:
    from tui.runtime.files import MissingFile, read_files

    kept, gone = tmp_path / "kept.txt", tmp_path / "gone.txt"
    kept.write_bytes(b"kept")
    gone.write_bytes(b"gone")
    field = f"{kept}; {gone}"
    assert [f.name for f in read_files(field, 100)] == ["kept.txt", "gone.txt"]
    gone.unlink()
    with pytest.raises(MissingFile) as refusal:
        read_files(field, 100)
    assert str(refusal.value) == f"There is no readable file at {gone}."
    assert one_sentence(str(refusal.value))
    assert read_files(" ; ", 100) == []


# --- every command checks its input: one plain sentence, exit code 2, no change ---------------
T = "{tid}"  # the ticket's id, filled in by the test
ALICE, ROOT, LONG = "alice", "root", "x" * 201
BAD_INPUT = [
    # dates
    (ALICE, "ticket", "delay", T, "--until", "someday"),
    (ALICE, "ticket", "delay", T, "--until", "2026-13-01"),
    (ALICE, "ticket", "delay", T, "--until", "31/12/2030"),
    (ALICE, "ticket", "delay", T, "--until", ""),
    (ALICE, "ticket", "delay", T, "--until", "2001-01-01"),
    (ALICE, "ticket", "delay", T, "--until", "-3d"),
    (ALICE, "ticket", "delay", T, "--until", "99999d"),
    (ALICE, "ticket", "delay", T, "--until", "0001-01-01"),
    (ALICE, "ticket", "delay", T, "--until", "9999-12-31T23:59:59-05:00"),
    (ALICE, "ticket", "delay", T, "--until", "2030-01-01T25:00"),
    (ALICE, "ticket", "delay", T, "--until", "2030-01-01\x00"),
    (ALICE, "ticket", "delay", T),
    # amounts
    *[(ALICE, "ticket", "reply", T, "--body", "Done.", "--charge", bad)
      for bad in ("-5", "0", "-0", "abc", "1.234", "nan", "inf", "-inf", "1e400", "1,50", "",
                  " ", "12.5.0", "100000000.01", "0x10", "1e-5", "1e2", "\u0661\u0662", "١٢.٥٠")],
    # counts
    (ALICE, "ticket", "reply", T, "--body", "Done.", "--incidents", "-1"),
    (ALICE, "ticket", "reply", T, "--body", "Done.", "--incidents", "1001"),
    (ALICE, "ticket", "reply", T, "--body", "Done.", "--incidents", "abc"),
    (ALICE, "ticket", "reply", T, "--body", "Done.", "--incidents", str(2**63)),
    (ALICE, "ticket", "list", "--limit", "-1"),
    (ALICE, "ticket", "show", "abc"),
    (ALICE, "ticket", "show", "-1x"),
    (None, "settings", "set", "message_max_chars", "0"),
    (None, "settings", "set", "message_max_chars", "lots"),
    (None, "settings", "set", "attachment_max_bytes", "-1"),
    (None, "settings", "set", "lock_timeout_minutes", "-5"),
    (None, "settings", "set", "use_priority", "maybe"),
    (None, "settings", "set", "no_such_setting", "1"),
    (None, "seed", "--tickets", "-5"),
    # emails
    *[(None, "client", "add", bad, "--name", "Someone")
      for bad in ("not-an-email", "a@b", "a b@c.example", "@example.com", "x@", "a@b@c.example",
                  "x" * 250 + "@example.com", "a\x00@example.com", "a\x1b[2J@example.com", "")],
    (None, "service", "add", "--client", "not-an-email", "--name", "VPS"),
    (ALICE, "ticket", "list", "--filter-client", "not an email"),
    # lengths and one-line texts
    (JOHN, "ticket", "new", "--department", "Billing", "--subject", LONG, "--body", "b"),
    (JOHN, "ticket", "new", "--department", "Billing", "--subject", "", "--body", "b"),
    (JOHN, "ticket", "new", "--department", "Billing", "--subject", "two\nlines", "--body", "b"),
    (JOHN, "ticket", "new", "--department", "Billing", "--subject", "s", "--body", "   "),
    (None, "department", "add", "d" * 101),
    (None, "department", "add", "  "),
    (None, "staff", "add", "Bad Login", "--name", "Bad"),
    (None, "staff", "add", "l" * 64, "--name", "Long"),
    (None, "staff", "add", "newbie", "--name", "n" * 201),
    (None, "client", "add", "new@example.com", "--name", "n" * 201),
    (None, "client", "add", "new@example.com", "--name", "N", "--comment", "c" * 10_001),
    (None, "service", "add", "--client", JOHN, "--name", "s" * 201),
    (None, "service", "add", "--client", JOHN, "--name", "Dom", "--kind", "domain", "--domain", "not a domain"),
    (None, "service", "add", "--client", JOHN, "--name", "Dom", "--kind", "domain"),
    (None, "reply-template", "add", "t" * 201, "--body", "b"),
    (None, "reply-template", "add", "Title", "--body", " "),
    (None, "reply-template", "add", "Title", "--body", "b" * 120_000),  # over a lowered limit
    (ALICE, "ticket", "summary", T, "s" * 2001),
    (ALICE, "ticket", "abuse", T, "--kind", "k" * 51, "--description", "d"),
    (ALICE, "ticket", "abuse", T, "--kind", "spam", "--description", " "),
    (ALICE, "ticket", "abuse", T, "--kind", "spam", "--description", "d" * 20_001),
    (ALICE, "ticket", "reply", T, "--body", "a\x00b"),
    (ALICE, "ticket", "reply", T),
    (ALICE, "ticket", "reply", T, "--body", "Done.", "--priority", "high"),  # priorities are off
    (JOHN, "ticket", "reply", T, "--body", "x", "--charge", "5"),
    (ALICE, "ticket", "assign", T),
]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def shared_desk(request, tmp_path_factory):
    """One help desk per database for all the refusals: none of them may change it."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('refusals') / 'tickets.db'}"
    else:
        cluster = request.getfixturevalue("pg_cluster")
        template = request.getfixturevalue("pg_template")
        name = f"tt_refusals_{os.getpid()}"
        cluster.admin_sql(f"CREATE DATABASE {name} TEMPLATE {template}")
        url = cluster.url(name)
    store = Store.open(url)
    desk = make_desk(store)
    tid, _ = desk.taken()
    admin.set_setting(store, "message_max_chars", "100000")
    yield store, tid
    store.close()
    if request.param == "postgresql":
        cluster.admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.parametrize("case", BAD_INPUT, ids=lambda c: " ".join(str(a)[:24] for a in c[1:]))
def test_every_command_refuses_bad_input_in_one_sentence_and_changes_nothing(shared_desk, case) -> None:
    store, tid = shared_desk
    who, *args = case
    args = [a.replace(T, str(tid)) for a in args]
    before = snapshot(store)
    result = cli(store.url, who, *args)
    assert result.exit_code == 2, (args, result.output[-2000:])
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", result.stderr), repr(result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and errors[0] == result.stderr.splitlines()[-1], result.stderr
    assert one_sentence(errors[0]), errors[0]
    if not result.stderr.startswith("Usage:"):  # click's own usage errors show the usage first
        assert len(result.stderr.splitlines()) == 1, result.stderr
    assert snapshot(store) == before, f"{args} was refused but changed the database"
