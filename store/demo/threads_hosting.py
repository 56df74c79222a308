"""The conversations about shared web hosting: PHP versions, backups, charsets, staging,
logins and database errors."""

from __future__ import annotations

from datetime import timedelta

from .clock import days, hours, mins
from .desk import Desk

# Each script is a ticket's life: d.open / d.say are the client; d.reply / d.ok / d.note ... are
# staff (by login). `yield` waits before the next step.


def t_php83(d: Desk):
    tid = d.open("greta", "Technical support", "Is PHP 8.3 available on Starter hosting?",
                 """
                 Hi! The shop plugin I want to use needs PHP 8.3. My site runs 8.1. Can I switch,
                 and will anything break?

                 Greta
                 """, service="greta-hosting", priority="low")
    yield hours(1) + mins(40)
    d.ok("lena.fischer", tid, """
        Hi Greta,

        yes: in the control panel go to Websites > nordicyarn.example > PHP and pick 8.3. The
        switch is instant and you can go back the same way. WordPress 6.x and current plugins
        work fine on 8.3; very old plugins may show warnings, so have a quick look at the site
        afterwards.

        Best wishes,
        Lena Fischer
        Technical support
        """, incidents=0)
    yield hours(20)
    d.read(tid)
    yield days(3)
    d.archive(tid)


def t_restore_gallery(d: Desk):
    tid = d.open("lucas", "Technical support", "Restore the deleted wedding gallery from backup",
                 """
                 Hi,

                 I deleted the "Weddings 2024" gallery by mistake while cleaning up the media
                 library (about 300 photos). It was there a week ago. Can you restore it from a
                 backup? Only /wp-content/uploads/2024/ and the gallery pages, please, not the
                 whole site: I've posted new work since.

                 Lucas
                 """, service="lucas-hosting", priority="high")
    yield hours(1)
    d.reply("lena.fischer", tid, """
        Hi Lucas,

        we keep daily backups for 14 days, so last week's is there. A partial restore (files plus
        selected pages) is done by hand and costs EUR 15.00. Shall I go ahead?

        Lena
        """)
    yield mins(25)
    d.say(tid, "Yes please, go ahead.")
    yield hours(1) + mins(15)
    d.ok("lena.fischer", tid, """
        Done: /wp-content/uploads/2024/ is restored from the backup of 7 days ago (312 files, 1.4 GB)
        and the three gallery pages are back as drafts, so you can check them before
        publishing. Nothing else on the site was touched. The EUR 15.00 is charged on this
        ticket.

        Lena
        """, charge="15.00", incidents=2)
    yield hours(2)
    d.read(tid)
    yield mins(20)
    d.say(tid, "All there. You saved my week, thank you!")
    yield mins(30)
    d.ok("lena.fischer", tid)
    yield days(1)
    d.archive(tid)


def t_cjk_charset(d: Desk):
    tid = d.open("meilin", "Technical support", "Chinese product names show as ???? on our shop",
                 """
                 Hello,

                 on lotus-tea.example all our product names in Chinese turn into question marks
                 after saving. For example 西湖龙井 (West Lake Longjing) is shown as "????", and
                 铁观音 as "???". English text is fine. The emoji in our banner 🍵 also became
                 "?". We just moved the shop from our old host.

                 Thank you,
                 Chen Meilin (陈美琳)
                 """, service="meilin-hosting", priority="normal")
    yield hours(6) + mins(20)
    d.reply("sofia.reyes", tid, """
        Hello Meilin,

        this is the database's character set: the tables were imported as "utf8" (MySQL's old
        three-byte UTF-8), which can't store emoji, and the import also converted them through
        latin1, which turned the Chinese characters into "?". The text already saved as "????"
        can't be recovered from the database, but your old host's export file still has it.

        Could you attach that export (the .sql file), or tell me where you uploaded it?

        Sofia Reyes
        Technical support
        """)
    yield hours(9)
    d.say(tid, """
        It's in the home folder: lotus-backup-full.sql (about 80 MB). Thank you 🙏
        """)
    yield hours(2) + mins(10)
    d.ok("sofia.reyes", tid, """
        Hello Meilin,

        done. I converted the database to utf8mb4 (real four-byte UTF-8) and re-imported the
        products from your export with the right character set. 西湖龙井, 铁观音 and the 🍵
        in the banner all show correctly now; please check a few products.

        For reference, the settings now in place on your database server:

            [client]
            default-character-set = utf8mb4

            [mysqld]
            character-set-server = utf8mb4
            collation-server = utf8mb4_unicode_ci

        and in wp-config.php: define('DB_CHARSET', 'utf8mb4');

        Sofia
        """, incidents=2)
    yield hours(8)
    d.read(tid)
    yield days(2)
    d.archive(tid)


def t_staging_copy(d: Desk):
    tid = d.open("amara", "Technical support", "Can we get a staging copy of the shop?",
                 """
                 Hello,

                 before our winter sale we want to try a new theme without risking the live shop.
                 Could you set up a copy of the shop we can play with?

                 Amara
                 """, service="amara-hosting", priority="low")
    yield hours(2)
    d.reply("sofia.reyes", tid, """
        Hello Amara,

        sure. Business Plus includes one staging site. Before I create it: should the copy
        include the customer and order data, or would you rather have it anonymised (names,
        addresses and emails replaced)? For testing a theme, anonymised is safer and what
        we'd recommend.

        Sofia
        """)
    yield hours(5)
    d.read(tid)
    yield days(1)
    d.client_draft(tid, "Anonymised is fine, but please keep the product")


