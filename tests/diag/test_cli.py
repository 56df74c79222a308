"""`ticket-tui diag dig` and `diag whois`: the answer on stdout, a failure as one line and its exit code."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.common import AppContext
from cli.diag import diag
from tests import whoisserver as ws
from tests.diag.timeouts import OK, T
from tests.whoisserver import closed_port


def run_cli(*args: str):
    return CliRunner().invoke(diag, list(args), obj=AppContext(None, None, None))


def one_error_line(result, code: int) -> str:
    assert result.exit_code == code, (result.output, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def test_cli_dig_prints_the_answer(dns_port) -> None:
    result = run_cli("dig", "example.test", "--type", "mx", "--server", "127.0.0.1",
                     "--port", str(dns_port), "--timeout", str(OK))
    assert result.exit_code == 0 and result.stderr == ""
    assert ";; ANSWER SECTION:" in result.stdout and "10 mail.example.test." in result.stdout


@pytest.mark.parametrize("name, code, message", [
    ("nope.example.test", 1, "Error: nope.example.test does not exist (NXDOMAIN)."),
    ("timeout.example.test", 1, "Error: No answer from 127.0.0.1:{port} within 0.4 s."),
    ("garbage.example.test", 1, "Error: The answer from 127.0.0.1:{port} is not a valid DNS message"),
    ("bad name", 2, "Error: 'bad name' is not a domain name"),
])
def test_cli_dig_fails_with_one_line(dns_port, name, code, message) -> None:
    timeout = T if name.startswith("timeout.") else OK
    result = run_cli("dig", name, "-s", "127.0.0.1", "-p", str(dns_port), "--timeout", str(timeout))
    assert one_error_line(result, code).startswith(message.format(port=dns_port))


def test_cli_dig_exit_codes_for_a_dead_server_and_a_bad_type() -> None:
    port = str(closed_port())
    dead = run_cli("dig", "example.test", "-s", "127.0.0.1", "-p", port)
    assert "refused the query" in one_error_line(dead, 1)
    assert "'SRV' is not a record type" in one_error_line(
        run_cli("dig", "example.test", "-t", "SRV", "-s", "127.0.0.1", "-p", port), 2)


def test_cli_whois(chain) -> None:
    servers, _ = chain
    port = str(servers[ws.REGISTRY].port)
    ok = run_cli("whois", "example.test", "--server", "127.0.0.1", "--port", port, "--timeout", str(OK))
    assert ok.exit_code == 0 and "Registrar:    Registry View Of The Registrar" in ok.stdout
    assert one_error_line(run_cli("whois", "unknown.test", "-s", "127.0.0.1", "-p", port), 1) == (
        "Error: unknown.test is not registered: the whois server 127.0.0.1 found no match.")
    slow = run_cli("whois", "slow.test", "-s", "127.0.0.1", "-p", port, "--timeout", str(T))
    assert one_error_line(slow, 1) == f"Error: No answer from the whois server 127.0.0.1:{port} within 0.4 s."
    dead = run_cli("whois", "example.test", "-s", "127.0.0.1", "-p", str(closed_port()))
    assert "refused the connection" in one_error_line(dead, 1)
    assert "--port goes with --server" in one_error_line(run_cli("whois", "example.test", "-p", port), 2)
