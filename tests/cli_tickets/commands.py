"""Running the ticket commands as a staff member or a client: to success, or to a refusal that
must leave the database as it was."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from store.db import Store
from tests.snapshot import snapshot as store_snapshot
from ticket_tui import main

TS, BILLING = "Technical support", "Billing"
JOHN = "john@example.com"


def run(url: str, who: str | None, *args: str):
    ident = [] if who is None else ["--client", who] if "@" in who else ["--as", who]
    result = CliRunner().invoke(main, ["--db", url, *ident, *args])
    assert "Traceback" not in result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def ok(url: str, who: str | None, *args: str) -> str:
    result = run(url, who, *args)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result.stdout


def as_json(url: str, who: str, *args: str):
    return json.loads(ok(url, who, *args, "--json"))


def snapshot(url: str) -> dict[str, list[tuple]]:
    """Every row of the database at `url`."""
    store = Store.open(url, migrate=False)
    try:
        return store_snapshot(store)
    finally:
        store.close()


def refused(url: str, code: int, who: str | None, *args: str) -> str:
    """Runs a command that must be refused with this exit code; returns its stderr sentence."""
    before = snapshot(url)
    result = run(url, who, *args)
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    if code == 1:
        assert len(lines) == 1, result.stderr
    assert lines and lines[-1].startswith("Error: "), result.stderr
    assert snapshot(url) == before, f"{args} was refused but changed the database"
    return lines[-1]


def new_ticket(url: str, subject: str = "Site down", body: str = "example.com is down",
               department: str = TS) -> int:
    out = ok(url, JOHN, "ticket", "new", "--department", department, "--subject", subject, "--body", body)
    assert re.fullmatch(r"\d+\n", out), out
    return int(out)


def taken(url: str, staff: str = "alice") -> int:
    tid = new_ticket(url)
    assert ok(url, staff, "ticket", "take", str(tid)) == f"Ticket #{tid} is assigned to you.\n"
    return tid


def show(url: str, who: str, tid: int) -> dict:
    return as_json(url, who, "ticket", "show", str(tid))


def listed(url: str, who: str, *args: str) -> dict[int, dict]:
    return {t["id"]: t for t in as_json(url, who, "ticket", "list", *args)}