def t_backup_retention(d: Desk):
    tid = d.open("pablo", "Technical support", "How long are backups kept now?",
                 """
                 Dear Sir or Madam,

                 now that the Premium backup add-on is cancelled, how long are the standard
                 backups of my hosting kept, and how often are they made? I need this for our
                 data-protection records.

                 Pablo Herrera
                 """, service="pablo-hosting", priority="low")
    yield hours(2) + mins(20)
    d.reply("sofia.reyes", tid, """
        Dear Mr Herrera,

        standard backups of Business hosting are made daily at about 01:00 UTC and kept for
        14 days, in a second data centre in the same country (Frankfurt). Files and databases
        are both included; mailboxes are backed up separately and kept for 7 days.

        For your records, our data-processing agreement (section 6) describes this; I can send
        it as a PDF if you need it.

        Kind regards,
        Sofia Reyes
        Technical support
        """, incidents=0)
    yield hours(4)
    d.read(tid)


def t_slow_from_china(d: Desk):
    tid = d.open("meilin", "Technical support", "Shop very slow for customers in China",
                 """
                 Hello,

                 customers in Hangzhou say lotus-tea.example takes 20-30 seconds to load, and
                 sometimes the pictures never appear. In Leeds it is fast. Can you help? 我们在中国的
                 客户说网站很慢。

                 Meilin
                 """, service="meilin-hosting", priority="normal")
    yield hours(7)
    d.reply("sofia.reyes", tid, """
        Hello Meilin,

        your shop loads three resources from services that are blocked or very slow in
        mainland China: Google Fonts, a Google Maps embed on the contact page, and the
        YouTube video on the home page. The browser waits for them until it gives up, which is
        the 20-30 seconds.

        Serving the fonts from your own site and replacing the map and video with images (with
        a link) should fix most of it. Would you like us to do the fonts part for you?

        Sofia
        """)
    yield hours(10)
    d.say(tid, """
        Yes please do the fonts! I will replace the map and the video myself this weekend.
        谢谢 🙂
        """)


def t_lost_2fa(d: Desk):
    tid = d.open("lucas", "Technical support", "Can't log in to the control panel: lost my phone (2FA)",
                 """
                 Hi,

                 my phone was stolen and with it the authenticator app. Now I can't log in to the
                 control panel. How can I get back in?

                 Lucas
                 """, priority="normal")
    yield hours(2)
    d.reply("marek.novak", tid, """
        Hi Lucas,

        sorry to hear about your phone. For your security we can only remove two-factor login
        after verifying that it's really you. Please reply with:

        1. the last four digits of the card you pay with, and
        2. the amount of your last invoice.

        Then I'll reset it and you can set up the authenticator on your new phone.

        Marek Novák
        Technical support
        """, incidents=0, priority="low")
    yield hours(5)
    d.say(tid, "Card ending 2203. The last invoice was EUR 8.28, I think.")
    yield mins(20)
    d.note("marek.novak", tid, """
        Card 2203 matches. Last invoice was EUR 9.48, not 8.28 (8.28 was the one before).
        Close enough? Asking for a photo ID before resetting, given the recent compromise.
        """)


def t_pci_question(d: Desk):
    d.open("ruth", "Technical support", "Is our shop PCI compliant on your hosting?",
           """
           Hi,

           our card processor asks us to fill in a PCI DSS self-assessment. We take card
           payments through their hosted payment page, nothing is stored on our site. What
           should we answer about the hosting?

           Ruth Adeyemi
           """, service="ruth-hosting", priority="low")
    yield timedelta(0)


def t_db_connection(d: Desk):
    tid = d.open("harriet", "Technical support", "Website shows \"Error establishing a database connection\"",
                 """
                 Hello,

                 our website colesbakery.example only shows "Error establishing a database
                 connection" since about half an hour. Today's orders for cakes come in through
                 the site! I didn't touch anything. Please help as soon as possible.

                 Harriet Cole
                 """, service="harriet-hosting", priority="urgent")
    yield mins(12)
    d.note("marek.novak", tid, """
        Placing first: Harriet's cake orders for today come in through the site (see client
        comment). MySQL on web-23 restarted at 10:02 after a disk-full alert; her database
        user may have lost its grant. Lena, please take it.
        """, top=True)
    d.unlock("marek.novak", tid)
    d.assign("marek.novak", tid, staff="lena.fischer")
    yield mins(8)
    d.take("lena.fischer", tid)
    d.draft("lena.fischer", tid, """
        Hello Harriet,

        I'm looking at your website right now. The database server your site uses had a
        problem this morning and
        """)
    yield mins(15)
    d.say(tid, """
        I also tried to call, the line was busy. The site still doesn't work.
        """)
    d.client_draft(tid, "One more thing: the contact form")


def t_sftp_login(d: Desk):
    d.open("pablo", "Technical support", "SFTP login fails since the password change",
           """
           Dear Sir or Madam,

           since I changed the hosting password yesterday, FileZilla reports "Authentication
           failed" for SFTP (host sftp.herrera-legal.example, user herrera). The new password
           works for the control panel.

           Pablo Herrera
           """, service="pablo-hosting", priority="normal")
    yield timedelta(0)
