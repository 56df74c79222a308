"""The Domains conversations: propagation, cancelling, renewing, transferring, aliases,
subdomains and external name servers."""

from __future__ import annotations

from .clock import days, hours, mins
from .desk import Desk
from .people import ADMIN

# Each script is a ticket's life: d.open / d.say are the client; d.reply / d.ok / d.note ... are
# staff (by login). `yield` waits before the next step.


def t_dns_propagation(d: Desk):
    tid = d.open("sanne", "Domains", "Website still shows the old host after moving DNS",
                 """
                 Hello,

                 yesterday afternoon I changed the A record of devries-architects.example to
                 your server (192.0.2.80), as in your welcome email. My colleagues in the office
                 see the new site, but on my phone and at home I still get the old one from our
                 previous provider. Did I do something wrong?

                 Sanne de Vries
                 """, service="devries", priority="normal")
    yield hours(1) + mins(30)
    d.reply("olivia.grant", tid, """
        Hello Sanne,

        nothing is wrong with your change: the record is correct on our name servers. What you
        see is the old record still cached. Your previous provider had a TTL of 86400 seconds
        (24 hours) on it, so resolvers that looked it up before your change may keep the old
        address for up to a day.

        From here:

            $ dig +short devries-architects.example @ns1.example-hosting.example
            192.0.2.80
            $ dig devries-architects.example @8.8.8.8 | grep -A1 'ANSWER SECTION'
            ;; ANSWER SECTION:
            devries-architects.example. 41877 IN A 198.51.100.17

        Google's resolver still has the old address for another 41877 seconds (about 11.6
        hours). By tomorrow morning everyone will see the new site. On your phone, switching
        from Wi-Fi to mobile data (or back) often helps sooner.

        Kind regards,
        Olivia Grant
        Domains
        """)
    yield hours(5)
    d.read(tid)
    yield hours(14)
    d.say(tid, """
        Good morning, everything shows the new site now, including my phone. Thank you for
        the explanation, I learned something!
        """)
    yield mins(40)
    d.ok("olivia.grant", tid, """
        Wonderful, thanks for letting us know. Closing the ticket.

        Olivia
        """)
    yield hours(3)
    d.read(tid)
    yield days(2)
    d.archive(tid)


def t_cancel_domain(d: Desk):
    tid = d.open("kwame", "Domains", "Cancel the unused domain mensah-old.example",
                 """
                 Hello,

                 we no longer use mensah-old.example (old company name). Please don't renew it
                 next month. Nothing points to it any more.

                 Kwame Mensah
                 """, service="mensah-old", priority="low")
    yield hours(4)
    d.ok("tom.becker", tid, """
        Hello Kwame,

        auto-renewal of mensah-old.example is off; the domain stays active until its expiry
        date and is then released. You won't be invoiced for it again. If you change your mind
        before it expires, just reply here.

        Best regards,
        Tom Becker
        Domains
        """)
    yield hours(6)
    d.read(tid)
    yield hours(3)
    d.archive(tid)


def t_autorenew_failed(d: Desk):
    tid = d.open("ana", "Domains", "Domain popescu-dental.example expires soon, auto-renew failed",
                 """
                 Hello,

                 I received an email that the automatic renewal of popescu-dental.example failed
                 and that the domain expires in 6 days. Our whole practice website and email
                 depend on it! What do I need to do?

                 Dr. Ana Popescu
                 """, service="popescu-dental", priority="high")
    yield hours(1)
    d.reply("olivia.grant", tid, """
        Hello Dr. Popescu,

        don't worry, there is still plenty of time, and the domain stays yours. The renewal
        failed because of the payment, not the domain itself, so I'm passing the ticket to our
        Billing colleagues, who will sort it out with you here.

        Kind regards,
        Olivia Grant
        Domains
        """)
    d.assign("olivia.grant", tid, department="Billing")
    d.close("olivia.grant", tid)
    yield mins(50)
    d.reply("priya.nair", tid, """
        Hello Dr. Popescu,

        the card on file (Visa ending 4417) expired last month, so the renewal payment of
        EUR 14.90 was declined. Please add a new card under Billing > Payment methods; I'll
        then renew the domain straight away.

        Best regards,
        Priya Nair
        Billing
        """)
    yield hours(3)
    d.say(tid, "I added the new card just now (Mastercard ending 0932).")
    yield mins(20)
    d.ok("priya.nair", tid, """
        Thank you. The renewal went through: popescu-dental.example is renewed for one year,
        and the EUR 14.90 is charged on this ticket. Auto-renewal will use the new card from
        now on.

        Priya
        """, charge="14.90")
    yield hours(2)
    d.read(tid)


