"""The Abuse desk's conversations: a hacked WordPress with a phishing kit, spam from a VPS,
brute force and someone impersonating a client."""

from __future__ import annotations

from .clock import hours, mins
from .desk import Desk
from .files import png_file, text_file
from .people import ADMIN

# Each script is a ticket's life: d.open / d.say are the client; d.reply / d.ok / d.note ... are
# staff (by login). `yield` waits before the next step.


def t_hacked_wordpress(d: Desk):
    tid = d.open("lucas", "Technical support", "My website redirects visitors to a casino site",
                 """
                 Hi,

                 HELP: when I open moreau-photo.example on my phone from Google it jumps to some
                 casino site! On my laptop it looks normal. A client told me this morning.
                 Screenshot attached. What is happening??

                 Lucas
                 """, service="lucas-hosting", priority="urgent",
                 files=(png_file("screenshot-phone.png", 120, 200, seed=88, kind="screen"),))
    yield mins(18)
    d.reply("sofia.reyes", tid, """
        Hi Lucas,

        that's the typical sign of a hacked WordPress: the malware only redirects visitors who
        come from Google on a phone, so the owner doesn't notice. I'm looking at the files now
        and will write again within the hour. Please don't log in to wp-admin meanwhile.

        Sofia Reyes
        Technical support
        """, incidents=0)
    yield mins(50)
    d.note("sofia.reyes", tid, """
        Found it: .htaccess has a mobile+Google referer rewrite to hxxps://lucky-spin.example;
        wp-content/plugins/revslider is 4.1 (vulnerable); backdoors in uploads/2023/07/*.php.
        Also: uploads/2024/03/.cache/login.php is a phishing kit (fake bank login). That last one
        is for the Abuse desk.
        """, files=(text_file("suspicious-files.txt", """
            ./.htaccess                                         modified 3 days ago (RewriteCond %{HTTP_REFERER} google, %{HTTP_USER_AGENT} mobile)
            ./wp-content/uploads/2023/07/cache-img.php          eval(base64_decode(...)) backdoor
            ./wp-content/uploads/2023/07/wp-tmp.php             file manager (WSO 5.1)
            ./wp-content/uploads/2024/03/.cache/login.php       phishing page imitating a bank login
            ./wp-content/uploads/2024/03/.cache/send.php        posts stolen credentials to a remote address
            ./wp-content/plugins/revslider/                     version 4.1.4 (arbitrary file upload, CVE-2014-9734)
            """),))
    yield mins(5)
    d.reply("sofia.reyes", tid, """
        Hi Lucas,

        I'm afraid the site has been hacked. The intruders came in through a very old version
        of the Slider Revolution plugin (4.1, from 2014) and left:

        - a redirect for mobile visitors coming from Google (what your client saw),
        - two backdoors in the uploads folder,
        - a fake bank login page hidden in /wp-content/uploads/2024/03/.cache/.

        I've put the site in maintenance mode so no visitor is redirected meanwhile. We can
        clean it for you (remove the malware, reinstall WordPress core and plugins from clean
        copies, reset all passwords): that's our cleanup service at EUR 49.00. Or you can
        restore a backup from before the break-in yourself, but the last clean one is 10
        days old. Which do you prefer?

        Sofia
        """)
    yield mins(25)
    d.say(tid, "Please clean it, I don't want to lose 10 days of work. Go ahead.")
    yield hours(2) + mins(30)
    d.reply("sofia.reyes", tid, """
        Done:

        - malware and backdoors removed, .htaccess restored;
        - WordPress core and all plugins reinstalled from clean copies; Slider Revolution
          updated to the current version;
        - all WordPress user passwords reset (you'll get an email to set yours), database and
          FTP passwords changed;
        - site out of maintenance mode, scanned clean.

        The EUR 49.00 is charged on this ticket. Please also turn on automatic plugin updates
        (Websites > moreau-photo.example > WordPress > Auto-update).

        Because the fake bank login page was used to steal data from other people, I have to
        pass this to our Abuse desk; they'll contact you here about it.

        Sofia
        """, charge="49.00", incidents=2)
    d.unlock("sofia.reyes", tid)
    d.assign("sofia.reyes", tid, department="Abuse desk")
    yield hours(1) + mins(10)
    d.take("rafael.costa", tid)
    d.look(ADMIN, tid)
    d.favorite(ADMIN, tid)
    d.abuse("rafael.costa", tid, "phishing", """
        Phishing kit imitating a bank login at
        hxxp://moreau-photo.example/wp-content/uploads/2024/03/.cache/login.php, exfiltrating
        to send.php. Installed via vulnerable revslider 4.1.4 (compromised site, client not
        the author). Removed by Technical support; credentials harvested for about 9 days
        according to access logs (~140 POSTs from distinct IPs). Reported to the bank's CERT.
        """)
    yield mins(10)
    d.reply("rafael.costa", tid, """
        Hello Lucas,

        I'm Rafael from the Abuse desk. We've registered an abuse case for the phishing page
        that was planted on your site. You're not suspected of anything: your site was a
        victim. But the page collected bank logins from about 140 visitors over nine days, so
        we have reported it to the bank's security team, as we must.

        What we need from you, within 48 hours:

        1. confirm you have changed the passwords of your hosting account and your email;
        2. check that nobody else has an administrator account in WordPress (Users > All
           users, role "Administrator") and tell us if you see one you don't know.

        Regards,
        Rafael Costa
        Abuse desk
        """)
    yield hours(3)
    d.read(tid)
    yield hours(1)
    d.say(tid, """
        Passwords changed (hosting, email, WordPress). There was an administrator called
        "wpsupport_2" that I never created, I deleted it. Sorry for all this trouble.
        """)
    yield mins(45)
    d.note("rafael.costa", tid, """
        Checked: wpsupport_2 created 11 days ago from 203.0.113.200 (same IP as the backdoor
        uploads). Deleted by the client. Keeping the case open 7 days to watch access logs.
        """)
    yield mins(5)
    d.reply("rafael.costa", tid, """
        Thank you Lucas, that account was indeed created by the intruders. No need to
        apologise: you acted quickly. We'll keep an eye on the access logs for another week;
        if nothing suspicious shows up, we'll close the case.

        Rafael
        """)
    d.summary("rafael.costa", tid,
              "Hacked WordPress (revslider 4.1.4): casino redirect + phishing kit. Cleaned by "
              "Sofia (EUR 49.00). Abuse case: phishing, reported to the bank's CERT. Watch access "
              "logs until next week, then close.")


