"""A macro against the same work done by hand (issue 20): the same tickets, staff member and
database, in the same run.

    .venv/bin/python -m bench.macro_apply [--tickets 200] [--rounds 3]

Each round opens 2 x N tickets (SQLite, a fresh file) and takes them. Half are answered by hand
as an agent would without macros, each step its own service call and transaction: the
predefined reply filled in (render_template), reply with an internal comment, delay 3 days,
assign to Billing, close (the baseline). The other half get one apply_macro each doing all of
it in one transaction. The rounds alternate which goes first. Not a test: the numbers depend on
the machine.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import timedelta

from store import admin
from store import service as sv
from store.actors import client_actor, staff_actor
from store.clock import utcnow
from store.db import Store
from store.macros import add_macro

TS, BILLING, CLIENT = "Technical support", "Billing", "john@example.com"
COMMENT = "web-2 replaced"


def _desk(store: Store) -> int:
    admin.add_department(store, TS)
    admin.add_department(store, BILLING)
    admin.add_staff(store, "agent", "Alex Agent", [TS])
    admin.add_client(store, CLIENT, "John Doe")
    tpl = admin.add_reply_template(store, "Fixed", "Hello {client.name}, ticket #{ticket.id} works.")
    add_macro(store, "Fixed", "Fixed", close=True, delay_days=3, assign_department=BILLING,
              comment=COMMENT)
    return tpl.id


def _taken(store: Store, agent, n: int) -> list[tuple[int, str]]:
    client = client_actor(store, CLIENT)
    out = []
    for i in range(n):
        tid = sv.open_ticket(store, client, TS, f"Outage {i}", "Our site is down.")
        out.append((tid, sv.take(store, agent, tid).token))
    return out


def _by_hand(store: Store, agent, template_id: int, tickets) -> float:
    started = time.perf_counter()
    for tid, token in tickets:
        text = sv.render_template(store, agent, template_id, tid)
        sv.reply(store, agent, tid, text, internal=COMMENT, token=token)
        sv.delay(store, agent, tid, utcnow() + timedelta(days=3))
        sv.assign(store, agent, tid, department=BILLING)
        sv.close(store, agent, tid, token=token)
    return time.perf_counter() - started


def _with_macro(store: Store, agent, tickets) -> float:
    started = time.perf_counter()
    for tid, token in tickets:
        sv.apply_macro(store, agent, tid, "Fixed", token=token)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    hand, macro = [], []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{tmp}/bench.db")
        try:
            template_id = _desk(store)
            agent = staff_actor(store, "agent")
            for r in range(args.rounds):
                first, second = _taken(store, agent, args.tickets), _taken(store, agent, args.tickets)
                if r % 2 == 0:
                    hand.append(_by_hand(store, agent, template_id, first))
                    macro.append(_with_macro(store, agent, second))
                else:
                    macro.append(_with_macro(store, agent, first))
                    hand.append(_by_hand(store, agent, template_id, second))
        finally:
            store.close()
    h, m = statistics.median(hand), statistics.median(macro)
    n = args.tickets
    print(f"SQLite, {n} tickets a side, median of {args.rounds} rounds")
    print(f"by hand (5 calls, 5 transactions): {h:.2f} s ({n / h:.0f} tickets/s)")
    print(f"apply_macro (1 call, 1 transaction): {m:.2f} s ({n / m:.0f} tickets/s)")
    print(f"macro / by hand: {m / h:.2f}x")


if __name__ == "__main__":
    main()
