"""The desk: the scripts' view of the help desk (the people by short name and one call per
action), and setting up the cast before the first ticket."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from sqlalchemy import select

from .. import admin
from .. import service as sv
from ..actors import ClientActor, StaffActor, client_actor, staff_actor
from ..db import Store
from ..models import Client
from ..service import ReplyResult
from ..views import NewAttachment
from ..mail.intake import receive
from ..mail.mailboxes import add_mailbox
from .clock import Clock
from .files import tidy
from .mails import demo_mail
from .people import CLIENTS, DEPARTMENTS, MAILBOXES, STAFF, TEMPLATES
from .targets import set_targets

# A conversation: acts through the desk, and yields how long to wait before its next step.
Script = Callable[["Desk"], Iterator[timedelta]]


class Desk:
    """The scripts' view of the help desk: actors by short name, and one call per action, each
    advancing the clock a little (people take some seconds per click)."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.rng = random.Random(2026)
        self.staff: dict[str, StaffActor] = {}
        self.clients: dict[str, ClientActor] = {}
        self.services: dict[str, int] = {}
        self.owner: dict[int, str] = {}  # ticket id -> client key
        self.tickets: dict[str, int] = {}  # labels the scripts share (split tickets...)
        self.spawned: list[tuple[timedelta, Script]] = []
        self.locks: dict[int, str] = {}  # the locks the scripts took: ticket id -> login

    def spawn(self, script: Script, after: timedelta) -> None:
        """Starts another script (a follow-up by someone else) `after` from now."""
        self.spawned.append((after, script))

    @property
    def now(self) -> datetime:
        return self.clock.current

    def date(self, back: float = 0, fmt: str = "%Y-%m-%d") -> str:
        """A date as it would appear in a pasted log, `back` days before now."""
        return (self.now - timedelta(days=back)).strftime(fmt)

    def _tick(self, low: int = 15, high: int = 90) -> None:
        self.clock.advance(self.rng.randint(low, high))

    def _s(self, login: str) -> StaffActor:
        return self.staff[login]

    # client side
    def open(self, client: str, department: str, subject: str, body: str, *,
             service: str | None = None, priority: str | None = None,
             files: tuple[NewAttachment, ...] = ()) -> int:
        tid = sv.open_ticket(self.store, self.clients[client], department, subject, tidy(body),
                             service_id=self.services[service] if service else None,
                             priority=priority, attachments=files)
        self.owner[tid] = client
        self._tick()
        return tid

    def say(self, tid: int, body: str, files: tuple[NewAttachment, ...] = ()) -> int:
        mid = sv.client_reply(self.store, self.clients[self.owner[tid]], tid, tidy(body), files)
        self._tick()
        return mid

    def read(self, tid: int) -> None:
        sv.show(self.store, self.clients[self.owner[tid]], tid)
        self._tick(5, 40)

    def archive(self, tid: int) -> None:
        sv.archive(self.store, self.clients[self.owner[tid]], tid)
        self._tick(5, 20)

    def client_draft(self, tid: int, body: str) -> None:
        sv.save_draft(self.store, self.clients[self.owner[tid]], tid, tidy(body))
        self._tick(5, 20)

    # staff side
    def look(self, login: str, tid: int) -> None:
        sv.show(self.store, self._s(login), tid)
        self._tick(10, 60)

    def take(self, login: str, tid: int, *, force: bool = False) -> None:
        if self.locks.get(tid) == login:
            return  # already hers: taking again would change nothing
        sv.take(self.store, self._s(login), tid, force=force)
        self.locks[tid] = login
        self._tick(5, 30)

    def reply(self, login: str, tid: int, body: str = "", *, internal: str = "",
              close: bool = False, files: tuple[NewAttachment, ...] = (), **kw) -> ReplyResult:
        """Send reply (or Ok with close=True), assigning the ticket to oneself first."""
        self.take(login, tid)
        result = sv.reply(self.store, self._s(login), tid, tidy(body), internal=tidy(internal),
                          close=close, attachments=files, **kw)
        if close:
            self.locks.pop(tid, None)
        self._tick(30, 120)
        return result

    def ok(self, login: str, tid: int, body: str = "", **kw) -> ReplyResult:
        return self.reply(login, tid, body, close=True, **kw)

    def note(self, login: str, tid: int, internal: str, **kw) -> ReplyResult:
        return self.reply(login, tid, internal=internal, **kw)

    def close(self, login: str, tid: int) -> None:
        sv.close(self.store, self._s(login), tid)
        self.locks.pop(tid, None)
        self._tick(5, 30)

    def unlock(self, login: str, tid: int) -> None:
        sv.unlock(self.store, self._s(login), tid)
        self.locks.pop(tid, None)
        self._tick(5, 20)

    def assign(self, login: str, tid: int, *, department: str | None = None,
               staff: str | None = None) -> None:
        sv.assign(self.store, self._s(login), tid, department=department, staff=staff)
        self._tick(10, 40)

    def delay(self, login: str, tid: int, until: datetime) -> None:
        sv.delay(self.store, self._s(login), tid, until)
        self._tick(5, 20)

    def summary(self, login: str, tid: int, text: str) -> None:
        sv.set_summary(self.store, self._s(login), tid, text)
        self._tick(10, 40)

    def favorite(self, login: str, tid: int) -> None:
        sv.set_favorite(self.store, self._s(login), tid, True)
        self._tick(2, 10)

    def abuse(self, login: str, tid: int, kind: str, description: str) -> int:
        case = sv.register_abuse(self.store, self._s(login), tid, kind, tidy(description))
        self._tick(30, 90)
        return case

    def draft(self, login: str, tid: int, body: str, internal: str = "") -> None:
        sv.save_draft(self.store, self._s(login), tid, tidy(body), tidy(internal))
        self._tick(10, 60)

    def split(self, login: str, tid: int, from_message: int) -> int:
        self.take(login, tid)
        new = sv.split(self.store, self._s(login), tid, from_message)
        self.owner[new] = self.owner[tid]
        self._tick(10, 40)
        return new

    def edit(self, login: str, message_id: int, body: str) -> None:
        sv.edit_message(self.store, self._s(login), message_id, tidy(body))
        self._tick(10, 40)

    # mail (store.mail.intake, as `mail receive` takes it)
    def mail_in(self, sender: str, to: str, subject: str, body: str, *, html: bool = False,
                answering: int | None = None) -> int:
        """A mail arrives: the ticket it lands on. answering: the ticket whose last mail from
        the desk it answers (In-Reply-To, as a mail program writes it)."""
        raw = demo_mail(self.store, self.now, sender, to, subject, tidy(body), html=html,
                        answering=answering)
        tid = receive(self.store, raw, to=to).ticket_id
        email = sender.rpartition("<")[2].rstrip(">").lower()
        if email not in self.clients:  # an unknown sender became a client
            self.clients[email] = client_actor(self.store, email)
        self.owner.setdefault(tid, next(k for k, c in self.clients.items() if c.email == email))
        self._tick()
        return tid


