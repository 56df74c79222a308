"""The cast of the demo: its departments, staff, clients (with their services and the account data
the billing panel owns) and the reply templates."""

from __future__ import annotations

ADMIN = "admin"  # the administrator the TUI opens the demo as


# The desk's support addresses: mail to them becomes tickets, answers leave from them.
MAILBOXES = (("support@example-hosting.example", "Technical support"),
             ("billing@example-hosting.example", "Billing"))

DEPARTMENTS = (("Billing", False), ("Technical support", True), ("Domains", False),
               ("Abuse desk", False))

# login, name, departments, head of them, administrator
STAFF = (
    (ADMIN, "Dana Whitfield", (), False, True),
    ("marek.novak", "Marek Novák", ("Technical support",), True, False),
    ("sofia.reyes", "Sofia Reyes", ("Technical support",), False, False),
    ("lena.fischer", "Lena Fischer", ("Technical support",), False, False),
    ("kenji.watanabe", "Kenji Watanabe", ("Technical support", "Abuse desk"), False, False),
    ("priya.nair", "Priya Nair", ("Billing",), True, False),
    ("tom.becker", "Tom Becker", ("Billing", "Domains"), False, False),
    ("olivia.grant", "Olivia Grant", ("Domains",), True, False),
    ("rafael.costa", "Rafael Costa", ("Abuse desk",), True, False),
)

# key, email, name, internal comment, years a client, balance, support incidents left,
# services: (key, name, kind, domain)
CLIENTS = (
    ("harriet", "harriet@colesbakery.example", "Harriet Cole",
     "Owns Cole's Corner Bakery. Not technical: explain step by step, no jargon. "
     "Prefers a phone call after 15:00 CET for anything urgent: +44 20 7946 0718.",
     4.2, 4_150, 6,
     (("colesbakery", "colesbakery.example", "domain", "colesbakery.example"),
      ("harriet-hosting", "Business hosting (colesbakery.example)", "hosting", None))),
    ("jonas", "jonas@albrecht-it.test", "Jonas Albrecht",
     "Freelance sysadmin, knows his stuff: send raw logs and commands, skip the basics.",
     2.7, 12_000, 10,
     (("albrecht-vps", "VPS M-4 (vps-7731)", "vps", None),
      ("albrecht-it", "albrecht-it.test", "domain", "albrecht-it.test"))),
    ("amara", "amara@amara-textiles.example", "Amara Okafor",
     "Online shop for handmade textiles; peak season is November-December. VIP: six years "
     "with us, never late with a payment.",
     6.1, 25_000, 12,
     (("amara-textiles", "amara-textiles.example", "domain", "amara-textiles.example"),
      ("amara-hosting", "Business Plus hosting (shop)", "hosting", None))),
    ("lucas", "lucas@moreau-photo.example", "Lucas Moreau",
     "WordPress portfolio, many plugins, rarely updated. Compromised once before, two years ago. "
     "Offer managed WordPress when it fits.",
     3.4, 3_000, 2,
     (("moreau-photo", "moreau-photo.example", "domain", "moreau-photo.example"),
      ("lucas-hosting", "Starter hosting (WordPress)", "hosting", None))),
    ("meilin", "meilin.chen@example.net", "Chen Meilin",
     "Tea shop run from Hangzhou and Leeds; writes in English, product names in Chinese. "
     "Time zone UTC+8: answers arrive overnight.",
     1.3, 8_800, 5,
     (("lotus-tea", "lotus-tea.example", "domain", "lotus-tea.example"),
      ("meilin-hosting", "Business hosting (lotus-tea.example)", "hosting", None))),
    ("dmitri", "dmitri.volkov@example.org", "Dmitri Volkov",
     "Runs PostgreSQL and Metabase for his analytics clients on one VPS. Asked twice about a "
     "managed database offer: a sales lead.",
     2.0, 20_000, 8,
     (("volkov-vps", "VPS L-8 (pg-analytics-01)", "vps", None),
      ("volkov-analytics", "volkov-analytics.example", "domain", "volkov-analytics.example"))),
    ("greta", "greta@nordicyarn.example", "Greta Svensson", "",
     0.1, 1_500, 3,
     (("nordicyarn", "nordicyarn.example", "domain", "nordicyarn.example"),
      ("greta-hosting", "Starter hosting (nordicyarn.example)", "hosting", None))),
    ("pablo", "pablo@herrera-legal.example", "Pablo Herrera",
     "Law firm. Disputed an invoice in the spring (settled with a credit note). Be exact with "
     "amounts and dates; he keeps every email.",
     5.0, 0, 4,
     (("herrera-legal", "herrera-legal.example", "domain", "herrera-legal.example"),
      ("pablo-hosting", "Business hosting (herrera-legal.example)", "hosting", None))),
    ("fatima", "fatima@atlas-travel.example", "Fatima El Idrissi", "",
     1.8, 9_500, 7,
     (("atlas-travel", "atlas-travel.example", "domain", "atlas-travel.example"),
      ("atlas-vps", "VPS S-2 (booking-api)", "vps", None))),
    ("oliver", "oliver@brandt-games.test", "Oliver Brandt",
     "Game servers. Port 25 was unblocked at his request for the forum's mail; watch for "
     "abuse reports.",
     2.4, 6_000, 4,
     (("brandt-vps", "VPS XL-16 (game servers)", "vps", None),
      ("brandt-games", "brandt-games.test", "domain", "brandt-games.test"))),
    ("sanne", "sanne@devries-architects.example", "Sanne de Vries", "",
     0.6, 5_400, 5,
     (("devries", "devries-architects.example", "domain", "devries-architects.example"),
      ("sanne-hosting", "Business hosting (devries-architects.example)", "hosting", None))),
    ("kwame", "kwame@mensah-consulting.example", "Kwame Mensah",
     "Pays by bank transfer; invoices must show the VAT ID GB 123 4567 89.",
     3.9, 2_200, 2,
     (("mensah", "mensah-consulting.example", "domain", "mensah-consulting.example"),
      ("mensah-old", "mensah-old.example", "domain", "mensah-old.example"),
      ("kwame-hosting", "Starter hosting (mensah-consulting.example)", "hosting", None))),
    ("ana", "ana@popescu-dental.example", "Ana Popescu", "",
     1.1, 0, 3,
     (("popescu-dental", "popescu-dental.example", "domain", "popescu-dental.example"),
      ("ana-hosting", "Business hosting (popescu-dental.example)", "hosting", None))),
    ("ruth", "ruth@adeyemi-books.test", "Ruth Adeyemi", "",
     0.9, 3_300, 3,
     (("adeyemi-books", "adeyemi-books.test", "domain", "adeyemi-books.test"),
      ("ruth-hosting", "Starter hosting (adeyemi-books.test)", "hosting", None))),
)

