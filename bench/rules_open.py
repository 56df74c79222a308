"""What response rules cost a new ticket (issue 19): opening tickets with ten rules watching
(two of them firing: a round-robin and an internal comment) against opening them with none, in
the same database and run.

    .venv/bin/python -m bench.rules_open [--tickets 200] [--rounds 3]

Each round opens N tickets with no rules (the baseline) and N with the rules (SQLite, a fresh
file; rules run inline in the client's transaction); the rounds alternate which goes first. Not
a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from store import admin
from store import service as sv
from store.actors import client_actor
from store.db import Store
from store.rules.manage import add_rule, list_rules, remove_rule

TS, BILLING, CLIENT = "Technical support", "Billing", "john@example.com"


def _desk(store: Store) -> None:
    admin.add_department(store, TS)
    admin.add_department(store, BILLING)
    for login in ("ann", "ben", "cid"):
        admin.add_staff(store, login, login.title(), [TS])
    admin.add_client(store, CLIENT, "John Doe")


def _rules(store: Store, on: bool) -> None:
    for rule in list_rules(store):
        remove_rule(store, None, rule.name)
    if not on:
        return
    for n in range(8):  # watching, never firing: words nobody writes
        add_rule(store, None, f"quiet {n}", words=[f"zebra{n}", f"quartz{n}"], top=True)
    add_rule(store, None, "deal", department=TS, round_robin=True)
    add_rule(store, None, "note", client_domain="example.com", comment="Known client.")


def _open(store: Store, n: int) -> float:
    client = client_actor(store, CLIENT)
    started = time.perf_counter()
    for i in range(n):
        sv.open_ticket(store, client, TS, f"Outage {i}", "Our site is down since this morning.")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    bare, ruled = [], []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{tmp}/bench.db")
        try:
            _desk(store)
            for r in range(args.rounds):
                for on in ((False, True) if r % 2 == 0 else (True, False)):
                    _rules(store, on)
                    (ruled if on else bare).append(_open(store, args.tickets))
        finally:
            store.close()
    b, w = statistics.median(bare), statistics.median(ruled)
    n = args.tickets
    print(f"SQLite, {n} tickets opened a side, median of {args.rounds} rounds")
    print(f"no rules: {b:.2f} s ({1000 * b / n:.1f} ms a ticket)")
    print(f"10 rules, 2 firing: {w:.2f} s ({1000 * w / n:.1f} ms a ticket)")
    print(f"with rules / without: {w / b:.2f}x")


if __name__ == "__main__":
    main()