def setup_desk(store: Store, end: datetime) -> Desk:
    for name, per_incident in DEPARTMENTS:
        admin.add_department(store, name, per_incident=per_incident)
    for login, name, depts, head, is_admin in STAFF:
        admin.add_staff(store, login, name, list(depts), head=head, admin=is_admin)
    for key, email, name, comment, _years, _bal, _inc, services in CLIENTS:
        admin.add_client(store, email, name, comment)
        for _skey, sname, kind, domain in services:
            admin.add_service(store, email, sname, kind, domain)
    for title, dept, staff, body in TEMPLATES:
        admin.add_reply_template(store, title, body, department=dept, staff=staff)
    admin.set_setting(store, "use_priority", "true")
    admin.set_setting(store, "attachment_max_bytes", str(5 * 1024 * 1024))
    for address, department in MAILBOXES:  # the desk takes mail and answers by mail
        add_mailbox(store, address, department)
    set_targets(store, end)  # before the history: its due times come from it
    # Account data the billing panel owns (no help-desk action sets it): when each client
    # registered, their balance and the support incidents they bought.
    with store.write() as s:
        for key, email, _name, _c, years, balance, incidents, _svc in CLIENTS:
            client = s.scalar(select(Client).where(Client.email == email))
            client.registered_at = end - timedelta(days=round(years * 365.25) + 3)
            client.balance_cents = balance
            client.incidents_left = incidents
    desk = Desk(store, Clock(end, end))
    for login, *_rest in STAFF:
        desk.staff[login] = staff_actor(store, login)
    for key, email, _name, _c, _y, _b, _i, services in CLIENTS:
        desk.clients[key] = client_actor(store, email)
        ids = {name: sid for sid, name, _kind, _dom in sv.my_services(store, desk.clients[key])}
        for skey, sname, _kind, _dom in services:
            desk.services[skey] = ids[sname]
    return desk
