"""`ticket-tui diag dig|whois DOMAIN`: the domain diagnostics of the ticket screen, on a shell.

The output is the same text the TUI shows (and inserts into the internal comment). A failure
is one line "Error: ..." on stderr: exit 1 when the network or the server failed (NXDOMAIN,
time-out, unreachable, malformed answer), exit 2 when the question itself was bad.
"""

from __future__ import annotations

import click

from store.diag import RECORD_TYPES, BadQuery

from .common import TicketTuiGroup


def _configured(name: str):
    """A setting of the config file (dns_server, dns_port, whois_server, whois_port) if the
    Config has it; a missing context or setting means the built-in default."""
    ctx = click.get_current_context(silent=True)
    app = ctx.find_root().obj if ctx is not None else None
    return getattr(getattr(app, "config", None), name, None)


# TicketTuiGroup here too, so the group turns DiagErrors into exit codes on its own as well
# as under `ticket-tui` (whose group does the same one level up).
@click.group(cls=TicketTuiGroup)
def diag() -> None:
    """Diagnose a domain: DNS records (dig) and registration (whois)."""


@diag.command("dig")
@click.argument("domain")
@click.option("--type", "-t", "rtype", default="A", show_default=True, metavar="T",
              help=f"Record type: {', '.join(RECORD_TYPES)}.")
@click.option("--server", "-s", metavar="HOST",
              help="DNS server to ask (else the config's, else the system resolver).")
@click.option("--port", "-p", type=int, metavar="N", help="Port of the DNS server (53).")
@click.option("--timeout", type=float, default=3.0, show_default=True, metavar="SECONDS",
              help="How long to wait for the answer.")
def dig_command(domain: str, rtype: str, server: str | None, port: int | None,
                timeout: float) -> None:
    """Look up DOMAIN's records, shown as dig shows them."""
    from store.diag.dig import dig as run_dig, format_dig  # the DNS library: only when asked

    server = server or _configured("dns_server")
    port = port if port is not None else (_configured("dns_port") or 53)
    result = run_dig(domain, rtype, server=server, port=port, timeout=timeout)
    click.echo(format_dig(result), nl=False)


@diag.command("whois")
@click.argument("domain")
@click.option("--server", "-s", metavar="HOST",
              help="Ask only this whois server (no referral); else start at whois.iana.org "
                   "and follow the referrals.")
@click.option("--port", "-p", type=int, metavar="N", help="Port of --server (43).")
@click.option("--timeout", type=float, default=5.0, show_default=True, metavar="SECONDS",
              help="How long to wait for each server's answer.")
def whois_command(domain: str, server: str | None, port: int | None, timeout: float) -> None:
    """Look up DOMAIN's registration: key fields first, then the server's answer."""
    from store.diag.whois import format_whois, whois as run_whois

    if port is not None and not server:
        raise BadQuery("--port goes with --server (referred servers are asked on port 43).")
    server = server or _configured("whois_server")
    port = port if port is not None else (_configured("whois_port") or 43)
    result = run_whois(domain, server=server, port=port, timeout=timeout)
    click.echo(format_whois(result), nl=False)


COMMANDS = [diag]
