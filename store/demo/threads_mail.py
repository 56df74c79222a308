"""The conversations about email: mailboxes, the spam folder (and the invoice question split
from it), forwarding, quotas and bounces."""

from __future__ import annotations

from datetime import timedelta

from .clock import days, hours, mins
from .desk import Desk
from .files import pdf_file, text_file, tidy

# Each script is a ticket's life: d.open / d.say are the client; d.reply / d.ok / d.note ... are
# staff (by login). `yield` waits before the next step.


def t_new_mailbox(d: Desk):
    tid = d.open("harriet", "Technical support", "How do I add an email address for my new assistant?",
                 """
                 Hello,

                 I've hired an assistant, Jamie, and she needs her own email,
                 jamie@colesbakery.example. How do I do that? I'm not very good with computers,
                 sorry!

                 Harriet
                 """, service="harriet-hosting", priority="low")
    yield hours(1) + mins(5)
    d.ok("lena.fischer", tid, """
        Hello Harriet,

        no need to apologise! Here is how, step by step:

        1. Log in to the control panel and click "Email" in the left menu.
        2. Click the green "New mailbox" button.
        3. Type "jamie" in the first box (the domain is already filled in).
        4. Choose a password, or click "Generate" and write it down for Jamie.
        5. Click "Create".

        Jamie can then read her mail at https://webmail.colesbakery.example with her address
        and that password. If she wants it on her phone, reply here and I'll send the settings.

        Best wishes,
        Lena Fischer
        Technical support
        """, incidents=0)
    yield hours(6)
    d.read(tid)
    yield days(2)
    d.archive(tid)


NEWSLETTER = """\
Here is the template our newsletter plugin (ShopMailer) sends, in its own tag syntax:

    [bold]Autumn sale: 20% off all linen[/bold]
    Dear {first_name},
    our new [italic]Harmattan[/italic] collection is here.
    [link=http://shop.amara-textiles.example/sale]Shop the sale[/link]
    [red]Only until Sunday![/red]
    ---
    [link=http://x]Unsubscribe[/link] | [small]Amara Textiles, 12 Weaver Lane[/small]

(The [link=http://x] one is what the plugin's documentation shows; ours fills in the real
unsubscribe address when it sends.)"""


