"""`ticket rate` and `report` from the command line (SQLite; the operator's url on PostgreSQL,
so the rules checked are the store's)."""

from __future__ import annotations

import csv
import io

from tests.cli_tickets.commands import JOHN, TS, as_json, ok, refused, taken


def answered(url: str) -> tuple[int, int]:
    tid = taken(url)
    ok(url, "alice", "ticket", "reply", str(tid), "--body", "Fixed.", "--internal", "note")
    messages = as_json(url, "alice", "ticket", "show", str(tid))["messages"]
    reply = next(m["id"] for m in messages if m["kind"] == "staff")
    internal = next(m["id"] for m in messages if m["kind"] == "internal")
    return reply, internal


def test_rate_and_refusals(url: str) -> None:
    reply, internal = answered(url)
    assert ok(url, JOHN, "ticket", "rate", str(reply), "good") == f"Reply #{reply} rated good.\n"
    assert ok(url, JOHN, "ticket", "rate", str(reply), "bad", "--comment", "slow") \
        == f"Reply #{reply} rated bad.\n"
    assert "not a rating" in refused(url, 2, JOHN, "ticket", "rate", str(reply), "meh")
    assert "limit is 1000" in refused(url, 2, JOHN, "ticket", "rate", str(reply), "good",
                                      "--comment", "x" * 1001)
    refused(url, 1, JOHN, "ticket", "rate", str(internal), "good")
    refused(url, 1, "alice", "ticket", "rate", str(reply), "good")


def test_report_json_csv_and_table(url: str) -> None:
    reply, _ = answered(url)
    ok(url, JOHN, "ticket", "rate", str(reply), "good")
    data = as_json(url, "root", "report")
    assert set(data) == {"from", "to", "departments", "staff", "days"}
    tech = next(d for d in data["departments"] if d["name"] == TS)
    assert (tech["opened"], tech["first_responded"], tech["replies"], tech["ratings_good"],
            tech["overdue"]) == (1, 1, 1, 1, None)
    assert [s["login"] for s in data["staff"]] == ["alice"]
    assert len(data["days"]) == 30 and data["days"][-1]["created"] == 1
    # alice heads nothing: the ratings are not hers to read.
    mine = as_json(url, "alice", "report", "--department", TS)
    assert [d["name"] for d in mine["departments"]] == [TS]
    assert mine["departments"][0]["ratings_good"] is None
    rows = list(csv.DictReader(io.StringIO(ok(url, "root", "report", "--csv"))))
    assert {r["part"] for r in rows} == {"department", "staff", "day"}
    assert "ratings_good" not in ok(url, "alice", "report", "--csv").splitlines()[0]
    table = ok(url, "root", "report", "--from", "2020-01-01", "--to", "2020-01-02")
    assert table.startswith("Report 2020-01-01 .. 2020-01-02") and "good" in table
    assert "good" not in ok(url, "alice", "report")


def test_report_refusals(url: str) -> None:
    assert "not a date" in refused(url, 2, "root", "report", "--from", "yesterday")
    assert "after it ends" in refused(url, 2, "root", "report", "--from", "2026-02-01",
                                      "--to", "2026-01-01")
    refused(url, 2, "root", "report", "--json", "--csv")
    refused(url, 1, "bob", "report", "--department", TS)
    refused(url, 1, JOHN, "report")
