"""STARTTLS with the real Dovecot (its own instance, with a certificate made for the test): the
fetch takes it when the server offers it, and verifies the certificate; `?starttls=no` refuses
it. The server's log says whether a login came over TLS."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from store.mail.fetch import fetch_all
from tests import mailservers
from tests.imap_desk import append, imap_desk
from tests.mail_desk import count, mail
from tests.mailservers import Dovecot


@pytest.fixture
def tls_dovecot(monkeypatch):
    if shutil.which("openssl") is None:
        pytest.skip("no openssl to make a certificate")
    server = Dovecot()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(server.root / "key.pem"), "-out", str(server.root / "cert.pem"),
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True)
    tls = "ssl = yes\nssl_cert = <{root}/cert.pem\nssl_key = <{root}/key.pem\n"
    with monkeypatch.context() as patch:
        patch.setattr(mailservers, "_CONFIG", mailservers._CONFIG.replace("ssl = no\n", tls))
        server.start()
    yield server
    server.stop()


def tls_logins(server: Dovecot) -> list[bool]:
    """For each login the server logged: was it over TLS?"""
    log = (server.root / "dovecot.log").read_text()
    return [", TLS" in line for line in log.splitlines() if "imap-login: Info: Login:" in line]


def test_starttls_when_offered_with_the_certificate_verified(store, tls_dovecot, tmp_path,
                                                             monkeypatch) -> None:
    user = tls_dovecot.add_user()
    imap_desk(store, tls_dovecot, tmp_path, user)
    append(tls_dovecot, user, mail("Over TLS"))
    before = len(tls_logins(tls_dovecot))
    # An unknown certificate is refused: nothing is sent before it is verified.
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-ca.pem"))
    [refused] = fetch_all(store)
    assert refused.errors and "certificate" in refused.errors[0] and count(store, "tickets") == 0
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_dovecot.root / "cert.pem"))
    [summary] = fetch_all(store)
    assert (summary.taken, summary.errors) == (1, [])
    assert tls_logins(tls_dovecot)[before:] == [True]


def test_starttls_no_logs_in_without_it(store, tls_dovecot, tmp_path) -> None:
    from store.mail.mailboxes import add_mailbox
    from tests.desk import make_desk
    from tests.imap_desk import imap_url, password_file

    user = tls_dovecot.add_user()
    make_desk(store)
    add_mailbox(store, "support@desk.example", "Technical support",
                imap_url=imap_url(tls_dovecot, user) + "?starttls=no",
                password_file=password_file(tmp_path, user))
    append(tls_dovecot, user, mail("In plain text, on loopback"))
    before = len(tls_logins(tls_dovecot))
    [summary] = fetch_all(store)
    assert (summary.taken, summary.errors) == (1, [])
    assert tls_logins(tls_dovecot)[before:] == [False]