def t_port25_spam(d: Desk):
    tid = d.open("oliver", "Abuse desk", "Why is outgoing mail blocked on my VPS?",
                 """
                 Hello,

                 since an hour our forum can't send any email (registration mails, password
                 resets). Port 25 to the outside seems blocked. We had it unblocked last year.
                 What's going on?

                 Oliver
                 """, service="brandt-vps", priority="high")
    yield mins(25)
    d.take("rafael.costa", tid)
    d.abuse("rafael.costa", tid, "spam", """
        203.0.113.120 (brandt-games VPS) sent ~48,000 messages in 2 hours through the forum's
        Postfix relay; 3 blocklist listings (SBL, two others) and 212 complaints via feedback
        loops. Cause (client to confirm): forum registration form abused, no captcha; Postfix
        relays for any authenticated forum user. Port 25 blocked at 14:52 UTC.
        """)
    yield mins(10)
    d.reply("rafael.costa", tid, """
        Hello Oliver,

        we blocked outgoing port 25 on your VPS ourselves: in the last two hours it sent about
        48,000 spam emails, and your IP is now on three blocklists. The mails were sent through
        your forum's mail server; most likely the registration form is being abused by bots
        (no captcha) to send mail through it.

        Before we unblock it, please:

        1. stop Postfix or restrict relaying to the forum's own notifications;
        2. add a captcha to the forum's registration form;
        3. delete the spam still in the mail queue (`postqueue -p` shows ~6,000 waiting).

        Tell us here when that's done.

        Rafael Costa
        Abuse desk
        """)
    yield hours(2)
    d.say(tid, """
        You were right, 3,100 bot registrations in three days. I disabled registrations, added a
        captcha, flushed the queue (postsuper -d ALL) and Postfix now only accepts mail from
        localhost. Can you unblock now? Password resets are failing for real players.
        """)
    yield mins(30)
    d.take("kenji.watanabe", tid, force=True)
    d.favorite(ADMIN, tid)
    d.note("kenji.watanabe", tid, """
        Checked from the VPS: queue empty, postconf mynetworks = 127.0.0.0/8, smtpd_relay
        restrictions OK. Still listed on 1 of 3 blocklists; delisting requested.
        """)
    yield mins(5)
    d.reply("kenji.watanabe", tid, """
        Hello Oliver,

        thanks, I checked your Postfix configuration and the queue: it looks good. Two of the
        three blocklists have already removed your IP; for the last one I've requested
        delisting, which usually takes a few hours.

        I'll unblock port 25 once that listing is gone, so your mail isn't rejected anyway.
        Until then you could send the forum's mail through our relay
        (smtp.example-hosting.example:587), which works right away.

        Kenji Watanabe
        Technical support / Abuse desk
        """)
    yield hours(3)
    d.say(tid, """
        Set up the relay, password resets work again. Please let me know when port 25 is open;
        we'd prefer to send directly again.
        """)