def t_spam_folder(d: Desk):
    tid = d.open("amara", "Technical support",
                 "Order confirmation emails land in spam (Gmail and Outlook)",
                 """
                 Hello,

                 customers keep telling us that our order confirmations and the newsletter end
                 up in their spam folder, at Gmail and Outlook alike. It started a couple of weeks
                 ago. We send from the shop (WooCommerce) as orders@amara-textiles.example, and
                 the newsletter from the ShopMailer plugin. This is costing us sales, please help.

                 Amara Okafor
                 """, service="amara-textiles", priority="high")
    yield mins(55)
    d.reply("sofia.reyes", tid, """
        Hello Amara,

        let's find out why. Could you send us the full headers of one message that landed in
        spam? In Gmail: open the message, the three dots > "Show original", and copy everything.

        Meanwhile I checked your DNS:

            $ dig +short TXT amara-textiles.example
            "v=spf1 include:_spf.example-hosting.example ~all"
            $ dig +short TXT default._domainkey.amara-textiles.example
            (nothing)
            $ dig +short TXT _dmarc.amara-textiles.example
            (nothing)

        So SPF is there, but there is no DKIM signature and no DMARC policy. Since 2024
        Gmail and Outlook treat bulk senders without DKIM and DMARC much more harshly.

        Sofia Reyes
        Technical support
        """)
    yield hours(2) + mins(30)
    d.say(tid, """
        Headers attached. I don't really understand what DKIM is, but if you can set it up,
        please do.
        """, files=(text_file("original-message-headers.txt", """
            Delivered-To: customer@example.com
            Received: from shop.amara-textiles.example (shop.amara-textiles.example [192.0.2.141])
                    by mx.example.com with ESMTPS id 5b1f0c2e;
            Authentication-Results: mx.example.com;
                   spf=softfail (domain of transitioning orders@amara-textiles.example does not designate 192.0.2.141 as permitted sender) smtp.mailfrom=orders@amara-textiles.example;
                   dkim=none;
                   dmarc=none (p=NONE sp=NONE dis=NONE) header.from=amara-textiles.example
            From: Amara Textiles <orders@amara-textiles.example>
            Subject: Your order #18842 is confirmed
            X-Mailer: WooCommerce 8.9 / PHPMailer 6.9.1
            """),))
    yield mins(45)
    d.note("sofia.reyes", tid, """
        The shop sends directly from the web server 192.0.2.141 (PHP mail), not through our
        relay, and that IP isn't in the SPF include. Fix: SMTP through our relay + DKIM + DMARC.
        """)
    yield mins(5)
    d.reply("sofia.reyes", tid, """
        Thank you, that shows the problem clearly. Your shop hands the mail straight out from
        the web server (192.0.2.141), and that address is not allowed by your SPF record, so
        Gmail sees "softfail". On top of that there is no DKIM signature, which is like a seal
        on the envelope proving the mail really comes from you.

        I have now:

        1. turned on DKIM signing for amara-textiles.example in our mail relay and published
           the key in DNS (default._domainkey.amara-textiles.example);
        2. added a DMARC record in monitoring mode: "v=DMARC1; p=none;
           rua=mailto:dmarc@amara-textiles.example".

        One thing only you can do: in WooCommerce, install "WP Mail SMTP" and set it to send
        through smtp.example-hosting.example, port 587, with the mailbox
        orders@amara-textiles.example and its password. Then every mail goes through our
        relay and gets signed.

        Sofia
        """)
    yield hours(20)
    d.read(tid)
    yield hours(1)
    d.say(tid, tidy("""
        I did the WP Mail SMTP part and sent a test order to my Gmail: it arrived in the inbox!

        The newsletter still goes to spam though. Maybe it's the template?
        """) + "\n" + NEWSLETTER + "\n\nAmara")
    yield hours(1) + mins(20)
    d.reply("sofia.reyes", tid, """
        The template itself is fine: those tags are turned into HTML before the mail leaves.
        The problem is where ShopMailer sends from: it has its own mail setting and still uses
        PHP mail. In ShopMailer > Settings > Delivery choose "SMTP" with the same values as WP
        Mail SMTP.

        Also, for a newsletter, Gmail now requires a one-click unsubscribe header
        (List-Unsubscribe-Post). ShopMailer 4.2 and later adds it when "One-click unsubscribe"
        is ticked in the same settings page.

        Sofia
        """)
    yield hours(4)
    msg = d.say(tid, """
        Unrelated, sorry: could you also send me the invoice for the upgrade to Business Plus
        with our new company name "Amara Textiles Ltd"? Our accountant needs it this week.
        """)
    yield mins(25)
    new = d.split("sofia.reyes", tid, msg)
    d.tickets["amara-invoice"] = new
    d.take("sofia.reyes", new)
    d.assign("sofia.reyes", new, department="Billing")
    d.close("sofia.reyes", new)
    d.spawn(t_invoice_split, hours(2) + mins(40))
    yield mins(5)
    d.reply("sofia.reyes", tid, """
        I've moved your invoice question to a separate ticket for our Billing team, so it
        doesn't get lost in the email discussion; they'll answer you there.

        Sofia
        """)
    yield hours(18)
    d.say(tid, """
        ShopMailer now sends through SMTP, one-click unsubscribe is on, and this morning's
        newsletter landed in the inbox at Gmail, Outlook and GMX. Thank you so much, Sofia!
        """)
    yield mins(50)
    d.reply("sofia.reyes", tid, """
        That's great news. One last step for later: in two or three weeks, when the DMARC
        reports show that all your mail passes, change the policy from p=none to
        p=quarantine, which protects your domain from people sending fake mail in your name.
        I've set a reminder for us and will do it with you.

        Sofia
        """)
    yield mins(10)
    d.ok("sofia.reyes", tid)
    d.summary("sofia.reyes", tid, "Deliverability fixed: DKIM + DMARC p=none, shop and ShopMailer "
              "through our SMTP relay. Later: move DMARC to p=quarantine.")
    yield hours(7)
    d.read(tid)


def t_invoice_split(d: Desk):  # the Billing side of the split question above
    tid = d.tickets["amara-invoice"]
    d.look("tom.becker", tid)
    yield mins(20)
    d.ok("tom.becker", tid, """
        Hello Amara,

        here is the invoice for the upgrade to Business Plus, made out to Amara Textiles Ltd.
        Future invoices will carry the new name as well.

        Best regards,
        Tom Becker
        Billing
        """, files=(pdf_file("invoice-INV-21163-amara-textiles-ltd.pdf", [
            "Example Hosting Ltd - INVOICE INV-21163",
            "Bill to: Amara Textiles Ltd, Amara Okafor, 12 Weaver Lane",
            "",
            "Upgrade Business hosting -> Business Plus (pro rata, 17 days)   EUR 9.63",
            "",
            "Subtotal EUR 9.63   VAT 20% EUR 1.93   Total EUR 11.56",
            "Paid by card on file. Thank you!",
        ]),))
    yield timedelta(0)


