"""Conversations that come by mail (issue 18): a stranger writing to the support address, a
client's HTML-only mail to billing, and a reply whose mail bounced off a full mailbox; and the
post office that sends the desk's answers as the weeks go by."""

from __future__ import annotations

from pathlib import Path

from ..mail.sending import send_pass
from .clock import hours, mins
from .desk import Desk
from .people import MAILBOXES
from .post import DemoPostOffice

(SUPPORT, _), (BILLING, _) = MAILBOXES


def post_office(folder: Path | None):
    """Every two hours the desk's outbox goes to the demo's post office (a Maildir beside the
    demo database); without a folder (a demo on PostgreSQL) the mail stays queued."""
    def t_post_office(d: Desk):
        if folder is None:
            return
        office = DemoPostOffice(folder)
        try:
            while True:
                send_pass(d.store, now=d.now, connection=office)
                if d.now + hours(2) > d.clock.end:
                    return  # the last two hours' answers are still queued when the demo opens
                yield hours(2)
        finally:
            office.close()
    return t_post_office


def t_mail_contact_form(d: Desk):
    tid = d.mail_in("Nadia Berg <nadia@berg-ceramics.example>", SUPPORT,
                    "Contact form on my site sends nothing", """
                    Hello,

                    I'm new here (moved the shop from another host last week). The contact form
                    on berg-ceramics.example says "sent", but nothing ever arrives in my inbox.

                    Nadia
                    """)
    yield hours(1) + mins(20)
    d.reply("marek.novak", tid, """
        Hello Nadia,

        welcome! The form sends through PHP's mail(), which our servers only accept from an
        address of your own domain. Please set the form's sender to
        webshop@berg-ceramics.example (Settings > Mail in your form plugin) and try again.

        Best regards,
        Marek Novák
        Technical support
        """)
    yield hours(3)
    d.mail_in("Nadia Berg <nadia@berg-ceramics.example>", SUPPORT,
              f"Re: Contact form on my site sends nothing [#{tid}]", """
              That was it, the test message arrived. Thank you!

              > welcome! The form sends through PHP's mail(), which our servers only accept
              > from an address of your own domain.
              """, answering=tid)
    yield mins(40)
    d.ok("marek.novak", tid, "Glad it works. Have a good week!")


def t_mail_html_invoice(d: Desk):
    tid = d.mail_in("Jonas Albrecht <jonas@albrecht-it.test>", BILLING, "Rechnung doppelt?",
                    """
                    <html><body><p>Hallo,</p>
                    <p>we were charged <b>twice</b> for the VPS this month:</p>
                    <ul><li>INV-21877, EUR 32.00</li><li>INV-21878, EUR 32.00</li></ul>
                    <p>Could you refund one of them?<br>Jonas</p></body></html>
                    """, html=True)
    yield hours(2)
    d.reply("priya.nair", tid, """
        Hello Jonas,

        you are right: INV-21878 was a duplicate of INV-21877 after a payment retry. I have
        cancelled it; the EUR 32.00 go back to your card within five working days.

        Kind regards,
        Priya Nair
        Billing
        """, internal="Duplicate from the payment retry of the 3rd; cancelled in the panel.")


def t_mail_full_mailbox(d: Desk):
    tid = d.mail_in("Greta Svensson <greta@nordicyarn.example>", SUPPORT,
                    "Webmail keeps sending me back to the login", """
                    Hi, since this morning webmail logs me in and then shows the login page
                    again. Other browsers do the same. Greta
                    """)
    yield hours(1)
    d.reply("lena.fischer", tid, """
        Hi Greta,

        your mailbox is at 100% of its 2 GB, and webmail can't save your session then. Please
        delete a few large mails from another device (or ask us for more space) and log in
        again.

        Lena Fischer
        Technical support
        """)
    yield hours(2) + mins(5)
    d.note("lena.fischer", tid, "Our reply bounced: her mailbox is full (552). Called her; she "
           "will clear space tonight.")