def t_bruteforce_limit(d: Desk):
    tid = d.open("jonas", "Abuse desk", "Why was the network of my VPS limited?",
                 """
                 Hi,

                 I got an automated email that the network of vps-7731 is rate-limited "because
                 of abuse". I have no idea what it's about. Details please?

                 Jonas
                 """, service="albrecht-vps", priority="high")
    yield mins(35)
    d.take("rafael.costa", tid)
    d.abuse("rafael.costa", tid, "brute force", """
        203.0.113.47 (vps-7731) ran SSH brute force against ~9,000 hosts in 6 hours; reports
        from two networks (attached to case in the abuse mailbox). Source: a container named
        "test-ubuntu" on the VPS, probably started with a weak root password and exposed SSH.
        """)
    yield mins(5)
    d.reply("rafael.costa", tid, """
        Hi Jonas,

        since about 04:00 UTC your VPS has been trying SSH logins on thousands of other
        servers (about 9,000 in six hours), and two networks reported it to us. That's why we
        limited its network. Looking at the connections, they come from a Docker container
        called "test-ubuntu" that exposes SSH on port 2222, most likely with a weak password.

        Please stop and delete that container, check the others, and tell us here; we'll lift
        the limit right away.

        Rafael Costa
        Abuse desk
        """)
    yield mins(50)
    d.say(tid, """
        Ouch. That was a throwaway container from a workshop, root/root, I forgot it existed.
        Deleted it, the image too, and checked the rest: nothing else exposes SSH. Sorry!
        """)
    yield mins(20)
    d.ok("rafael.costa", tid, """
        Thanks for the quick reaction. I've lifted the limit; the VPS has full bandwidth again.
        We'll close the abuse case if no new reports arrive in the next days.

        Rafael
        """)


def t_impersonation(d: Desk):
    tid = d.open("kwame", "Abuse desk", "Someone sends emails pretending to be us",
                 """
                 Hello,

                 two of our clients received emails "from" accounts@mensah-consulting.example
                 asking them to pay an invoice to a new bank account. We never sent those! How can
                 we stop this?

                 Kwame Mensah
                 """, service="mensah", priority="high")
    yield mins(50)
    d.reply("rafael.costa", tid, """
        Hello Kwame,

        I'm sorry to hear that; this is a common fraud. The mails weren't sent from our
        servers or from your account: someone forged the sender address, which anyone can do
        unless the domain publishes a policy that tells receivers to reject such mail.
        Please warn your clients not to pay to any new account without calling you.

        The protection is a DMARC policy on your domain, which our Domains team will set up
        with you; I'm passing the ticket to them.

        Rafael Costa
        Abuse desk
        """)
    d.assign("rafael.costa", tid, department="Domains")
    d.close("rafael.costa", tid)
    yield hours(2)
    d.reply("olivia.grant", tid, """
        Hello Kwame,

        your domain has SPF but no DKIM and no DMARC yet. I've turned on DKIM signing and
        published a DMARC record in monitoring mode:

            _dmarc.mensah-consulting.example.  TXT  "v=DMARC1; p=none; rua=mailto:dmarc@mensah-consulting.example"

        After a week of reports, if all your real mail passes, we'll switch it to p=reject:
        then receivers like Gmail and Outlook will refuse forged mail in your name. Is anyone
        else sending mail as your domain (a newsletter tool, an accounting system)? They'd need
        to be included first.

        Olivia Grant
        Domains
        """)
