"""Word banks and templates for seeded data: support mail of a hosting provider.

Everything is drawn from a random.Random handed in, so a seed gives the same data every time.
Texts are assembled from fragments (greeting, problem, detail, request, sign-off) and filled
with per-ticket facts (domain, IP, invoice number...), so a million tickets don't read alike.
Templates are written as "a | b | c" strings: compact to edit, split once at import.
Domains use reserved names only (RFC 2606: .example, .test, example.com), so nothing resolves.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


def _alts(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split("|") if part.strip())


# Departments: (name, per_incident, share of tickets). "Server administration" is paid per
# incident, the usual arrangement for hands-on work on a client's own VPS.
DEPARTMENTS: tuple[tuple[str, bool, float], ...] = (
    ("Technical support", False, 0.40),
    ("Billing", False, 0.22),
    ("Domains", False, 0.18),
    ("Server administration", True, 0.12),
    ("Abuse desk", False, 0.08),
)

# Staff: (login, name, is_admin, departments, departments headed). Fixed, not random, so a
# second seed finds the same people instead of hiring new ones.
STAFF: tuple[tuple[str, str, bool, tuple[str, ...], tuple[str, ...]], ...] = (
    ("alex.morgan", "Alex Morgan", True, (), ()),
    ("nora.lindqvist", "Nora Lindqvist", False, ("Billing",), ("Billing",)),
    ("samir.haddad", "Samir Haddad", False, ("Technical support",), ("Technical support",)),
    ("ines.duarte", "Inês Duarte", False, ("Domains",), ("Domains",)),
    ("oleg.petrenko", "Oleg Petrenko", False, ("Abuse desk", "Technical support"), ("Abuse desk",)),
    ("mei.tanaka", "Mei Tanaka", False, ("Server administration", "Technical support"),
     ("Server administration",)),
    ("lukas.becker", "Lukas Becker", False, ("Technical support",), ()),
    ("chloe.martin", "Chloé Martin", False, ("Technical support", "Server administration"), ()),
    ("daniel.okafor", "Daniel Okafor", False, ("Billing",), ()),
    ("sofia.rossi", "Sofia Rossi", False, ("Billing", "Domains"), ()),
    ("jakub.novak", "Jakub Novák", False, ("Domains", "Technical support"), ()),
    ("priya.nair", "Priya Nair", False, ("Abuse desk", "Technical support"), ()),
    ("tom.hughes", "Tom Hughes", False, ("Technical support",), ()),
    ("eva.schmidt", "Eva Schmidt", False, ("Server administration",), ()),
    ("marco.bianchi", "Marco Bianchi", False, ("Billing",), ()),
)

FIRST_NAMES = _alts(
    "Anna|Ben|Carla|David|Elena|Felix|Grace|Hugo|Ingrid|Jonas|Karin|Leo|Maria|Nils|Olivia|"
    "Pavel|Quentin|Rosa|Stefan|Tara|Umar|Vera|Walter|Xenia|Yusuf|Zoe|Ahmed|Beatriz|Chen|Dmitri|"
    "Emma|Fatima|Giorgos|Hana|Ivan|Julia|Kenji|Lucia|Mateo|Noor|Oskar|Paula|Rahul|Sara|Tomasz|"
    "Ursula|Viktor|Wen|Yara|Aleksandra|Bruno|Camille|Diego|Eszter|Finn|Greta|Henrik|Isabel|Jamal|"
    "Katarzyna|Liam|Mila|Nadia|Omar|Pietro|Rania|Simon|Thea|Valentina|William"
)
LAST_NAMES = _alts(
    "Andersen|Baker|Costa|Dubois|Eriksson|Fischer|García|Horvath|Ivanova|Jensen|Kowalski|Larsen|"
    "Müller|Nowak|O'Brien|Papadopoulos|Quinn|Rossi|Schneider|Tanaka|Urban|Vargas|Weber|Xu|Yilmaz|"
    "Zimmermann|Ahmed|Bauer|Chen|Dimitrov|Evans|Ferreira|Gruber|Hansen|Iqbal|Jovanović|Kim|Lopez|"
    "Moreau|Nielsen|Okonkwo|Petrov|Ramos|Silva|Thompson|Ueda|Varga|Wagner|Young|Zhang|Novotná|"
    "Lehmann|Santos|Kaya|Virtanen|Mahler|Brennan|Holm|Castillo|Sato"
)
_COMPANY_A = _alts(
    "North|Blue|Green|Red|Silver|Golden|Bright|Swift|Urban|Alpine|Coastal|Pixel|Cedar|Maple|"
    "Iron|Lunar|Solar|Nordic|Atlas|Orbit|Harbor|Summit|River|Stone|Copper|Velvet|Bold|Quiet|"
    "Clever|Happy|Fox|Oak|Pine|Delta|Nova|Metro|Prime|Vivid|Amber|Crystal"
)
_COMPANY_B = _alts(
    "wind|fin|leaf|wave|peak|field|stone|line|works|forge|bridge|point|port|gate|path|craft|"
    "nest|light|bay|hill|grove|spark|stack|cloud|byte|mill|yard|loop"
)
_COMPANY_TRADE = _alts(
    "Media|Design|Studio|Consulting|Logistics|Bakery|Dental|Travel|Software|Print|Architects|"
    "Fitness|Legal|Photo|Events|Garden|Motors|Books|Coffee|Health|Education|Games|Shop|Wines"
)
_COMPANY_FORM = _alts("Ltd|GmbH|LLC|SARL|s.r.o.|BV|AB|Oy|Inc.|S.L.|Sp. z o.o.|AG")
_TLDS = ("example", "example", "test", "example.com", "example.net", "example.org")
_SUBDOMAINS = _alts("www|shop|mail|blog|api|dev|staging|crm|intranet|cdn")
_CMS = _alts("WordPress|Joomla|Drupal|PrestaShop|Magento|Nextcloud|a Laravel app|Ghost")
_PLANS = _alts("Starter|Business|Pro|Business Plus|Agency|Premium")
_VPS_PLANS = _alts("VPS S-2|VPS M-4|VPS L-8|VPS XL-16|Storage VPS 1T")
_ERRORS = _alts(
    "ERR_CONNECTION_TIMED_OUT|503 Service Unavailable|500 Internal Server Error|"
    "DNS_PROBE_FINISHED_NXDOMAIN|NET::ERR_CERT_DATE_INVALID|550 5.7.1 Message rejected|"
    "Error establishing a database connection|502 Bad Gateway|Connection refused|"
    "421 Too many connections|Allowed memory size exhausted|SSL_ERROR_BAD_CERT_DOMAIN"
)
_COMMENTS = _alts(
    "VIP: answer within the hour.|Reseller with about 40 end customers.|Pays late; check the "
    "balance before any paid work.|Prefers phone calls after 18:00 CET.|Agency account, several "
    "people write from it.|Had a compromised site in the past; watch for abuse.|Non-profit "
    "discount, approved by Billing.|Speaks German and English.|Migrated from the old panel."
)
# A client internal comment is present for this share of clients; the rest have none.
COMMENT_SHARE = 0.15


@dataclass(frozen=True)
class Topic:
    key: str
    department: str
    kinds: tuple[str, ...]  # service kinds this topic is about; () for any
    subjects: tuple[str, ...]
    problems: tuple[str, ...]
    details: tuple[str, ...]
    replies: tuple[str, ...]
    notes: tuple[str, ...]


def _topic(key: str, dept: str, kinds: str, subjects: str, problems: str, details: str,
           replies: str, notes: str) -> Topic:
    return Topic(key, dept, _alts(kinds), _alts(subjects), _alts(problems), _alts(details),
                 _alts(replies), _alts(notes))


_T, _B, _D, _S, _A = ("Technical support", "Billing", "Domains", "Server administration",
                      "Abuse desk")

TOPICS: tuple[Topic, ...] = (
    _topic("site_down", _T, "hosting",
           "{domain} is down|Website not loading|Site {domain} shows {error}|Our website is offline"
           "|{domain} unreachable since this morning|Homepage gives {error}",
           "Our website {domain} has stopped working. Visitors get \"{error}\".|Since about "
           "{hour}:00 {domain} does not load at all.|Our site on the {plan} plan returns "
           "\"{error}\" on every page.",
           "We did not change anything on our side.|It happens from several networks and phones.|"
           "The admin area of {cms} is also unreachable.|We are losing orders every hour it is down.",
           "The web server on {node} was overloaded by a runaway process; we restarted it and your "
           "site answers again.|Your account hit its process limit because of a {cms} cron job; we "
           "raised the limit temporarily.|The error came from a broken .htaccess rule; we commented "
           "it out (the old file is saved as .htaccess.bak).",
           "Load spike on {node}, other accounts affected too.|Checked error_log: PHP fatal in a "
           "plugin.|Customer edited .htaccess yesterday, per the file manager log.")
    , _topic("vps_down", _T, "vps",
             "VPS not responding|{vps} unreachable|Server {ip} down|Can't SSH into my VPS|"
             "VPS rebooted by itself?",
             "My server {vps} ({ip}) does not answer ping or SSH.|The VPS {ip} went down at {hour}:00 "
             "and did not come back.|Since the maintenance my VPS no longer boots.",
             "The console in the panel shows a black screen.|I tried a reboot from the panel, no "
             "change.|All our services run on it, so this is urgent.|Load was normal before it died.",
             "The host node {node} had a kernel panic; your VPS was started again on a healthy node."
             "|Your VPS ran out of disk space and the file system was remounted read-only; we freed "
             "the logs and rebooted it.|The firewall you enabled blocked port 22; we opened it again "
             "from the rescue console.",
             "Node {node} alerts at the same time.|Disk 100% full, journald logs 30 GB.|"
             "Customer's own iptables rules locked him out.")
    , _topic("php", _T, "hosting",
             "Change PHP version|Need PHP {php_new} for {domain}|Upgrade from PHP {php_old}|"
             "{cms} requires newer PHP|PHP extension missing",
             "Please switch {domain} from PHP {php_old} to PHP {php_new}.|{cms} tells us PHP {php_old} "
             "is no longer supported.|After the PHP update our site shows \"{error}\".",
             "We need the intl and imagick extensions as well.|Can I do this myself in the panel?|"
             "Is memory_limit also raised to 512M with the new version?",
             "You can choose the PHP version per domain under Hosting > PHP settings; we switched "
             "{domain} to {php_new} for you.|PHP {php_new} is active now and the intl extension is "
             "enabled.|The error comes from an old plugin that is not compatible with PHP {php_new}; "
             "we switched back to {php_old} until it is updated.",
             "Switched handler to php-fpm {php_new}.|Plugin incompatible; advised update.")
    , _topic("ssl", _T, "hosting|domain",
             "SSL certificate expired|HTTPS not working on {domain}|Let's Encrypt renewal failed|"
             "Certificate warning on {sub}.{domain}|Install SSL for {domain}",
             "Browsers show \"{error}\" on https://{domain}.|The SSL certificate of {domain} "
             "expired yesterday.|I want to install our own certificate on {sub}.{domain}.",
             "The renewal worked last year without problems.|The certificate covers only www, not "
             "the bare domain.|We moved the DNS to another provider recently.",
             "The renewal failed because {domain} points to another IP, so the HTTP challenge could "
             "not reach us; once the A record points to {ip} it renews automatically.|We issued a "
             "new certificate for {domain} and www.{domain}; it is valid for 90 days and renews "
             "itself.|You can upload your own certificate and key under SSL/TLS in the panel.",
             "ACME challenge failing: A record points elsewhere.|Reissued cert manually.")
    , _topic("mail", _T, "hosting|domain",
             "Emails not arriving|Can't send mail from {mailbox}|Our emails go to spam|"
             "Mailbox full?|Outlook keeps asking for the password",
             "Messages sent to {mailbox} bounce with \"{error}\".|Since {weekday} nobody receives "
             "our emails; they end in spam.|I can receive mail but cannot send from {mailbox}.",
             "We use Outlook and Thunderbird.|Gmail shows a warning about an unverified sender.|"
             "The mailbox is {size} GB.|Our newsletter went out to 2,000 people on {weekday}.",
             "Your domain had no SPF and DKIM records; we added both and mail is accepted again.|"
             "The mailbox {mailbox} reached its quota; you can raise it in the panel or delete old "
             "mail.|Sending was blocked after too many failed logins; we unblocked it, please change "
             "the password.",
             "No SPF/DKIM on domain.|Mailbox at quota.|Account rate-limited by outgoing spam filter.")
    , _topic("backup", _T, "hosting|vps",
             "Restore from backup|Need yesterday's backup|Deleted files by mistake|Backup of {domain}|"
             "How long are backups kept?",
             "I deleted the folder /public_html/{folder} by mistake.|Please restore the database of "
             "{domain} as it was on {weekday}.|Can you give me a full backup of {vps}?",
             "The files were deleted around {hour}:00.|We only need the uploads, not the code.|"
             "Please don't overwrite the current orders table.",
             "We restored /public_html/{folder} from last night's backup into the same place.|The "
             "database dump from {weekday} is in your home directory as backup.sql.gz.|Backups are "
             "kept for 14 days; older ones are not available.",
             "Restored from snapshot of {weekday} 02:00.|Restore took 20 min, 4 GB.")
    , _topic("migration", _T, "hosting",
             "Migrate our website to you|Move {domain} from another host|Migration help|"
             "Transfer of {cms} site",
             "We want to move {domain} from our old host to your {plan} plan.|Could you migrate our "
             "{cms} site including the emails?",
             "The site is about {size} GB with a 300 MB database.|We would like no downtime.|"
             "We have FTP and cPanel access to the old host.",
             "The migration is done; the site is on our server and you can test it with a hosts "
             "entry for {ip}. Change the DNS when you are happy with it.|We need the old host's "
             "database credentials to finish the migration.",
             "Free migration (plan {plan}).|Waiting for old host credentials.")
    , _topic("invoice", _B, "",
             "Invoice {invoice}|Question about invoice {invoice}|Wrong amount on my invoice|"
             "Need an invoice with our VAT number|Where can I download invoices?",
             "Invoice {invoice} shows {amount} EUR, but my plan costs less.|I need invoice "
             "{invoice} issued to our company with VAT number {vat}.|I can't find the invoice for "
             "{month} in the panel.",
             "Our accountant needs it this week.|The company name is {company}.|We were charged "
             "twice this month.",
             "The amount includes the yearly renewal of your domain; the breakdown is on page 2 of "
             "the invoice.|We reissued invoice {invoice} with your VAT number; it is in Billing > "
             "Invoices.|You were indeed charged twice; the duplicate has been credited to your balance.",
             "Duplicate charge from the card gateway retry.|VAT number validated in VIES.")
    , _topic("refund", _B, "",
             "Refund request|Please refund {amount} EUR|Cancel and refund|Money back?|"
             "Refund for unused months",
             "I would like a refund of {amount} EUR for the service I cancelled.|I ordered the "
             "wrong plan by mistake; can I get my money back?",
             "I never used the service.|I paid by card on {weekday}.|I'm disappointed with the "
             "performance.",
             "We refunded {amount} EUR to the card you paid with; it can take 5 to 10 days to "
             "appear.|Refunds are possible within 30 days; your order is older, but we credited the "
             "amount to your balance.",
             "Within 30 days: full refund OK.|Head approval needed, amount above 100 EUR.")
    , _topic("payment", _B, "",
             "Payment failed|Card declined|Service suspended for non-payment|Can I pay by bank "
             "transfer?|Auto-renewal charged my old card",
             "My card was declined when paying invoice {invoice}.|My service was suspended although "
             "I paid {amount} EUR on {weekday}.|I want to pay by bank transfer instead of card.",
             "The payment reference was {invoice}.|My bank says the payment went through.|Please "
             "don't delete anything, we need the site.",
             "We found your transfer; it had no reference, so we matched it by hand and the service "
             "is active again.|Your card issuer declined the charge; please try again or add "
             "another card.|Bank transfer details are at the bottom of every invoice.",
             "Transfer without reference; matched manually.|Unsuspended.")
    , _topic("upgrade", _B, "hosting|vps",
             "Upgrade my plan|Change to {plan}|More disk space|Downgrade request|Price of {vps_plan}",
             "We need more disk space; can we move to the {plan} plan?|Please upgrade {vps} to "
             "{vps_plan}.|What would it cost to add 2 more CPU cores?",
             "We prefer to keep the same IP address.|When will the new price apply?",
             "The upgrade is done and billed pro rata for the rest of the period.|{vps_plan} costs "
             "{amount} EUR a month; say yes and we do it tonight without changing the IP.",
             "Upgrade billed pro rata.|Needs reboot; scheduled.")
    , _topic("dns", _D, "domain",
             "DNS records for {domain}|Add an MX record|Change A record|Point {domain} to {ip}|"
             "TXT record for verification|CNAME for {sub}.{domain}",
             "Please point {domain} to {ip}.|I need a TXT record on {domain} to verify it with "
             "Google.|How do I add a CNAME {sub}.{domain} for our shop?",
             "The value is google-site-verification={token}.|We use an external mail provider.|"
             "TTL can be low, we are testing.",
             "The record is added; changes reach everyone within the TTL, at most an hour.|You can "
             "edit DNS yourself under Domains > {domain} > DNS; we added the record for you this time.",
             "Added record, TTL 300.|Customer's zone had a duplicate CNAME.")
    , _topic("resolve", _D, "domain",
             "{domain} not resolving|Domain doesn't work|DNS_PROBE_FINISHED_NXDOMAIN|"
             "Domain stopped working after renewal|Website not found",
             "{domain} does not resolve any more: \"{error}\".|Since yesterday {domain} shows "
             "\"server not found\".",
             "I renewed the domain last week.|I changed the nameservers on {weekday}.|"
             "whois still shows the old nameservers.",
             "The domain had expired and was parked; the renewal went through this morning and it "
             "resolves again.|The nameservers you set have a typo; we corrected them to ours.|"
             "The registry takes up to 24 hours to publish the nameserver change.",
             "Registry shows clientHold until payment.|NS typo: ns1 vs nsl.")
    , _topic("transfer", _D, "domain",
             "Transfer {domain} to you|Auth code for {domain}|Domain transfer stuck|Transfer out",
             "I want to transfer {domain} from my current registrar.|Please send me the auth code "
             "for {domain}; I'm moving it.|The transfer of {domain} is pending for {days} days.",
             "The domain is not locked at the old registrar.|The whois email is an old address.",
             "The transfer is confirmed; it completes within 5 days.|We sent the auth code to the "
             "owner email on file.|The old registrar must approve the transfer; we sent them a "
             "reminder.",
             "Transfer lock removed.|Auth code sent to registrant email.")
    , _topic("renewal", _D, "domain",
             "Renew {domain}|Domain expired|Auto-renewal question|Did {domain} renew?",
             "{domain} expires on {date}; please make sure it renews.|I got a notice that "
             "{domain} expired. Is it lost?",
             "I want to renew it for 3 years.|The card on file is new.",
             "{domain} is renewed until {date}.|The domain is in its grace period; renewing it now "
             "costs the normal price and keeps it.",
             "Renewed, in grace period.|Auto-renew enabled.")
    , _topic("admin", _S, "vps",
             "Install {software} on {vps}|Firewall configuration|Nginx config help|Update the "
             "kernel|Server is slow|Set up a cron job",
             "Please install {software} on our VPS {ip}.|Our server {vps} is very slow since "
             "yesterday; load is above 20.|Could you configure the firewall to allow only our "
             "office IP on SSH?",
             "We have root access, but would rather you do it.|It's Debian 12.|We accept the "
             "per-incident charge.",
             "{software} is installed and starts at boot; the config is in /etc.|The slowness came "
             "from MySQL without an index on the orders table; we added it and load is below 1.|"
             "The firewall now allows SSH only from your office IP.",
             "1 incident used.|Took 40 minutes.|Needs follow-up on backups.")
    , _topic("abuse", _A, "hosting|vps",
             "Abuse report about my server|IP {ip} blacklisted|My site was hacked|Phishing page on "
             "{domain}?|Outgoing spam from my account",
             "We received a notice that {ip} is listed on a spam blacklist.|Someone uploaded a "
             "phishing page to {domain}.|Our account seems to send spam we didn't write.",
             "We use {cms} with a few plugins.|We changed all passwords already.|Google marks the "
             "site as dangerous.",
             "We removed the malicious files (a copy is in /quarantine) and blocked the script "
             "that sent the mail; please update {cms} and its plugins.|We requested delisting of "
             "{ip}; it usually takes a day.",
             "Malware in wp-content/uploads.|Third-party report from a CERT.|Suspended outgoing mail.")
    , _topic("attack", _A, "vps|hosting",
             "DDoS on {ip}?|Brute-force attempts on our server|Someone scans our VPS|Null-routed IP",
             "{ip} gets thousands of requests per second since {hour}:00.|Our logs show SSH login "
             "attempts from hundreds of addresses.|{ip} was null-routed and our shop is offline.",
             "fail2ban is running but can't keep up.|Only port 443 should be public.",
             "The attack was filtered upstream and the null route is lifted.|We enabled DDoS "
             "filtering for {ip}; legitimate traffic passes.|We blocked the scanning networks.",
             "Upstream mitigation active.|Null route 1h per policy.")
    , _topic("monitor", _S, "vps",
             "Disk almost full on {vps}|Set up monitoring|Backups for my VPS|Move VPS to a new "
             "OS|MySQL keeps crashing",
             "We get alerts that the disk of {vps} is 95% full.|MySQL on {ip} crashed three times "
             "this week.|Could you set up daily backups of {vps} to your storage?",
             "We don't know what is filling the disk.|It's an old Ubuntu 18.04.",
             "Old logs and a 30 GB core dump filled the disk; we cleaned up and set up log rotation."
             "|MySQL was killed for lack of memory; we tuned its buffers to the RAM of {vps_plan}."
             "|Daily backups now go to our storage, kept 14 days.",
             "OOM killer in dmesg.|Logrotate was missing.")
)

TOPICS_BY_DEPARTMENT: dict[str, tuple[Topic, ...]] = {
    name: tuple(t for t in TOPICS if t.department == name) for name, _, _ in DEPARTMENTS
}

_GREET = _alts("Hello,|Hi,|Good morning,|Dear support,|Hello team,|Hi there,|Good afternoon,")
_ASKS = _alts(
    "Can you please check?|Please help as soon as possible.|What should I do?|Could you look "
    "into it today?|Please advise.|Let me know if you need anything from me.|Thanks in advance."
)
_SIGN = _alts("Thanks,|Best regards,|Kind regards,|Cheers,|Regards,|Thank you,")
_ACK = _alts(
    "Thank you for contacting us.|Thanks for the details.|Sorry for the trouble.|Thanks for "
    "your patience.|Thank you for reporting this.|Thanks for the quick reply."
)
_NEXT = _alts(
    "Please let us know if the problem persists.|Could you check on your side and confirm?|"
    "If anything is still wrong, just reply to this ticket.|We'll keep an eye on it for the "
    "next few hours.|Could you send us a screenshot if you see it again?"
)
_FOLLOW = _alts(
    "Thank you, it works now.|Still the same problem, I've just tried again.|Any update on "
    "this? It's been {days} days.|I tried that but I still get \"{error}\".|Thanks! One more "
    "question: is this covered by my plan?|It works on my phone but not on the office network."
    "|Sorry, I forgot to mention: the domain is {domain}.|Great, thanks for the fast help.|"
    "Can you call me? My number is in my account.|Here are the details you asked for: "
    "{ip}, user {user}."
)
_NOTES = _alts(
    "Escalated to second level.|Waiting for the network team.|Client called, explained on the "
    "phone.|Same issue as last month, see the previous ticket.|Be careful, client is upset.|"
    "Checked the logs, nothing obvious.|Do not refund without the head's approval."
)
_SUMMARIES = _alts(
    "Waiting for client's credentials.|Recurring issue, check monthly.|Fixed; watch for a week."
    "|Needs a node migration.|Client wants a callback.|Refund approved by Billing."
)
ABUSE_KINDS = _alts("spam|phishing|malware|brute force|copyright|ddos|open proxy")
_SOFTWARE = _alts("Docker|Redis|PostgreSQL 16|Nginx|fail2ban|Node.js 20|Elasticsearch|Postfix")
_FOLDERS = _alts("images|uploads|wp-content|shop|old|media|docs|invoices")
_WEEKDAYS = _alts("Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday")
_MONTHS = _alts("January|February|March|April|May|June|July|August|September|October|November|December")
_HELLO = _alts("Hello|Hi|Dear|Good morning")
_HOLDING = _alts(
    "We are looking into it and will get back to you shortly.|I've forwarded this to our "
    "engineers; expect an answer today.|Could you tell us when exactly this started?|Please "
    "send us the full error message and the steps to reproduce it.|Done, please check."
)
_PREFIX = ("", "", "", "", "", "", "Urgent: ", "Re: ", "Question: ", "URGENT - ", "Help: ")
_SUFFIX = ("", "", "", "", "", "", " - please help", " (again)", "!", " asap", " (urgent)")


def pick(rng: random.Random, seq: Sequence[T]) -> T:
    # random()-indexing: several times faster than rng.choice's rejection loop, and the same
    # on every Python version.
    return seq[int(rng.random() * len(seq))]


def num(rng: random.Random, low: int, high: int) -> int:
    """low <= n < high."""
    return low + int(rng.random() * (high - low))


def person(rng: random.Random) -> tuple[str, str]:
    return pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES)


def _slug(text: str) -> str:
    """'Müller & O'Brien' -> 'muller-o-brien': accents dropped, fit for domains and emails."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    kept = "".join(ch if ch.isalnum() else "-" for ch in plain)
    return "-".join(filter(None, kept.split("-")))


