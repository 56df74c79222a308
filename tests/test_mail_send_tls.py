"""The SMTP client against a server with TLS and a login (aiosmtpd, a throw-away certificate
for 127.0.0.1 that the test trusts through $SSL_CERT_FILE): smtp://user@host?starttls=yes with
the password from the config's file or $TICKET_TUI_SMTP_PASSWORD, smtps://; a wrong password
is a temporary failure with the server's answer (the desk's setting, not the mail's fault)."""

from __future__ import annotations

import ssl
import subprocess

import pytest

from store import service as sv
from store.db import Store
from store.mail.outbox import list_outbox
from store.mail.sending import send_pass
from tests.mail_desk import set_setting
from tests.mailservers import LOOPBACK, RecordingHandler, SmtpServer, free_port
from tests.outbox_desk import outbox_desk

USER, PASSWORD = "desk", "correct horse battery"


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                           "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                           "-addext", "subjectAltName=IP:127.0.0.1"], capture_output=True)
    if made.returncode:
        pytest.skip(f"openssl could not make a certificate: {made.stderr.decode()[-200:]}")
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts it, as a real CA's
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def _authenticator(server, session, envelope, mechanism, auth_data):  # noqa: ANN001 - aiosmtpd's
    from aiosmtpd.smtp import AuthResult

    ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


def tls_server(context: ssl.SSLContext, *, implicit: bool) -> SmtpServer:
    from aiosmtpd.controller import Controller

    server = SmtpServer.__new__(SmtpServer)
    server.handler, server.port = RecordingHandler(), free_port()
    options = {"ssl_context": context} if implicit else {
        "tls_context": context, "require_starttls": True, "authenticator": _authenticator,
        "auth_require_tls": True}
    server._controller = Controller(server.handler, hostname=LOOPBACK, port=server.port,
                                    ready_timeout=15, server_hostname=LOOPBACK, **options)
    return server.start()


@pytest.fixture
def desk(sqlite_url: str):
    store = Store.open(sqlite_url)
    yield store
    store.close()


def _one_reply(box) -> None:
    ticket = box.mailed_ticket()
    sv.reply(box.store, box.desk.alice, ticket, "Over TLS.")


def test_starttls_and_a_login_with_the_password_file(desk, certificate, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("TICKET_TUI_SMTP_PASSWORD", raising=False)
    server = tls_server(certificate, implicit=False)
    try:
        box = outbox_desk(desk, server)
        set_setting(desk, "smtp_url", f"smtp://{USER}@127.0.0.1:{server.port}?starttls=yes")
        secret = tmp_path / "smtp.pw"
        secret.write_text("wrong password\n")
        secret.chmod(0o600)
        _one_reply(box)
        assert send_pass(desk, password_file=str(secret)) == (0, 1, 0)
        [row] = list_outbox(desk)
        assert row.last_answer.startswith("Login refused: 535")
        secret.write_text(PASSWORD + "\n")
        assert send_pass(desk, password_file=str(secret), now=row.not_before) == (1, 0, 0)
        assert len(server.handler.wait_for(1)) == 1
        _one_reply(box)
        monkeypatch.setenv("TICKET_TUI_SMTP_PASSWORD", PASSWORD)  # the environment's wins
        secret.write_text("wrong password\n")
        assert send_pass(desk, password_file=str(secret)) == (1, 0, 0)
    finally:
        server.stop()


def test_smtps(desk, certificate) -> None:
    server = tls_server(certificate, implicit=True)
    try:
        box = outbox_desk(desk, server)
        set_setting(desk, "smtp_url", f"smtps://127.0.0.1:{server.port}")
        _one_reply(box)
        assert send_pass(desk) == (1, 0, 0)
        assert len(server.handler.wait_for(1)) == 1
    finally:
        server.stop()


def test_an_untrusted_certificate_is_a_temporary_failure(desk, certificate, monkeypatch) -> None:
    server = tls_server(certificate, implicit=True)
    monkeypatch.delenv("SSL_CERT_FILE")
    try:
        box = outbox_desk(desk, server)
        set_setting(desk, "smtp_url", f"smtps://127.0.0.1:{server.port}")
        _one_reply(box)
        assert send_pass(desk) == (0, 1, 0)
        assert "CERTIFICATE_VERIFY_FAILED" in list_outbox(desk)[0].last_answer
        assert server.handler.received == []
    finally:
        server.stop()
