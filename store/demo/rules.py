"""The demo desk's response rules (issue 19), added once its three weeks of history are written
(they shape the tickets that come next, not the past): route certificate questions, deal the
Technical support queue out, put chasers first, answer at night."""

from __future__ import annotations

from ..db import Store
from ..rules.manage import add_rule


def add_demo_rules(store: Store) -> None:
    add_rule(store, None, "Abuse reports to the abuse desk", words=["abuse", "spam", "phishing"],
             assign_department="Abuse desk", priority="high", stop=True)
    add_rule(store, None, "Invoices to Billing", words=["invoice", "refund", "payment"],
             department="Technical support", assign_department="Billing")
    add_rule(store, None, "Deal Technical support out", department="Technical support",
             round_robin=True)
    add_rule(store, None, "In debt: tell the team", balance_below="0",
             comment="The client's balance is below zero: check Billing before extra work.")
    add_rule(store, None, "Chasers first", on="client-message", words=["again", "still", "urgent"],
             top=True)