def client_identity(rng: random.Random, number: int) -> tuple[str, str, str, str, str]:
    """(first name, name, email, domain, comment) of client `number`; the number keeps emails unique."""
    first, last = person(rng)
    if rng.random() < 0.55:  # a company account
        brand, trade = pick(rng, _COMPANY_A) + pick(rng, _COMPANY_B), pick(rng, _COMPANY_TRADE)
        name = f"{brand} {trade} {pick(rng, _COMPANY_FORM)}"
        domain = _slug(brand + ("-" + trade if rng.random() < 0.5 else ""))
    else:
        name = f"{first} {last}"
        domain = _slug(last) + pick(rng, ("", "-family", "-photo", "-blog", "s"))
    domain = f"{domain}.{pick(rng, _TLDS)}"
    comment = pick(rng, _COMMENTS) if rng.random() < COMMENT_SHARE else ""
    return first, name, f"{_slug(first)}.{_slug(last)}.{number}@{domain}", domain, comment


def services_for(rng: random.Random, domain: str) -> list[tuple[str, str, str | None]]:
    """A client's services as (name, kind, domain): usually the domain, plus hosting or a VPS."""
    out: list[tuple[str, str, str | None]] = [(f"Domain {domain}", "domain", domain)]
    if rng.random() < 0.7:
        out.append((f"{pick(rng, _PLANS)} hosting ({domain})", "hosting", None))
    if rng.random() < 0.35:
        out.append((f"{pick(rng, _VPS_PLANS)} (vps-{num(rng, 1000, 99999)})", "vps", None))
    if rng.random() < 0.25:
        extra = f"{pick(rng, _COMPANY_A).lower()}{pick(rng, _COMPANY_B)}.{pick(rng, _TLDS)}"
        out.append((f"Domain {extra}", "domain", extra))
    if rng.random() < 0.1:
        out.append((pick(rng, ("SSL certificate", "Backup storage 100 GB", "Extra IP")), "other", None))
    return out


