"""`ticket merge SOURCE --into TARGET [--yes]`: the locks or an administrator, one client unless
an administrator confirms, `merged_into` in show and list JSON, the client's one ticket."""

from __future__ import annotations

from store import admin
from store.db import Store
from tests.cli_tickets.commands import JOHN, as_json, listed, new_ticket, ok, refused, show, taken
from tests.cli_tickets.json_shape import check_show_json, check_ticket_json


def test_merge_needs_both_locks_then_leaves_a_stub(url: str) -> None:
    target, source = taken(url), taken(url)
    ok(url, "alice", "ticket", "reply", str(source), "--body", "On it")
    assert "lock of both" in refused(url, 1, "carol", "ticket", "merge", str(source), "--into",
                                     str(target))
    refused(url, 1, "alice", "ticket", "merge", str(source), "--into", str(source))
    refused(url, 1, "alice", "ticket", "merge", str(source), "--into", "999")
    refused(url, 1, JOHN, "ticket", "merge", str(source), "--into", str(target))
    refused(url, 2, "alice", "ticket", "merge", str(source))  # no --into
    out = ok(url, "alice", "ticket", "merge", str(source), "--into", str(target))
    assert out == f"Ticket #{source} was merged into #{target}.\n"
    stub, merged = show(url, "root", source), show(url, "root", target)
    check_show_json(stub)
    assert stub["merged_into"] == target and stub["status"] == f"Merged into #{target}"
    assert merged["merged_into"] is None
    assert [m["merged_from"] for m in merged["messages"] if m["body"] == "On it"] == [source]
    rows = listed(url, "root", "--view", "all")
    check_ticket_json(rows[source])
    assert rows[source]["merged_into"] == target and rows[target]["merged_into"] is None
    assert list(listed(url, JOHN)) == [target]
    assert "merged into" in refused(url, 1, "alice", "ticket", "merge", str(target), "--into",
                                    str(source))


def test_two_clients_need_an_administrator_who_confirms(url: str) -> None:
    store = Store.open(url)
    try:
        admin.add_client(store, "mary@example.org", "Mary Major")
    finally:
        store.close()
    target = new_ticket(url)
    out = ok(url, "mary@example.org", "ticket", "new", "--department", "Billing", "--subject",
             "Invoice", "--body", "wrong")
    source = int(out)
    assert "confirm" in refused(url, 1, "root", "ticket", "merge", str(source), "--into", str(target))
    ok(url, "root", "ticket", "merge", str(source), "--into", str(target), "--yes")
    assert as_json(url, "mary@example.org", "ticket", "list") == []
