"""A fixed help desk with response targets for the TUI's tests of them (the Due column, the
Overdue view, the due times of the ticket form): at NOW one ticket is overdue, one due within
the warning window, one due later, and one (Billing, no policy) has no targets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from store import admin
from store import service as sv
from store.sla import policy
from tests.desk import Desk, make_desk
from tests.snapshot_apps import NOW, FakeClock

TECH = "Technical support"


@dataclass
class SlaTickets:
    late: int  # first response due 30 minutes before NOW
    soon: int  # due 40 minutes after NOW (the warning window is 60)
    later: int  # low priority: due 3 h 50 after NOW
    untargeted: int  # Billing has no policy


def build_sla_desk(store, clock: FakeClock) -> tuple[Desk, SlaTickets]:
    desk = make_desk(store)
    admin.set_setting(store, "use_priority", "true")
    policy.set_policy(store, TECH, None, 60, 60)
    policy.set_policy(store, TECH, "low", 240)

    def opened_at(minutes_before: int, subject: str, **kw) -> int:
        clock.freeze(NOW - timedelta(minutes=minutes_before))
        return sv.open_ticket(store, desk.john, kw.pop("department", TECH), subject,
                              "Please have a look.", **kw)

    late = opened_at(90, "Site down since the update")
    soon = opened_at(20, "Mail bounces with 550 relay denied")
    later = opened_at(10, "How long are backups kept?", priority="low")
    untargeted = opened_at(5, "Invoice address change", department="Billing")
    clock.freeze(NOW)
    return desk, SlaTickets(late, soon, later, untargeted)