def t_forwarding(d: Desk):
    tid = d.open("ruth", "Technical support", "Forwarding of info@ to Gmail stopped working",
                 """
                 Hi,

                 mail to info@adeyemi-books.test was forwarded to my Gmail until last week. Now
                 nothing arrives there, although I changed nothing.

                 Ruth Adeyemi
                 """, service="ruth-hosting", priority="normal")
    yield hours(1) + mins(30)
    d.reply("lena.fischer", tid, """
        Hi Ruth,

        Gmail started rejecting the forwarded mail because it fails SPF once it's passed on
        from our server. I've switched your forwarding to SRS (sender rewriting), which is
        the standard fix: forwarded mail now arrives with our server as the sender, and Gmail
        accepts it. I sent a test mail, and it arrived.

        Could you confirm that new mail shows up in your Gmail?

        Lena Fischer
        Technical support
        """)
    yield hours(3)
    d.say(tid, "Yes, mail is coming in again. Thanks, Lena!")
    yield mins(15)
    d.ok("lena.fischer", tid)
    yield hours(20)
    d.read(tid)
    d.archive(tid)


def t_mailbox_quota(d: Desk):
    tid = d.open("sanne", "Technical support", "Mailbox full: please increase the quota to 10 GB",
                 """
                 Hello,

                 my mailbox sanne@devries-architects.example is full (5 GB) and clients' emails
                 with drawings bounce. Can you make it 10 GB? Whatever it costs.

                 Sanne
                 """, service="sanne-hosting", priority="high")
    yield mins(45)
    d.ok("lena.fischer", tid, """
        Hello Sanne,

        done: your mailbox now has 10 GB. The extra 5 GB cost EUR 3.00 a month; this month's
        amount is charged on this ticket. Bounced messages won't come back by themselves, so
        you may want to ask the senders of the last hour to send again.

        Tip: large drawings are better shared as download links (Nextcloud, WeTransfer) than
        as attachments; they fill mailboxes quickly.

        Lena Fischer
        Technical support
        """, charge="3.00", incidents=0)


def t_contact_form(d: Desk):
    tid = d.open("ana", "Technical support", "Appointment form on our website sends no emails",
                 """
                 Hello,

                 patients fill in the appointment form on popescu-dental.example, they see "Thank
                 you", but we never receive the request by email. It worked until the renewal
                 last week, I think.

                 Ana Popescu
                 """, service="ana-hosting", priority="high")
    yield hours(1) + mins(20)
    d.reply("lena.fischer", tid, """
        Hello Dr. Popescu,

        I checked the mail log of your website. The form (Contact Form 7) sends as
        "wordpress@popescu-dental.example", a mailbox that doesn't exist, and sends to
        office@popescu-dental.example, which rejects it because of that missing sender:

            status=bounced (host mx.popescu-dental.example said: 550 5.1.0
            <wordpress@popescu-dental.example>: Sender address rejected)

        The fix: in WordPress > Contact > Contact forms > Appointment > Mail, set "From" to
        office@popescu-dental.example. Would you like me to change that for you?

        Lena Fischer
        Technical support
        """)
    yield hours(4)
    d.say(tid, "Yes please, I don't want to break anything.")
    yield mins(30)
    d.reply("lena.fischer", tid, """
        Changed, and I sent a test appointment request: it arrived in office@ within a
        minute. Could you check that you see it too ("Test - please ignore")?

        The requests from the last few days are unfortunately lost; they were never
        delivered. Patients who asked for an appointment since the renewal may be waiting for
        an answer.

        Lena
        """)


def t_bounce_550(d: Desk):
    tid = d.open("ana", "Technical support", "Emails to patients bounce with 550 5.7.1",
                 """
                 Hello,

                 since this morning many of our emails to patients come back with:

                     550 5.7.1 Service unavailable, Client host [192.0.2.77] blocked using
                     Spamhaus. To request removal from this list see https://www.spamhaus.example

                 We send appointment reminders from office@popescu-dental.example. Please help,
                 we have 40 appointments tomorrow.

                 Ana Popescu
                 """, service="ana-hosting", priority="high")
    yield mins(50)
    d.take("sofia.reyes", tid)
    d.draft("sofia.reyes", tid, """
        Hello Dr. Popescu,

        the address in the bounce, 192.0.2.77, is one of our shared mail servers, not your
        account. Another customer on that server was sending spam this morning and the whole
        address was listed. I have moved your outgoing mail to
        """, internal="Move popescu-dental to relay pool B; ask Rafael about the spammer on mx-77.")