# The facts texts may mention, drawn only when a template asks for one (most tickets use 2-3).
_FACTS: dict[str, Callable[[random.Random, dict], object]] = {
    "sub": lambda r, c: pick(r, _SUBDOMAINS),
    "ip": lambda r, c: f"203.0.113.{num(r, 2, 254)}",
    "node": lambda r, c: f"node{num(r, 1, 60):02d}",
    "vps": lambda r, c: f"vps-{num(r, 1000, 99999)}",
    "plan": lambda r, c: pick(r, _PLANS),
    "vps_plan": lambda r, c: pick(r, _VPS_PLANS),
    "cms": lambda r, c: pick(r, _CMS),
    "error": lambda r, c: pick(r, _ERRORS),
    "php_old": lambda r, c: pick(r, ("7.4", "8.0", "8.1")),
    "php_new": lambda r, c: pick(r, ("8.2", "8.3", "8.4")),
    "hour": lambda r, c: num(r, 0, 24),
    "mailbox": lambda r, c: f"{pick(r, ('info', 'office', 'sales', 'contact', 'jobs'))}@{c['domain']}",
    "invoice": lambda r, c: f"INV-{num(r, 2022, 2026)}-{num(r, 10000, 99999)}",
    "amount": lambda r, c: f"{num(r, 5, 400)}.{pick(r, ('00', '50', '90', '99'))}",
    "vat": lambda r, c: f"EU{num(r, 100000000, 999999999)}",
    "month": lambda r, c: pick(r, _MONTHS),
    "weekday": lambda r, c: pick(r, _WEEKDAYS),
    "days": lambda r, c: num(r, 2, 10),
    "size": lambda r, c: num(r, 1, 40),
    "folder": lambda r, c: pick(r, _FOLDERS),
    "software": lambda r, c: pick(r, _SOFTWARE),
    "token": lambda r, c: f"{r.getrandbits(64):016x}",
    "user": lambda r, c: f"u{num(r, 1000, 9999)}",
    "date": lambda r, c: f"{num(r, 1, 29)} {pick(r, _MONTHS)}",
}


