"""Bugs found and fixed: amounts beyond 32 bits, ids beyond the integer columns, dates near 9999."""

from __future__ import annotations

from tests.cli_tickets.commands import new_ticket, refused, run, show, taken


def test_a_charge_too_large_for_the_columns_is_taken_or_refused_cleanly(url: str) -> None:
    tid = taken(url)
    for amount in ("50000000", "20000000", "20000000"):  # each valid: at most 100000000.00
        result = run(url, "alice", "ticket", "reply", str(tid), "--body", "x", "--charge", amount)
        assert result.exit_code == 0, result.output


def test_a_ticket_id_beyond_the_integer_columns_is_not_found(url: str) -> None:
    tid = new_ticket(url)
    for big in (2**31, 10**20):
        assert "There is no ticket" in refused(url, 1, "alice", "ticket", "show", str(big))
        assert "no message" in refused(url, 1, "alice", "ticket", "edit-message", str(big), "--body", "x")
    assert show(url, "alice", tid)["id"] == tid


def test_a_delay_date_out_of_range_in_utc_is_refused(url: str) -> None:
    tid = new_ticket(url)
    refused(url, 2, "alice", "ticket", "delay", str(tid), "--until", "9999-12-31T23:59:59-05:00")
