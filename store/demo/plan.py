"""The plan: when each conversation starts, and the administrator's rounds of the queue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from .. import service as sv
from .clock import days, hours, mins
from .desk import Desk, Script
from .people import ADMIN
from .threads_abuse import t_bruteforce_limit, t_hacked_wordpress, t_impersonation, t_port25_spam
from .threads_billing import (t_card_update, t_cleanup_installments, t_invoice_address,
                              t_invoice_pdf, t_refund_dispute, t_two_charges, t_vat_id,
                              t_wrong_amount)
from .threads_domains import (t_alias_domain, t_autorenew_failed, t_cancel_domain,
                              t_dns_propagation, t_external_dns, t_shop_subdomain, t_transfer_in)
from .threads_hosting import (t_backup_retention, t_cjk_charset, t_db_connection, t_lost_2fa,
                              t_pci_question, t_php83, t_restore_gallery, t_sftp_login,
                              t_slow_from_china, t_staging_copy)
from .threads_mailed import t_mail_contact_form, t_mail_full_mailbox, t_mail_html_invoice
from .threads_mail import (t_bounce_550, t_contact_form, t_forwarding, t_mailbox_quota,
                           t_new_mailbox, t_spam_folder)
from .threads_oom import t_oom_long
from .threads_sales import t_black_friday, t_managed_postgres, t_upgrade_xl32
from .threads_ssl import t_mixed_content, t_ssl_expired, t_wildcard_cert
from .threads_vps import (t_api_slow, t_api_tokens, t_ddos, t_docker_loop, t_firewall_5432,
                          t_ipv6, t_ptr, t_remove_user)


def make_plan(day: Callable[..., datetime],
              ago: Callable[[timedelta], datetime]) -> list[tuple[datetime, Script]]:
    """Each conversation with its start: `day(n, h, m)` in the window, or `ago(delta)` before the end."""
    return [
        (day(0, 7, 34), t_firewall_5432),
        (day(0, 10, 2), t_vat_id),
        (day(0, 14, 21), t_new_mailbox),
        (day(1, 8, 5), t_admin_rounds),
        (day(5, 8, 41), t_oom_long),
        (day(1, 16, 5), t_php83),
        (day(2, 9, 3), t_dns_propagation),
        (day(2, 12, 17), t_restore_gallery),
        (day(2, 20, 33), t_ptr),
        (day(3, 6, 12), t_ddos),
        (day(3, 19, 8), t_docker_loop),
        (day(4, 9, 10), t_invoice_pdf),
        (day(4, 13, 22), t_spam_folder),
        (day(5, 2, 31), t_cjk_charset),
        (day(5, 12, 4), t_cancel_domain),
        (day(6, 10, 6), t_ssl_expired),
        (day(6, 20, 15), t_api_tokens),
        (day(7, 9, 47), t_refund_dispute),
        (day(8, 7, 16), t_hacked_wordpress),
        (day(9, 8, 3), t_remove_user),
        (day(9, 11, 2), t_autorenew_failed),
        (day(10, 8, 31), t_transfer_in),
        (day(11, 8, 5), t_forwarding),
        (day(11, 15, 1), t_two_charges),
        (day(12, 9, 12), t_cleanup_installments),
        (day(12, 16, 40), t_port25_spam),
        (day(13, 3, 5), t_alias_domain),
        (day(13, 9, 20), t_wrong_amount),
        (day(14, 10, 4), t_staging_copy),
        (day(14, 12, 30), t_invoice_address),
        (day(15, 10, 33), t_mailbox_quota),
        (day(15, 13, 2), t_shop_subdomain),
        (day(16, 6, 2), t_bruteforce_limit),
        (day(16, 12, 11), t_managed_postgres),
        (day(17, 9, 4), t_contact_form),
        (day(17, 14, 12), t_upgrade_xl32),
        (day(18, 7, 31), t_api_slow),
        (day(18, 11, 6), t_impersonation),
        (day(18, 16, 2), t_backup_retention),
        (day(19, 2, 14), t_slow_from_china),
        (day(19, 10, 8), t_black_friday),
        (day(19, 18, 33), t_lost_2fa),
        (day(20, 8, 12), t_mixed_content),
        (ago(days(3) + hours(2)), t_card_update),
        (ago(days(2) + hours(4)), t_pci_question),
        (ago(days(1) + hours(1)), t_external_dns),
        (ago(hours(20)), t_wildcard_cert),
        (ago(hours(5) + mins(20)), t_ipv6),
        (ago(hours(3) + mins(5)), t_bounce_550),
        (ago(hours(2) + mins(10)), t_db_connection),
        (ago(mins(45)), t_sftp_login),
        (day(16, 10, 12), t_mail_contact_form),
        (ago(days(2) + hours(6)), t_mail_html_invoice),
        (ago(hours(7)), t_mail_full_mailbox),
    ]


def t_admin_rounds(d: Desk):
    """The administrator's morning look at the top of the queue, every other day."""
    for round_number in range(10):
        if round_number:
            yield days(2)
        rows = sv.list_tickets(d.store, d.staff[ADMIN], sv.ListSpec("queue"), limit=6)
        for row in rows:
            d.look(ADMIN, row.id)