class Context(dict):
    """One ticket's facts: the same {ip} in every message of the ticket, drawn on first use."""

    def __init__(self, rng: random.Random, first: str, company: str, domain: str) -> None:
        super().__init__(first=first, company=company, domain=domain)
        self.rng = rng

    def __missing__(self, key: str) -> object:
        value = self[key] = _FACTS[key](self.rng, self)
        return value


def subject(rng: random.Random, topic: Topic, ctx: Context) -> str:
    text = pick(rng, _PREFIX) + pick(rng, topic.subjects).format_map(ctx) + pick(rng, _SUFFIX)
    return text[:200]


def first_message(rng: random.Random, topic: Topic, ctx: Context) -> str:
    parts = [pick(rng, topic.problems), pick(rng, topic.details)]
    if rng.random() < 0.35:
        more = pick(rng, topic.details)
        if more != parts[1]:
            parts.append(more)
    body = " ".join(parts).format_map(ctx)
    return f"{pick(rng, _GREET)}\n\n{body} {pick(rng, _ASKS)}\n\n{pick(rng, _SIGN)}\n{ctx['first']}"


def staff_reply(rng: random.Random, topic: Topic, ctx: Context, staff_name: str,
                department: str) -> str:
    if rng.random() < 0.2:
        body = pick(rng, _HOLDING)
    else:
        body = f"{pick(rng, _ACK)} {pick(rng, topic.replies).format_map(ctx)} {pick(rng, _NEXT)}"
    return (f"{pick(rng, _HELLO)} {ctx['first']},\n\n{body}\n\n{pick(rng, _SIGN)}\n"
            f"{staff_name}\n{department}")


def client_reply(rng: random.Random, topic: Topic, ctx: Context) -> str:
    text = pick(rng, _FOLLOW)
    if rng.random() < 0.3:
        text += " " + pick(rng, topic.details)
    return f"{text.format_map(ctx)}\n\n{ctx['first']}"


def internal_note(rng: random.Random, topic: Topic, ctx: Context) -> str:
    return pick(rng, topic.notes if rng.random() < 0.6 else _NOTES).format_map(ctx)


def summary(rng: random.Random) -> str:
    return pick(rng, _SUMMARIES)


def assigned_message(department: str) -> str:
    """The system message of "Assign"; the exact words of domain.md."""
    return f'The ticket has been assigned to "{department}"'


def abuse_description(rng: random.Random, kind: str, ctx: Context) -> str:
    source = pick(rng, ("a CERT", "Spamhaus", "a hosting peer", "Google Safe Browsing", "a victim"))
    return f"{kind.capitalize()} reported by {source} for {ctx['domain']} ({ctx['ip']})."
