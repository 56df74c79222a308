"""The help desk the ticket command tests run against, on SQLite and PostgreSQL.

Each command is run once to success and at least once to a refusal; a refusal exits 1 (a rule)
or 2 (bad input) with one sentence on stderr, and the whole database is compared before and
after it to prove that nothing was written (commands.py).
"""

from __future__ import annotations

import pytest

from store import admin
from store.db import Store
from tests.cli_tickets.commands import BILLING, JOHN, TS


@pytest.fixture
def url(db_url: str) -> str:
    """A help desk: root (admin), alice and carol (Technical support), bob (Billing), john."""
    store = Store.open(db_url)
    try:
        admin.add_department(store, TS)
        admin.add_department(store, BILLING)
        admin.add_staff(store, "root", "Root Admin", admin=True)
        admin.add_staff(store, "alice", "Alice Smith", [TS])
        admin.add_staff(store, "carol", "Carol Jones", [TS])
        admin.add_staff(store, "bob", "Bob Brown", [BILLING])
        admin.add_client(store, JOHN, "John Doe")
    finally:
        store.close()
    return db_url
