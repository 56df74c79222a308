"""The conversations about certificates: an expired one, mixed content and a wildcard."""

from __future__ import annotations

from datetime import timedelta

from .clock import hours, mins
from .desk import Desk
from .files import text_file

# Each script is a ticket's life: d.open / d.say are the client; d.reply / d.ok / d.note ... are
# staff (by login). `yield` waits before the next step.


def t_ssl_expired(d: Desk):
    tid = d.open("fatima", "Technical support", "SSL certificate expired on booking.atlas-travel.example",
                 """
                 Hello,

                 since this morning browsers show "Your connection is not private" on
                 booking.atlas-travel.example: the certificate expired yesterday. It's supposed to
                 renew automatically with certbot on our VPS. Customers can't book! The certbot
                 log is attached.

                 Fatima El Idrissi
                 Atlas Travel
                 """, service="atlas-vps", priority="high",
                 files=(text_file("letsencrypt.log", f"""
                    {d.date(0)} 03:12:44,117:DEBUG:certbot._internal.main:certbot version: 2.9.0
                    {d.date(0)} 03:12:44,118:DEBUG:certbot._internal.main:Arguments: ['renew', '--quiet']
                    {d.date(0)} 03:12:46,903:DEBUG:acme.client:Storing nonce: 0101B2kN8rE
                    {d.date(0)} 03:12:51,330:INFO:certbot._internal.auth_handler:Challenge failed for domain booking.atlas-travel.example
                    {d.date(0)} 03:12:51,331:DEBUG:certbot._internal.auth_handler:Reporting to user: The following errors were reported by the server:

                    Domain: booking.atlas-travel.example
                    Type:   connection
                    Detail: 2001:db8:4a1::17: Fetching http://booking.atlas-travel.example/.well-known/acme-challenge/q0V7v7sQ: Timeout during connect (likely firewall problem)
                    {d.date(0)} 03:12:51,402:ERROR:certbot._internal.renewal:Failed to renew certificate booking.atlas-travel.example with error: Some challenges have failed.
                    """),))
    yield mins(30)
    d.reply("kenji.watanabe", tid, """
        Hello Fatima,

        the log shows the cause: Let's Encrypt checks your site over IPv6 first, and
        booking.atlas-travel.example has an AAAA record pointing to 2001:db8:4a1::17, an
        address that is no longer on your VPS (it belonged to the server you had before the
        move). The check times out there and the renewal fails.

        Two options:

        1. remove the AAAA record (your VPS has IPv6 2001:db8:4a1::9c if you want to use it:
           then change the record to that instead);
        2. then run `certbot renew --force-renewal` on the VPS.

        If you'd like, I can fix the DNS record from here: just reply "yes".

        Kenji Watanabe
        Technical support
        """)
    yield mins(20)
    d.say(tid, "Yes please, change it to the new IPv6. I'm not at my laptop.")
    yield mins(15)
    d.reply("kenji.watanabe", tid, """
        Changed: booking.atlas-travel.example AAAA 2001:db8:4a1::9c (TTL 300). I also ran the
        renewal on your VPS with your permission; the new certificate is valid for 90 days and
        nginx has been reloaded. The site is reachable over https again.

        Kenji
        """, internal="""
        Ran certbot renew --force-renewal as root on booking-api (client agreed in the ticket).
        Renewal OK, nginx -t OK, reloaded.
        """)
    yield hours(1)
    d.say(tid, """
        Thank you!! It works on my phone. Will it renew by itself next time?
        """)
    yield mins(40)
    d.ok("kenji.watanabe", tid, """
        Yes: the certbot timer runs twice a day and renews 30 days before expiry, and now the
        challenge can reach your server. A dry run to be sure:

            $ certbot renew --dry-run
            Congratulations, all simulated renewals succeeded:
              /etc/letsencrypt/live/booking.atlas-travel.example/fullchain.pem (success)

        Closing the ticket.

        Kenji
        """, incidents=0)


def t_mixed_content(d: Desk):
    tid = d.open("amara", "Technical support", "Padlock missing on the checkout page",
                 """
                 Hello,

                 on the checkout page the browser shows "not fully secure" instead of the
                 padlock. Customers have asked whether it's safe to pay.

                 Amara
                 """, service="amara-hosting", priority="high")
    yield mins(40)
    d.reply("lena.fischer", tid, """
        Hello Amara,

        the checkout page loads the payment provider's logo over plain http
        (http://cdn.pay-example.example/logo.png). The browser calls that "mixed content". It
        doesn't make the payment itself unsafe (the card form is https), but it removes the
        padlock. I've changed the image address in the theme to https; the padlock is back.

        Please check it in a private window and let me know.

        Lena Fischer
        Technical support
        """)


def t_wildcard_cert(d: Desk):
    d.open("sanne", "Technical support", "Wildcard certificate for *.devries-architects.example",
           """
           Hello,

           we'd like a wildcard certificate for our project subdomains
           (projects.devries-architects.example, client1.devries-architects.example...). Is
           that possible with your Let's Encrypt integration?

           Sanne
           """, service="sanne-hosting", priority="low")
    yield timedelta(0)
