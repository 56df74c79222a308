"""The words a template's {fact} fields are drawn from (the hosting plans are in clients.py)."""

from __future__ import annotations

from . import alts

SUBDOMAINS = alts("www|shop|mail|blog|api|dev|staging|crm|intranet|cdn")
CMS = alts("WordPress|Joomla|Drupal|PrestaShop|Magento|Nextcloud|a Laravel app|Ghost")
ERRORS = alts(
    "ERR_CONNECTION_TIMED_OUT|503 Service Unavailable|500 Internal Server Error|"
    "DNS_PROBE_FINISHED_NXDOMAIN|NET::ERR_CERT_DATE_INVALID|550 5.7.1 Message rejected|"
    "Error establishing a database connection|502 Bad Gateway|Connection refused|"
    "421 Too many connections|Allowed memory size exhausted|SSL_ERROR_BAD_CERT_DOMAIN"
)
SOFTWARE = alts("Docker|Redis|PostgreSQL 16|Nginx|fail2ban|Node.js 20|Elasticsearch|Postfix")
FOLDERS = alts("images|uploads|wp-content|shop|old|media|docs|invoices")
WEEKDAYS = alts("Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday")
MONTHS = alts("January|February|March|April|May|June|July|August|September|October|November|December")
