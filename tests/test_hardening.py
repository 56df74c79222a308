"""Hardening: huge input bounded by a setting, attachment edge cases, and every command's input
checked with one plain sentence and no change to the data (issue 10).

Crashes are in test_crash.py; hostile text in test_hostile_text.py.
"""

from __future__ import annotations

import hashlib
import json
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
    want = f"The reply is {TEN_MB} characters long; the limit is {DEFAULT_MAX}."
    assert refused(desk.store, "alice", "ticket", "reply", str(tid), "--body-file", str(big)) == want
    assert refused(desk.store, "alice", "ticket", "reply", str(tid), "--body-file", "-",
                   input=big.read_bytes()) == want
    assert "characters long" in refused(desk.store, JOHN, "ticket", "new", "--department", "Billing",
                                        "--subject", "s", "--body-file", str(big))
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
        f"Error: The reply is {TEN_MB} characters long; the limit is {DEFAULT_MAX}.\n")
    assert snapshot(desk.store) == before


def test_raising_the_setting_lets_a_10_mb_message_through_exactly(desk: Desk, tmp_path: Path) -> None:
    url = desk.store.url
    tid, _ = desk.taken()
    body = varied_text(TEN_MB)
    path = tmp_path / "ten.txt"
    path.write_bytes(body.encode("utf-8"))
    assert "characters long" in refused(desk.store, "alice", "ticket", "reply", str(tid),
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
