"""The demo desk's response targets (issue 19): business hours and policies per department, set
before the first ticket so that every due time comes from the three weeks of history, and the
queue at the demo's end shows tickets overdue and nearly due.

Technical support is always open (hosting breaks at night too), so what its queue shows at the
end does not depend on the weekday the demo is built; the other departments keep office hours
in their own zones, one with a Saturday and a holiday."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..db import Store
from ..sla.hours import set_hours
from ..sla.policy import set_policy

# department, zone, week lines (no zone: always open)
HOURS = (
    ("Billing", "Europe/Berlin", ("mon-fri 08:00-18:00",)),
    ("Domains", "Europe/London", ("mon-fri 08:00-20:00", "sat 10:00-14:00")),
    ("Abuse desk", "UTC", ("mon-sun 07:00-23:00",)),
)
# department, priority, first response, next response, resolution (minutes of business time)
POLICIES = (
    ("Technical support", "any", 360, 480, None),
    ("Technical support", "low", 1440, 1440, None),
    ("Technical support", "high", 240, 240, None),
    ("Technical support", "urgent", 30, 60, 480),
    ("Billing", "any", 480, 480, 5 * 600),
    ("Domains", "any", 720, 720, None),
    ("Abuse desk", "any", 120, None, None),
)


def set_targets(store: Store, end: datetime) -> None:
    """Hours and policies as an administrator sets them; Billing's holiday is a weekday of the
    demo's first week (a day its clocks stand still)."""
    first_week = end.date() - timedelta(days=18)
    holiday = first_week + timedelta(days=(2 - first_week.weekday()) % 7)  # a Wednesday
    for name, zone, week in HOURS:
        set_hours(store, name, zone, week, [holiday.isoformat()] if name == "Billing" else [])
    for department, priority, first, nxt, resolution in POLICIES:
        set_policy(store, department, priority, first, nxt, resolution)
