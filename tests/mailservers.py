"""Real mail servers for the tests, on loopback only: Dovecot for IMAP, aiosmtpd for SMTP.

Dovecot (Debian's dovecot-imapd) runs as a throw-away instance: its own config file, sockets,
state, log and Maildirs in a temp dir, one free loopback port, USERS users in a passwd-file
(each test takes its own, with an empty INBOX). What it takes here:
- under root (CI) the mail user can't be root: mail belongs to `nobody`, first_valid_uid says
  so, and Dovecot's own unprivileged users (dovecot, dovenull) run its auth and login
  processes, which must be able to enter the temp dir (chmod 0755) and read the passwd-file;
  as any other user everything runs as that user, without chroot;
- it is started in the foreground (-F) with its output going to a log file, never a pipe: its
  processes keep inherited pipes open, and a reader would wait on them for ever. Stopping it is
  SIGTERM to that process and a wait for it to exit;
- no SSL (loopback only) and plaintext LOGIN allowed.

The SMTP server is aiosmtpd in a thread: it records each mail it accepts (envelope and bytes)
and can be told to answer 4xx or 5xx to the next N mails.
"""

from __future__ import annotations

import grp
import imaplib
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

LOOPBACK = "127.0.0.1"
START_TIMEOUT = 15.0
USERS = 500


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def find_dovecot() -> str | None:
    found = shutil.which("dovecot")
    if found:
        return found
    return "/usr/sbin/dovecot" if os.access("/usr/sbin/dovecot", os.X_OK) else None


_CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
instance_name = ticket-tui-{port}
listen = {host}
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
mail_fsync = never
first_valid_uid = {uid}
last_valid_uid = 0
first_valid_gid = {gid}
default_internal_user = {internal_user}
default_login_user = {login_user}
{unprivileged}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = {host}
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
protocol imap {{
  mail_max_userip_connections = 200
}}
"""
# Not root: no chroot, no change of user, every socket owned by the one user there is.
_UNPRIVILEGED = """\
default_internal_group = {group}
service imap-login {{
  chroot =
}}
service anvil {{
  chroot =
}}
service auth {{
  user = $default_internal_user
}}
"""


@dataclass(frozen=True)
class ImapUser:
    name: str
    password: str


class Dovecot:
    """Start with .start(), stop with .stop(); .port is its IMAP port on 127.0.0.1."""

    def __init__(self) -> None:
        binary = find_dovecot()
        if binary is None:
            raise RuntimeError("no Dovecot found; apt-get install dovecot-imapd")
        self.binary = binary
        self.root = Path(tempfile.mkdtemp(prefix="ticket-tui-dovecot-"))
        self.port = free_port()
        self._process: subprocess.Popen[bytes] | None = None
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        if os.geteuid() == 0:
            mail_user = pwd.getpwnam("nobody")
            self._internal, self._login, self._unprivileged = "dovecot", "dovenull", ""
        else:
            mail_user = pwd.getpwuid(os.geteuid())
            self._internal = self._login = mail_user.pw_name
            self._unprivileged = _UNPRIVILEGED.format(group=grp.getgrgid(mail_user.pw_gid).gr_name)
        self.uid, self.gid = mail_user.pw_uid, mail_user.pw_gid

    def start(self) -> "Dovecot":
        os.chmod(self.root, 0o755)  # the auth and login processes run as other users
        for name in ("run", "state", "home"):
            (self.root / name).mkdir(mode=0o755)
        # Every user is there from the start: Dovecot reads a changed passwd-file again at most
        # once a second, so a user added while it runs may not log in yet.
        passwd = self.root / "passwd"
        passwd.write_text("".join(
            f"user{n}:{{PLAIN}}secret-{n}:{self.uid}:{self.gid}::{self.root}/home/user{n}::\n"
            for n in range(1, USERS + 1)))
        passwd.chmod(0o644)
        os.chown(self.root / "home", self.uid, self.gid)
        config = self.root / "dovecot.conf"
        config.write_text(_CONFIG.format(
            root=self.root, host=LOOPBACK, port=self.port, uid=self.uid, gid=self.gid,
            internal_user=self._internal, login_user=self._login, unprivileged=self._unprivileged))
        with open(self.root / "stdout.log", "wb") as log:
            self._process = subprocess.Popen(
                [self.binary, "-F", "-c", str(config)], stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, cwd=self.root, start_new_session=True)
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"Dovecot exited at start:\n{self.log()}")
            try:
                with socket.create_connection((LOOPBACK, self.port), timeout=1) as conn:
                    if conn.recv(64).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"Dovecot did not answer on port {self.port}:\n{self.log()}")

    def log(self) -> str:
        texts = []
        for name in ("stdout.log", "dovecot.log"):
            path = self.root / name
            if path.exists():
                texts.append(path.read_text(errors="replace")[-4000:])
        return "\n".join(texts)

    def add_user(self) -> ImapUser:
        """A mail user of its own, with an empty INBOX (each test takes one)."""
        with self._lock:
            number = next(self._numbers)
        if number > USERS:
            raise RuntimeError(f"all {USERS} users of the test Dovecot are taken")
        return ImapUser(f"user{number}", f"secret-{number}")

    def connect(self, user: ImapUser) -> imaplib.IMAP4:
        imap = imaplib.IMAP4(LOOPBACK, self.port, timeout=10)
        imap.login(user.name, user.password)
        return imap

    def stop(self) -> None:
        process, self._process = self._process, None
        try:
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
                _wait_gone(process.pid)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    recipients: tuple[str, ...]
    data: bytes  # as it came over the wire (after SMTP's dot-unstuffing)


class RecordingHandler:
    """aiosmtpd's handler: accepts and records each mail, or refuses the next ones when told."""

    def __init__(self) -> None:
        self.received: list[ReceivedMail] = []
        self._refusals: list[str] = []
        self._changed = threading.Condition()

    def refuse_next(self, count: int, code: int = 451, text: str = "4.3.0 Try again later") -> None:
        """Answer the next `count` mails with `code text` (4xx: try later; 5xx: never)."""
        with self._changed:
            self._refusals.extend([f"{code} {text}"] * count)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001 - aiosmtpd's hook
        with self._changed:
            if self._refusals:
                return self._refusals.pop(0)
            data = envelope.original_content or envelope.content
            self.received.append(ReceivedMail(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(data)))
            self._changed.notify_all()
        return "250 2.0.0 Message accepted"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[ReceivedMail]:
        """The mails received so far, once there are at least `count` (AssertionError if not)."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.received) >= count, timeout):
                raise AssertionError(f"{len(self.received)} mails received, {count} awaited")
            return list(self.received)


class SmtpServer:
    """aiosmtpd on 127.0.0.1 in its own thread; .port, .handler (what it received)."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.handler = RecordingHandler()
        self.port = free_port()
        self._controller = Controller(self.handler, hostname=LOOPBACK, port=self.port,
                                      ready_timeout=START_TIMEOUT)

    def start(self) -> "SmtpServer":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


def _wait_gone(group: int, timeout: float = 5.0) -> None:
    """Wait for the processes of a stopped server's group (its children) to be gone too."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except (ProcessLookupError, PermissionError):
            return
        time.sleep(0.05)
