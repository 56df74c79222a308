"""What seeded tickets are about: per topic, its department, the services it concerns, and the
alternatives for its subjects, problems, details, staff replies and internal notes."""

from __future__ import annotations

from dataclasses import dataclass

from . import alts
from .staff import DEPARTMENTS


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
    return Topic(key, dept, alts(kinds), alts(subjects), alts(problems), alts(details),
                 alts(replies), alts(notes))


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