TEMPLATES = (
    ("Received: we're on it", None, None,
     "Hello {client_name},\n\nthank you for writing to us. We have your request (ticket "
     "#{ticket_id}) and are looking into it now; we'll get back to you as soon as we know "
     "more.\n\nBest regards,\n{staff_name}"),
    ("Solved: closing the ticket", None, None,
     "Hello {client_name},\n\nI'm glad it works again. I'm closing ticket #{ticket_id} now; if "
     "anything else comes up, just reply here and it will reopen.\n\nKind regards,\n{staff_name}"),
    ("Need more details", None, None,
     "Hello {client_name},\n\nto look into this we need a little more: the exact error "
     "message, the time it happened (with your time zone), and the address of the page or "
     "service concerned.\n\nThank you,\n{staff_name}"),
    ("Payment received", "Billing", None,
     "Hello {client_name},\n\nwe have received your payment, thank you. The invoice is marked "
     "as paid and your services stay active.\n\nBest regards,\n{staff_name}\nBilling"),
    ("Pro-rata upgrade quote", "Billing", None,
     "Hello {client_name},\n\nan upgrade is charged pro rata: you pay only the difference for "
     "the days left in the current billing period. Reply \"yes\" on ticket #{ticket_id} and we "
     "will charge it here and schedule the change.\n\nBest regards,\n{staff_name}\nBilling"),
    ("Send us the error log", "Technical support", None,
     "Hello {client_name},\n\ncould you attach the last 200 lines of the error log? In the "
     "control panel: Websites > Logs > error.log > Download. On a VPS:\n\n"
     "    tail -n 200 /var/log/nginx/error.log > error-tail.txt\n\n"
     "Thank you,\n{staff_name}\nTechnical support"),
    ("Clear the DNS cache", "Technical support", None,
     "Hello {client_name},\n\nyour computer may still remember the old address. Please clear "
     "its DNS cache (Windows: ipconfig /flushdns; macOS: sudo dscacheutil -flushcache) and "
     "reload the page.\n\nBest regards,\n{staff_name}"),
    ("DNS propagation explained", "Domains", None,
     "Hello {client_name},\n\nDNS changes reach every resolver on the Internet within the "
     "record's TTL, at most 24 hours for your zone. Until then some visitors still reach the "
     "old address: nothing is broken, it only takes time.\n\nKind regards,\n{staff_name}\nDomains"),
    ("Transfer: auth code and unlock", "Domains", None,
     "Hello {client_name},\n\nto transfer the domain to us we need the authorisation (EPP) "
     "code from your current registrar, and the domain must be unlocked there. Send us the "
     "code on ticket #{ticket_id}; the transfer then takes up to five days.\n\n"
     "Kind regards,\n{staff_name}\nDomains"),
    ("Abuse notice: action required", "Abuse desk", None,
     "Hello {client_name},\n\nwe have received an abuse report about a service on your account "
     "(ticket #{ticket_id}). Please remove the cause within 24 hours and tell us what you "
     "changed; otherwise we must suspend the service to protect our network.\n\n"
     "Regards,\n{staff_name}\nAbuse desk"),
    ("Escalation: I'm taking this over", None, "marek.novak",
     "Hello {client_name},\n\nI'm Marek, I lead the technical team and will take ticket "
     "#{ticket_id} over from here.\n\nBest regards,\n{staff_name}"),
    ("WordPress hardening checklist", None, "sofia.reyes",
     "Hello {client_name},\n\nonce the site is clean, please:\n"
     "1. update WordPress, every plugin and theme;\n2. delete plugins you don't use;\n"
     "3. change every admin password and turn on two-factor login;\n"
     "4. turn on automatic updates in the control panel.\n\n{staff_name}"),
)
