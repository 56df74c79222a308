"""The Billing conversations that sell something: a managed database, an upgrade and extra
resources for a sale week."""

from __future__ import annotations

from .clock import days, hours, mins
from .desk import Desk
from .people import ADMIN

# Each script is a ticket's life: d.open / d.say are the client; d.reply / d.ok / d.note ... are
# staff (by login). `yield` waits before the next step.


def t_managed_postgres(d: Desk):
    tid = d.open("dmitri", "Billing", "Managed PostgreSQL: price for 50 GB?",
                 """
                 Hello,

                 after all the trouble with the VPS we're thinking of moving the analytics
                 database to a managed PostgreSQL. What would 50 GB with daily backups cost?

                 Dmitri
                 """, priority="normal")
    yield hours(3)
    d.reply("tom.becker", tid, """
        Hello Dmitri,

        thank you for asking! Our managed PostgreSQL plans launch next week and the final
        prices aren't published yet. I'll come back to you on this ticket as soon as they are,
        with a quote for 50 GB and daily backups (plus point-in-time recovery, which I'd
        recommend for your use).

        Best regards,
        Tom Becker
        Billing
        """, internal="Sales lead (see client comment). Pricing sheet due next week.")
    d.unlock("tom.becker", tid)
    d.delay("tom.becker", tid, d.clock.end + days(5) + hours(1))
    yield hours(6)
    d.read(tid)


def t_upgrade_xl32(d: Desk):
    tid = d.open("oliver", "Billing", "Upgrade game VPS to XL-32 for the tournament season",
                 """
                 Hi,

                 we're hosting a league from next week and need more headroom. What would an
                 upgrade from XL-16 to XL-32 cost for the rest of this month?

                 Oliver
                 """, service="brandt-vps", priority="normal")
    yield hours(2)
    d.reply("priya.nair", tid, """
        Hi Oliver,

        XL-16 is EUR 64.00 and XL-32 EUR 124.00 a month, so EUR 60.00 more. For the 20 days left
        in your billing period the difference is EUR 40.00. Shall I go ahead? The upgrade itself
        is done by our technical team with about 5 minutes of downtime.

        Priya Nair
        Billing
        """)
    yield hours(1)
    d.say(tid, "Yes, please, and do it tonight at 04:00 UTC if possible, no games running then.")
    yield mins(25)
    d.ok("priya.nair", tid, """
        Charged EUR 40.00 on this ticket. The upgrade is scheduled for tonight at 04:00 UTC.

        Priya
        """, charge="40.00")
    yield hours(5)
    d.read(tid)


def t_black_friday(d: Desk):
    tid = d.open("amara", "Billing", "Temporary extra resources for our winter sale week?",
                 """
                 Hello,

                 last year the shop was very slow during our winter sale. It starts in about
                 three weeks; can we get more resources just for that week, and what would it cost?

                 Amara
                 """, service="amara-hosting", priority="normal")
    yield hours(1) + mins(30)
    d.reply("tom.becker", tid, """
        Hello Amara,

        yes: we can double the CPU and memory of your Business Plus plan for a week, at
        EUR 15.00 for the week. The switch is instant, without downtime. I'll get back to you
        ten days before the sale starts to set the dates.

        Tom Becker
        Billing
        """)
    d.unlock("tom.becker", tid)
    d.delay("tom.becker", tid, d.clock.end + days(9) + hours(6))
    yield hours(2)
    d.look(ADMIN, tid)
    d.favorite(ADMIN, tid)