def t_transfer_in(d: Desk):
    tid = d.open("greta", "Domains", "Transfer nordicyarn.example from my old registrar",
                 """
                 Hello,

                 I'd like to move nordicyarn.example to you so everything is in one place. The
                 old registrar gave me this code: Xq7#vT2p!mK9. What else do I need to do?

                 Greta Svensson
                 """, service="nordicyarn", priority="normal")
    yield hours(2)
    d.reply("olivia.grant", tid, """
        Hello Greta,

        thank you, the code is valid and I've started the transfer. Your old registrar will
        send you an email asking to confirm it; please click "approve" there, otherwise the
        transfer completes by itself after five days.

        Your website and email keep working throughout: the name servers don't change.

        Kind regards,
        Olivia Grant
        Domains
        """, internal="Transfer order TR-55120 sent to the registry. Old registrar: ACK pending.")
    yield hours(6)
    d.read(tid)
    yield hours(1)
    d.say(tid, "I haven't received any email from them. Should I wait?")
    yield mins(30)
    d.reply("olivia.grant", tid, """
        Yes, nothing to do: some registrars don't send the confirmation email at all. The
        registry completes the transfer automatically at the end of the five days. I'll check
        on it then and write to you.

        Olivia
        """)
    d.unlock("olivia.grant", tid)
    d.delay("olivia.grant", tid, d.clock.end + days(2) + hours(3))
    yield hours(4)
    d.read(tid)


def t_alias_domain(d: Desk):
    tid = d.open("meilin", "Domains", "Add lotus-tea.test as an alias of our shop",
                 """
                 Hello,

                 we also registered lotus-tea.test with you. Could it show the same shop as
                 lotus-tea.example? Thank you!

                 Meilin
                 """, service="lotus-tea", priority="low")
    yield hours(7)
    d.ok("olivia.grant", tid, """
        Hello Meilin,

        done: lotus-tea.test now redirects (301) to https://lotus-tea.example, including all
        paths, so search engines see one shop and not two copies. A certificate for the alias
        is issued too.

        Kind regards,
        Olivia Grant
        Domains
        """)


def t_shop_subdomain(d: Desk):
    tid = d.open("greta", "Domains", "Point shop.nordicyarn.example to my online shop",
                 """
                 Hi,

                 my shop provider says I should create a CNAME "shop" pointing to
                 shops.example-commerce.example. Can you do that for me? I'm afraid of breaking
                 something.

                 Greta
                 """, service="nordicyarn", priority="low")
    yield hours(3)
    d.ok("olivia.grant", tid, """
        Hi Greta,

        done, nothing else was touched:

            shop.nordicyarn.example.  3600  IN  CNAME  shops.example-commerce.example.

        It can take up to an hour before your shop provider sees it. The domain transfer you
        started doesn't affect this: your DNS zone stays with us either way.

        Olivia
        """)


def t_external_dns(d: Desk):
    tid = d.open("sanne", "Domains", "Use Cloudflare name servers for devries-architects.example",
                 """
                 Hello,

                 our new IT partner wants to manage DNS at Cloudflare. Could you change the name
                 servers of devries-architects.example to ada.ns.example-cdn.example and
                 bob.ns.example-cdn.example? Will our email keep working?

                 Sanne
                 """, service="devries", priority="normal")
    yield hours(20)
    d.look(ADMIN, tid)
    d.draft(ADMIN, tid, """
        Hello Sanne,

        we can change the name servers for you. Before we do: the new zone at Cloudflare must
        contain all your current records, especially the MX and the DKIM record, or your email
        will stop. I'll send you the full list of records
        """, internal="Check with Olivia: their DKIM key is rotated monthly by our relay.")
