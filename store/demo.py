"""The demo help desk: a small hosting provider, three weeks into a busy month.

`build_demo` writes it THROUGH THE SERVICE API (open_ticket, take, reply, assign, split...),
so every rule of domain.md holds exactly as it would for real users. Time is driven by a fake
clock: the service stamps every write with store.types.utcnow(), which the clock replaces
while the demo is built, so conversations are spread realistically over the last three weeks
and end at the real "now". Nothing lies in the future except delays.

The conversations are hand-written and run as small scripts, interleaved by a scheduler in
time order (so ticket numbers grow with their opening time, as they would). A few messages
are there on purpose to exercise safe display: pasted config with square-bracket markup, CJK
text and emoji, and a terminal log line with real ANSI escape bytes.

Only account data the billing panel owns and the help desk has no action for (a client's
registration date, balance and support incidents) is set directly, before any ticket exists.
"""

from __future__ import annotations

import heapq
import random
import struct
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from textwrap import dedent

from sqlalchemy import func, select

from . import admin, types
from . import service as sv
from .actors import ClientActor, StaffActor, client_actor, staff_actor
from .db import Store
from .engine import parse_url
from .errors import BadInput
from .models import Client, Department, Staff, Ticket
from .service import ReplyResult
from .views import NewAttachment

ADMIN = "admin"
WINDOW_DAYS = 21


@dataclass(frozen=True)
class DemoInfo:
    """What the demo holds: who to open it as, who else works there, and how big it is."""

    admin: str  # the administrator's login the TUI opens as
    staff: tuple[str, ...]  # the other staff members' logins
    clients: tuple[str, ...]  # client emails
    tickets: int


def default_demo_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("ticket-tui", appauthor=False) / "demo.db"


# --- opening ---------------------------------------------------------------------------------

def ensure_demo(url: str | None = None, reset: bool = False) -> tuple[Store, DemoInfo]:
    """Opens the demo store (a SQLite file in the user data dir unless url is given) and builds
    the demo if the database has no departments yet. reset=True deletes a SQLite demo first;
    a PostgreSQL database is never dropped here (give an empty one instead)."""
    if url is None:
        url = f"sqlite:///{default_demo_path()}"
    path = _sqlite_file(url)
    if reset:
        if path is None:
            raise BadInput("Only a SQLite demo database can be reset; give an empty PostgreSQL "
                           "database for a fresh demo there.")
        _delete_sqlite(path)
    store = Store.open(url)
    try:
        with store.read() as s:
            built = bool(s.scalar(select(func.count(Department.id))))
        if not built:
            try:
                info = build_demo(store)
            except BaseException:
                if path is not None:
                    store.close()
                    _delete_sqlite(path)
                raise
            return store, info
        info = demo_info(store)
        with store.read() as s:
            is_demo = s.scalar(select(Staff.is_admin).where(Staff.login == ADMIN))
        if not is_demo:
            raise BadInput("This database already holds a help desk that is not the demo; "
                           "choose another database for the demo.")
        return store, info
    except BaseException:
        store.close()
        raise


def _sqlite_file(url: str) -> Path | None:
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database).expanduser()


def _delete_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def demo_info(store: Store) -> DemoInfo:
    """The DemoInfo of a database that holds the demo."""
    with store.read() as s:
        staff = tuple(s.scalars(select(Staff.login).where(Staff.login != ADMIN).order_by(Staff.id)))
        clients = tuple(s.scalars(select(Client.email).order_by(Client.id)))
        tickets = s.scalar(select(func.count(Ticket.id)))
    return DemoInfo(ADMIN, staff, clients, tickets)


# --- the clock and the scheduler ---------------------------------------------------------------

class Clock:
    """The store's time while the demo is built: moves only forward, never past `end`."""

    def __init__(self, start: datetime, end: datetime) -> None:
        self.current = start
        self.end = end
        self.clamped = 0  # how many times a step wanted to go past the end (a script too long)

    def now(self) -> datetime:
        return self.current

    def at(self, when: datetime) -> None:
        if when > self.end:
            self.clamped += 1
            when = self.end
        self.current = max(self.current, when)

    def advance(self, seconds: float) -> None:
        self.at(self.current + timedelta(seconds=seconds))


@contextmanager
def fake_clock(start: datetime, end: datetime) -> Iterator[Clock]:
    """Replaces store.types.utcnow with the clock's time until the block ends.

    It is a module global: don't build a demo while other threads use the same process's store.
    """
    clock = Clock(start, end)
    original = types.utcnow
    types.utcnow = clock.now
    try:
        yield clock
    finally:
        types.utcnow = original


def mins(n: float) -> timedelta:
    return timedelta(minutes=n)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def days(n: float) -> timedelta:
    return timedelta(days=n)


Script = Callable[["Desk"], Iterator[timedelta]]


def _run(desk: "Desk", plan: list[tuple[datetime, Script]]) -> None:
    """Runs the scripts interleaved in time order. A script yields how long to wait before its
    next step; its steps run with the clock at their time."""
    queue: list[tuple[datetime, int, Iterator[timedelta]]] = []
    for order, (start, script) in enumerate(plan):
        heapq.heappush(queue, (start, order, script(desk)))
    order = len(plan)
    while queue:
        when, number, steps = heapq.heappop(queue)
        desk.clock.at(when)
        try:
            wait = next(steps)
        except StopIteration:
            wait = None
        if wait is not None:
            heapq.heappush(queue, (desk.clock.current + wait, number, steps))
        for after, script in desk.spawned:
            heapq.heappush(queue, (desk.clock.current + after, order, script(desk)))
            order += 1
        desk.spawned.clear()


# --- generated files -----------------------------------------------------------------------------

def _t(text: str) -> str:
    return dedent(text).strip("\n")


def text_file(name: str, text: str, content_type: str = "text/plain") -> NewAttachment:
    return NewAttachment(name, _t(text).encode() + b"\n", content_type)


def png_file(name: str, width: int, height: int, seed: int, kind: str = "chart") -> NewAttachment:
    """A real PNG: a bar chart, or a browser window with a red warning band (a "screenshot")."""
    rng = random.Random(seed)
    rows = []
    if kind == "chart":
        bars = [rng.randint(height // 6, height - 8) for _ in range(width // 8)]
        for y in range(height):
            row = bytearray()
            for x in range(width):
                bar = bars[min(x // 8, len(bars) - 1)]
                if x % 8 == 0:
                    row += b"\xff\xff\xff"
                elif height - y <= bar:
                    peak = bar > height * 0.8
                    row += bytes((214, 69, 65) if peak else (66, 133, 244))
                else:
                    shade = 250 - (y % 16 == 0) * 20
                    row += bytes((shade, shade, shade))
            rows.append(b"\x00" + bytes(row))
    else:
        for y in range(height):
            row = bytearray()
            for x in range(width):
                if y < 14:
                    row += bytes((222, 225, 230))
                elif 30 <= y < 58:
                    row += bytes((200, 35, 51))
                elif 70 <= y and (y // 6) % 2 == 0 and 16 <= x < 16 + rng.randint(width // 3, width - 32):
                    row += bytes((90, 90, 90))
                else:
                    row += b"\xff\xff\xff"
            rows.append(b"\x00" + bytes(row))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))

    data = (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"tEXt", b"Software\x00demo screenshot")
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 6))
            + chunk(b"IEND", b""))
    return NewAttachment(name, data, "image/png")


def pdf_file(name: str, lines: list[str]) -> NewAttachment:
    """A small, valid one-page PDF (Helvetica text lines): an invoice or a credit note."""
    def esc(line: str) -> str:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = "BT /F1 11 Tf 56 790 Td 15 TL\n" + "".join(f"({esc(x)}) Tj T*\n" for x in lines) + "ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = "%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out.encode("latin-1")))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out.encode("latin-1"))
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return NewAttachment(name, out.encode("latin-1"), "application/pdf")


# --- the desk: the people and the actions the scripts use ------------------------------------------

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
        tid = sv.open_ticket(self.store, self.clients[client], department, subject, _t(body),
                             service_id=self.services[service] if service else None,
                             priority=priority, attachments=files)
        self.owner[tid] = client
        self._tick()
        return tid

    def say(self, tid: int, body: str, files: tuple[NewAttachment, ...] = ()) -> int:
        mid = sv.client_reply(self.store, self.clients[self.owner[tid]], tid, _t(body), files)
        self._tick()
        return mid

    def read(self, tid: int) -> None:
        sv.show(self.store, self.clients[self.owner[tid]], tid)
        self._tick(5, 40)

    def archive(self, tid: int) -> None:
        sv.archive(self.store, self.clients[self.owner[tid]], tid)
        self._tick(5, 20)

    def client_draft(self, tid: int, body: str) -> None:
        sv.save_draft(self.store, self.clients[self.owner[tid]], tid, _t(body))
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
        result = sv.reply(self.store, self._s(login), tid, _t(body), internal=_t(internal),
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
        case = sv.register_abuse(self.store, self._s(login), tid, kind, _t(description))
        self._tick(30, 90)
        return case

    def draft(self, login: str, tid: int, body: str, internal: str = "") -> None:
        sv.save_draft(self.store, self._s(login), tid, _t(body), _t(internal))
        self._tick(10, 60)

    def split(self, login: str, tid: int, from_message: int) -> int:
        self.take(login, tid)
        new = sv.split(self.store, self._s(login), tid, from_message)
        self.owner[new] = self.owner[tid]
        self._tick(10, 40)
        return new

    def edit(self, login: str, message_id: int, body: str) -> None:
        sv.edit_message(self.store, self._s(login), message_id, _t(body))
        self._tick(10, 40)


# --- the people ----------------------------------------------------------------------------------

DEPARTMENTS = (("Billing", False), ("Technical support", True), ("Domains", False),
               ("Abuse desk", False))

# login, name, departments, head of them, administrator
STAFF = (
    (ADMIN, "Dana Whitfield", (), False, True),
    ("marek.novak", "Marek Novák", ("Technical support",), True, False),
    ("sofia.reyes", "Sofia Reyes", ("Technical support",), False, False),
    ("lena.fischer", "Lena Fischer", ("Technical support",), False, False),
    ("kenji.watanabe", "Kenji Watanabe", ("Technical support", "Abuse desk"), False, False),
    ("priya.nair", "Priya Nair", ("Billing",), True, False),
    ("tom.becker", "Tom Becker", ("Billing", "Domains"), False, False),
    ("olivia.grant", "Olivia Grant", ("Domains",), True, False),
    ("rafael.costa", "Rafael Costa", ("Abuse desk",), True, False),
)

# key, email, name, internal comment, years a client, balance, support incidents left,
# services: (key, name, kind, domain)
CLIENTS = (
    ("harriet", "harriet@colesbakery.example", "Harriet Cole",
     "Owns Cole's Corner Bakery. Not technical: explain step by step, no jargon. "
     "Prefers a phone call after 15:00 CET for anything urgent: +44 20 7946 0718.",
     4.2, 4_150, 6,
     (("colesbakery", "colesbakery.example", "domain", "colesbakery.example"),
      ("harriet-hosting", "Business hosting (colesbakery.example)", "hosting", None))),
    ("jonas", "jonas@albrecht-it.test", "Jonas Albrecht",
     "Freelance sysadmin, knows his stuff: send raw logs and commands, skip the basics.",
     2.7, 12_000, 10,
     (("albrecht-vps", "VPS M-4 (vps-7731)", "vps", None),
      ("albrecht-it", "albrecht-it.test", "domain", "albrecht-it.test"))),
    ("amara", "amara@amara-textiles.example", "Amara Okafor",
     "Online shop for handmade textiles; peak season is November-December. VIP: six years "
     "with us, never late with a payment.",
     6.1, 25_000, 12,
     (("amara-textiles", "amara-textiles.example", "domain", "amara-textiles.example"),
      ("amara-hosting", "Business Plus hosting (shop)", "hosting", None))),
    ("lucas", "lucas@moreau-photo.example", "Lucas Moreau",
     "WordPress portfolio, many plugins, rarely updated. Compromised once before, two years ago. "
     "Offer managed WordPress when it fits.",
     3.4, 3_000, 2,
     (("moreau-photo", "moreau-photo.example", "domain", "moreau-photo.example"),
      ("lucas-hosting", "Starter hosting (WordPress)", "hosting", None))),
    ("meilin", "meilin.chen@example.net", "Chen Meilin",
     "Tea shop run from Hangzhou and Leeds; writes in English, product names in Chinese. "
     "Time zone UTC+8: answers arrive overnight.",
     1.3, 8_800, 5,
     (("lotus-tea", "lotus-tea.example", "domain", "lotus-tea.example"),
      ("meilin-hosting", "Business hosting (lotus-tea.example)", "hosting", None))),
    ("dmitri", "dmitri.volkov@example.org", "Dmitri Volkov",
     "Runs PostgreSQL and Metabase for his analytics clients on one VPS. Asked twice about a "
     "managed database offer: a sales lead.",
     2.0, 20_000, 8,
     (("volkov-vps", "VPS L-8 (pg-analytics-01)", "vps", None),
      ("volkov-analytics", "volkov-analytics.example", "domain", "volkov-analytics.example"))),
    ("greta", "greta@nordicyarn.example", "Greta Svensson", "",
     0.1, 1_500, 3,
     (("nordicyarn", "nordicyarn.example", "domain", "nordicyarn.example"),
      ("greta-hosting", "Starter hosting (nordicyarn.example)", "hosting", None))),
    ("pablo", "pablo@herrera-legal.example", "Pablo Herrera",
     "Law firm. Disputed an invoice in the spring (settled with a credit note). Be exact with "
     "amounts and dates; he keeps every email.",
     5.0, 0, 4,
     (("herrera-legal", "herrera-legal.example", "domain", "herrera-legal.example"),
      ("pablo-hosting", "Business hosting (herrera-legal.example)", "hosting", None))),
    ("fatima", "fatima@atlas-travel.example", "Fatima El Idrissi", "",
     1.8, 9_500, 7,
     (("atlas-travel", "atlas-travel.example", "domain", "atlas-travel.example"),
      ("atlas-vps", "VPS S-2 (booking-api)", "vps", None))),
    ("oliver", "oliver@brandt-games.test", "Oliver Brandt",
     "Game servers. Port 25 was unblocked at his request for the forum's mail; watch for "
     "abuse reports.",
     2.4, 6_000, 4,
     (("brandt-vps", "VPS XL-16 (game servers)", "vps", None),
      ("brandt-games", "brandt-games.test", "domain", "brandt-games.test"))),
    ("sanne", "sanne@devries-architects.example", "Sanne de Vries", "",
     0.6, 5_400, 5,
     (("devries", "devries-architects.example", "domain", "devries-architects.example"),
      ("sanne-hosting", "Business hosting (devries-architects.example)", "hosting", None))),
    ("kwame", "kwame@mensah-consulting.example", "Kwame Mensah",
     "Pays by bank transfer; invoices must show the VAT ID GB 123 4567 89.",
     3.9, 2_200, 2,
     (("mensah", "mensah-consulting.example", "domain", "mensah-consulting.example"),
      ("mensah-old", "mensah-old.example", "domain", "mensah-old.example"),
      ("kwame-hosting", "Starter hosting (mensah-consulting.example)", "hosting", None))),
    ("ana", "ana@popescu-dental.example", "Ana Popescu", "",
     1.1, 0, 3,
     (("popescu-dental", "popescu-dental.example", "domain", "popescu-dental.example"),
      ("ana-hosting", "Business hosting (popescu-dental.example)", "hosting", None))),
    ("ruth", "ruth@adeyemi-books.test", "Ruth Adeyemi", "",
     0.9, 3_300, 3,
     (("adeyemi-books", "adeyemi-books.test", "domain", "adeyemi-books.test"),
      ("ruth-hosting", "Starter hosting (adeyemi-books.test)", "hosting", None))),
)

TEMPLATES = (
    ("Received: we're on it", None, None,
     "Hello {client_name},\n\nthank you for writing to us. We have your request (ticket "
     "#{ticket_id}) and are looking into it now; we'll get back to you as soon as we know "
     "more.\n\nBest regards,\n{staff_name}"),
    ("Solved: closing the ticket", None, None,
     "Hello {client_name},\n\nI'm glad it works again. I'm closing ticket #{ticket_id} now; if "
     "anything else comes up, just reply here and it will reopen.\n\nKind regards,\n{staff_name}"),
    ("Need more details", None, None,
     "Hello {client_name},\n\nto look into this we need a little more: the exact error "
     "message, the time it happened (with your time zone), and the address of the page or "
     "service concerned.\n\nThank you,\n{staff_name}"),
    ("Payment received", "Billing", None,
     "Hello {client_name},\n\nwe have received your payment, thank you. The invoice is marked "
     "as paid and your services stay active.\n\nBest regards,\n{staff_name}\nBilling"),
    ("Pro-rata upgrade quote", "Billing", None,
     "Hello {client_name},\n\nan upgrade is charged pro rata: you pay only the difference for "
     "the days left in the current billing period. Reply \"yes\" on ticket #{ticket_id} and we "
     "will charge it here and schedule the change.\n\nBest regards,\n{staff_name}\nBilling"),
    ("Send us the error log", "Technical support", None,
     "Hello {client_name},\n\ncould you attach the last 200 lines of the error log? In the "
     "control panel: Websites > Logs > error.log > Download. On a VPS:\n\n"
     "    tail -n 200 /var/log/nginx/error.log > error-tail.txt\n\n"
     "Thank you,\n{staff_name}\nTechnical support"),
    ("Clear the DNS cache", "Technical support", None,
     "Hello {client_name},\n\nyour computer may still remember the old address. Please clear "
     "its DNS cache (Windows: ipconfig /flushdns; macOS: sudo dscacheutil -flushcache) and "
     "reload the page.\n\nBest regards,\n{staff_name}"),
    ("DNS propagation explained", "Domains", None,
     "Hello {client_name},\n\nDNS changes reach every resolver on the Internet within the "
     "record's TTL, at most 24 hours for your zone. Until then some visitors still reach the "
     "old address: nothing is broken, it only takes time.\n\nKind regards,\n{staff_name}\nDomains"),
    ("Transfer: auth code and unlock", "Domains", None,
     "Hello {client_name},\n\nto transfer the domain to us we need the authorisation (EPP) "
     "code from your current registrar, and the domain must be unlocked there. Send us the "
     "code on ticket #{ticket_id}; the transfer then takes up to five days.\n\n"
     "Kind regards,\n{staff_name}\nDomains"),
    ("Abuse notice: action required", "Abuse desk", None,
     "Hello {client_name},\n\nwe have received an abuse report about a service on your account "
     "(ticket #{ticket_id}). Please remove the cause within 24 hours and tell us what you "
     "changed; otherwise we must suspend the service to protect our network.\n\n"
     "Regards,\n{staff_name}\nAbuse desk"),
    ("Escalation: I'm taking this over", None, "marek.novak",
     "Hello {client_name},\n\nI'm Marek, I lead the technical team and will take ticket "
     "#{ticket_id} over from here.\n\nBest regards,\n{staff_name}"),
    ("WordPress hardening checklist", None, "sofia.reyes",
     "Hello {client_name},\n\nonce the site is clean, please:\n"
     "1. update WordPress, every plugin and theme;\n2. delete plugins you don't use;\n"
     "3. change every admin password and turn on two-factor login;\n"
     "4. turn on automatic updates in the control panel.\n\n{staff_name}"),
)


def _setup(store: Store, end: datetime) -> Desk:
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


# --- building ------------------------------------------------------------------------------------

def build_demo(store: Store, now: datetime | None = None, *, strict: bool = False) -> DemoInfo:
    """Writes the demo help desk into an empty store. `now` is when the demo ends (the real
    current time by default); conversations fill the three weeks before it. A script step
    that would run after `now` runs at `now` instead (strict=True refuses: tests use it)."""
    end = (now or types.utcnow()).astimezone(timezone.utc)
    midnight = end.replace(hour=0, minute=0, second=0, microsecond=0)
    base = midnight - timedelta(days=WINDOW_DAYS)
    desk = _setup(store, end)
    with fake_clock(base, end) as clock:
        desk.clock = clock

        def day(n: int, h: int = 9, m: int = 0) -> datetime:
            return base + timedelta(days=n, hours=h, minutes=m)

        def ago(delta: timedelta) -> datetime:
            return end - delta

        plan = _plan(day, ago)
        plan.sort(key=lambda item: item[0])
        _run(desk, plan)
    if strict and clock.clamped:
        raise AssertionError(f"{clock.clamped} demo step(s) would have run after {end}")
    return demo_info(store)


def _plan(day: Callable[..., datetime], ago: Callable[[timedelta], datetime]) -> list[tuple[datetime, Script]]:
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
    ]


# === the conversations ============================================================================
# Each script is a ticket's life: d.open / d.say are the client; d.reply / d.ok / d.note ... are
# staff (by login). `yield` waits before the next step.

def t_admin_rounds(d: Desk):
    """The administrator's morning look at the top of the queue, every other day."""
    for round_number in range(10):
        if round_number:
            yield days(2)
        rows = sv.list_tickets(d.store, d.staff[ADMIN], sv.ListSpec("queue"), limit=6)
        for row in rows:
            d.look(ADMIN, row.id)


def t_firewall_5432(d: Desk):
    tid = d.open("dmitri", "Technical support", "Open port 5432 for our office IP only",
                 """
                 Hello,

                 our analysts need direct access to PostgreSQL on pg-analytics-01 from the
                 office. Could you open TCP 5432 in the network firewall for 198.51.100.24 only?
                 Everything else should stay closed, of course.

                 Thanks,
                 Dmitri
                 """, service="volkov-vps")
    yield mins(52)
    d.reply("sofia.reyes", tid, """
        Hello Dmitri,

        the rule is in place: TCP 5432 is allowed from 198.51.100.24/32 and dropped from
        anywhere else. Please also make sure PostgreSQL listens on the public interface
        (listen_addresses in postgresql.conf) and that pg_hba.conf has a line such as

            hostssl  all  analysts  198.51.100.24/32  scram-sha-256

        so connections are encrypted. Tell me if the analysts can connect.

        Best regards,
        Sofia Reyes
        Technical support
        """)
    yield hours(3)
    d.read(tid)
    yield mins(40)
    d.say(tid, """
        Works from the office, and a test from my home connection is refused as expected.
        Thank you!
        """)
    yield mins(25)
    d.ok("sofia.reyes", tid, """
        Great, thanks for testing from outside too. Closing this one.

        Sofia
        """, incidents=0)
    yield hours(9)
    d.read(tid)


def t_vat_id(d: Desk):
    tid = d.open("kwame", "Billing", "Please add our VAT ID to invoices",
                 """
                 Good morning,

                 our accountant noticed that the last invoices don't show our VAT ID. Could you
                 add GB 123 4567 89 to the billing profile and reissue last month's invoice?

                 Kind regards,
                 Kwame Mensah
                 Mensah Consulting
                 """, priority="low")
    yield hours(2) + mins(14)
    d.ok("priya.nair", tid, """
        Good morning Kwame,

        the VAT ID is now in your billing profile and will be printed on every invoice. I have
        reissued last month's invoice with it; you'll find it attached (the amounts are
        unchanged).

        Best regards,
        Priya Nair
        Billing
        """, files=(pdf_file("invoice-INV-20417-reissued.pdf", [
            "Example Hosting Ltd - INVOICE INV-20417 (reissued)",
            "Bill to: Mensah Consulting, Kwame Mensah",
            "VAT ID: GB 123 4567 89",
            "",
            "Starter hosting (mensah-consulting.example)    1 month    EUR 6.90",
            "Domain renewal mensah-consulting.example       1 year     EUR 12.00",
            "Domain renewal mensah-old.example              1 year     EUR 12.00",
            "",
            "Subtotal EUR 30.90   VAT 20% EUR 6.18   Total EUR 37.08",
            "Paid by bank transfer. Thank you for your business.",
        ]),))
    yield hours(5)
    d.read(tid)
    yield days(1) + hours(2)
    d.archive(tid)


def t_new_mailbox(d: Desk):
    tid = d.open("harriet", "Technical support", "How do I add an email address for my new assistant?",
                 """
                 Hello,

                 I've hired an assistant, Jamie, and she needs her own email,
                 jamie@colesbakery.example. How do I do that? I'm not very good with computers,
                 sorry!

                 Harriet
                 """, service="harriet-hosting", priority="low")
    yield hours(1) + mins(5)
    d.ok("lena.fischer", tid, """
        Hello Harriet,

        no need to apologise! Here is how, step by step:

        1. Log in to the control panel and click "Email" in the left menu.
        2. Click the green "New mailbox" button.
        3. Type "jamie" in the first box (the domain is already filled in).
        4. Choose a password, or click "Generate" and write it down for Jamie.
        5. Click "Create".

        Jamie can then read her mail at https://webmail.colesbakery.example with her address
        and that password. If she wants it on her phone, reply here and I'll send the settings.

        Best wishes,
        Lena Fischer
        Technical support
        """, incidents=0)
    yield hours(6)
    d.read(tid)
    yield days(2)
    d.archive(tid)


def t_oom_long(d: Desk):
    """The long one: a VPS that runs out of memory every night, solved over two weeks."""
    tid = d.open("dmitri", "Technical support",
                 "PostgreSQL killed by the OOM killer every night on pg-analytics-01",
                 """
                 Hello,

                 since last week PostgreSQL on our VPS (pg-analytics-01, VPS L-8) gets killed
                 almost every night around 02:30 UTC. Metabase then shows "connection refused"
                 until I restart the database in the morning. dmesg says:

                   Out of memory: Killed process 28114 (postgres) total-vm:9854320kB,
                   anon-rss:6123408kB, file-rss:0kB, shmem-rss:1843200kB, UID:999
                   pgtables:14280kB oom_score_adj:0

                 Nothing changed on our side as far as I know. Could you check whether something
                 is wrong with the host? The full dmesg excerpt is attached.

                 Regards,
                 Dmitri Volkov
                 """, service="volkov-vps", priority="high",
                 files=(text_file("dmesg-oom.txt", f"""
                    [{d.date(1)} 02:31:07] postgres invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0
                    [{d.date(1)} 02:31:07] Mem-Info:
                    [{d.date(1)} 02:31:07] active_anon:1530852 inactive_anon:402113 isolated_anon:0
                    [{d.date(1)} 02:31:07] Free swap  = 0kB
                    [{d.date(1)} 02:31:07] Total swap = 0kB
                    [{d.date(1)} 02:31:07] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=docker-4f1c.scope,mems_allowed=0,global_oom,task_memcg=/system.slice/docker-4f1c.scope,task=postgres,pid=28114,uid=999
                    [{d.date(1)} 02:31:07] Out of memory: Killed process 28114 (postgres) total-vm:9854320kB, anon-rss:6123408kB, file-rss:0kB, shmem-rss:1843200kB, UID:999 pgtables:14280kB oom_score_adj:0
                    [{d.date(1)} 02:31:08] oom_reaper: reaped process 28114 (postgres), now anon-rss:0kB, file-rss:0kB, shmem-rss:1843200kB
                    """),))
    yield mins(48)
    d.reply("sofia.reyes", tid, """
        Hello Dmitri,

        thank you for the details. I checked the host node your VPS runs on: it is healthy and
        has plenty of free memory. The OOM killer in your log runs inside your VPS: the system
        itself ran out of its 8 GB and had to kill the biggest process, which was PostgreSQL.

        To find out what eats the memory at 02:30, could you send:

        - the output of `free -m`,
        - your memory settings: shared_buffers, work_mem, maintenance_work_mem and
          max_connections (SHOW ...; in psql),
        - the cron jobs that run between 02:00 and 03:00.

        Best regards,
        Sofia Reyes
        Technical support
        """, internal="""
        Host node kvm-fra-14 checked: no ballooning, no memory pressure on the hypervisor,
        steal time < 1%. It's inside the guest.
        """)
    yield hours(3) + mins(10)
    d.read(tid)
    yield mins(20)
    d.say(tid, """
        Here you go. free -m right now (in the afternoon, so nothing special running):

                       total        used        free      shared  buff/cache   available
            Mem:        7941        3312         412        1806        4216        2530
            Swap:          0           0           0

        Settings: shared_buffers = 2GB, work_mem = 256MB, maintenance_work_mem = 1GB,
        max_connections = 200.

        Cron: 02:15 pg_dump of the analytics database, 02:30 the Metabase sync and a
        REFRESH MATERIALIZED VIEW for the sales dashboards.

        Dmitri
        """, files=(text_file("postgresql-memory.conf", """
            # pg-analytics-01 /etc/postgresql/16/main/conf.d/memory.conf
            shared_buffers = 2GB
            effective_cache_size = 6GB
            work_mem = 256MB
            maintenance_work_mem = 1GB
            max_connections = 200
            max_parallel_workers_per_gather = 4
            """),))
    yield hours(1) + mins(35)
    d.reply("sofia.reyes", tid, """
        Thanks, that explains a lot. work_mem is per sort or hash operation, per connection:
        with max_connections = 200 and work_mem = 256MB the worst case is far beyond 8 GB, and
        a dashboard refresh runs many such operations in parallel workers.

        I suggest:

            work_mem = 32MB
            maintenance_work_mem = 512MB
            max_connections = 60

        and, as a safety net, a 2 GB swap file (the L-8 plan has none by default):

            fallocate -l 2G /swapfile && chmod 600 /swapfile
            mkswap /swapfile && swapon /swapfile
            echo '/swapfile none swap sw 0 0' >> /etc/fstab

        Then restart PostgreSQL and let's see how tonight goes.

        Sofia
        """)
    yield hours(17)
    d.read(tid)
    yield mins(30)
    d.say(tid, """
        Applied everything yesterday evening. No kill tonight, but the nightly refresh took
        three times longer than before (47 minutes instead of 15).
        """)
    yield hours(2)
    d.reply("sofia.reyes", tid, """
        Good news that it survived. The slower refresh is the price of the smaller work_mem:
        sorts now spill to disk. You can give the memory back only where it's needed, for the
        role that runs the refresh:

            ALTER ROLE metabase_etl SET work_mem = '256MB';

        Everything else keeps the safe 32MB.

        Sofia
        """)
    yield days(1) + hours(4)
    d.say(tid, """
        Killed again at 02:41 :( I set the work_mem for the ETL role as you said. The
        PostgreSQL log of the night is attached.
        """, files=(text_file("postgresql-night.log", f"""
            {d.date(0)} 02:30:01.114 UTC [30107] etl@analytics LOG:  statement: REFRESH MATERIALIZED VIEW CONCURRENTLY sales_daily_mv;
            {d.date(0)} 02:30:02.873 UTC [30115] LOG:  checkpoint starting: time
            {d.date(0)} 02:36:44.019 UTC [30115] LOG:  checkpoint complete: wrote 48211 buffers (18.4%)
            {d.date(0)} 02:41:17.552 UTC [1] LOG:  server process (PID 30122) was terminated by signal 9: Killed
            {d.date(0)} 02:41:17.552 UTC [1] DETAIL:  Failed process was running: REFRESH MATERIALIZED VIEW CONCURRENTLY sales_daily_mv;
            {d.date(0)} 02:41:17.553 UTC [1] LOG:  terminating any other active server processes
            {d.date(0)} 02:41:17.601 UTC [1] LOG:  all server processes terminated; reinitializing
            {d.date(0)} 02:41:19.118 UTC [30240] LOG:  database system was not properly shut down; automatic recovery in progress
            {d.date(0)} 02:41:23.907 UTC [30240] LOG:  redo done at 1F/8A3C21D8 system usage: CPU: user: 2.91 s, system: 1.02 s, elapsed: 4.73 s
            {d.date(0)} 02:41:24.010 UTC [1] LOG:  database system is ready to accept connections
            """),))
    yield mins(35)
    d.note("sofia.reyes", tid, """
        Beyond first line now: the concurrent MV refresh with 256MB work_mem in parallel
        workers, plus pg_dump. Asking Marek to take it.
        """)
    d.assign("sofia.reyes", tid, staff="marek.novak")
    yield mins(20)
    d.take("marek.novak", tid, force=True)
    d.look(ADMIN, tid)
    d.favorite(ADMIN, tid)
    d.reply("marek.novak", tid, """
        Hello Dmitri,

        I'm Marek, I lead the technical team and will take this one over from Sofia.

        In the log the kill comes during REFRESH MATERIALIZED VIEW CONCURRENTLY. A concurrent
        refresh builds a complete new copy of the view and then diffs it against the old one,
        which is memory-hungry with big hash joins. Two questions:

        1. How big is the view? SELECT pg_size_pretty(pg_total_relation_size('sales_daily_mv'));
        2. Does your pg_dump run with -j (parallel jobs)?

        Best regards,
        Marek Novák
        Technical support
        """)
    yield hours(2) + mins(15)
    d.say(tid, """
        The view is 14 GB. pg_dump runs with -j 4 -Fd into /backup. I didn't know that
        mattered.
        """)
    yield mins(50)
    d.reply("marek.novak", tid, """
        It does: -j 4 opens four extra connections that each read whole tables, and they run
        at the very moment the refresh needs its memory. Please move the dump to 04:00 and use
        -j 2. The refresh then has the machine to itself.

        Marek
        """)
    yield hours(1)
    d.say(tid, "Moved the dump to 04:00 with -j 2. Let's see tonight.")
    yield days(2) + hours(7)
    d.say(tid, """
        Two quiet nights, and then tonight killed again at 02:36, without pg_dump running.
        My monitoring takes a ps snapshot every minute; the one from just before is attached.
        The Metabase java process is at 3.1 GB.
        """, files=(text_file("ps-snapshot.txt", """
            USER       PID %CPU %MEM    VSZ   RSS COMMAND
            999      31877 88.2 37.9 8123400 3083112 postgres: etl analytics [local] REFRESH MATERIALIZED VIEW
            999      31880 71.5  9.8 2402232  801148 postgres: parallel worker for PID 31877
            999      31881 70.9  9.7 2402232  792004 postgres: parallel worker for PID 31877
            metabase  1422 41.0 38.6 7001312 3140220 java -jar /opt/metabase/metabase.jar
            999        814  0.3 23.1 2253440 1880412 postgres: checkpointer
            root       611  0.1  0.4  1259904   35120 /usr/bin/dockerd -H fd://
            """),))
    yield mins(40)
    d.note("marek.novak", tid, """
        Metabase JVM runs without -Xmx: default max heap is 1/4 of RAM (2 GB) but metaspace +
        direct buffers push RSS to 3 GB. Add shared_buffers 2 GB + refresh with two parallel
        workers = the 8 GB box is simply too small for this stack. Cap the JVM now, offer XL-16.
        """, priority="urgent")
    yield mins(5)
    d.reply("marek.novak", tid, """
        Thanks, the snapshot is exactly what we needed. At 02:36 you have the refresh (3 GB
        plus two parallel workers at 0.8 GB each), Metabase at 3.1 GB and PostgreSQL's shared
        memory: more than the 8 GB the VPS has.

        Short term, cap Metabase's heap: in its systemd unit set

            Environment="JAVA_OPTS=-Xmx1536m -XX:MaxMetaspaceSize=256m"

        and restart it. Longer term this workload (a 14 GB view refreshed nightly plus a BI tool
        on the same box) would be comfortable on 16 GB. I can have Billing quote an upgrade to
        VPS XL-16; it takes about five minutes of downtime.

        Marek
        """)
    yield hours(3)
    d.say(tid, """
        Capped the heap. Yes please, what would XL-16 cost? And could you do it early in the
        morning, before anybody looks at the dashboards?
        """)
    yield mins(30)
    d.unlock("marek.novak", tid)
    d.assign("marek.novak", tid, department="Billing")
    yield hours(1) + mins(10)
    d.reply("priya.nair", tid, """
        Hello Dmitri,

        VPS L-8 costs EUR 38.00 a month and XL-16 EUR 64.00, so EUR 26.00 a month more. For the
        12 days left in your current billing period the difference is EUR 10.40. Shall I go
        ahead? The charge will show on this ticket.

        Best regards,
        Priya Nair
        Billing
        """)
    yield hours(2)
    upgrade_at = (d.now + days(2)).replace(hour=6, minute=0, second=0, microsecond=0)
    when = f"{upgrade_at:%A} at 07:00 CET"
    d.say(tid, f"Yes, go ahead. {when} works for us.")
    yield mins(45)
    d.ok("priya.nair", tid, f"""
        Done: EUR 10.40 has been charged to your account balance. Marek's team will do the
        upgrade on {when}.

        Priya
        """, charge="10.40")
    yield mins(30)
    d.take("marek.novak", tid)
    d.assign("marek.novak", tid, department="Technical support")
    d.note("marek.novak", tid, f"""
        Scheduled: {upgrade_at:%a %d %b} 06:00 UTC, resize pg-analytics-01 to XL-16 on kvm-fra-14
        (enough room, no migration needed), then reboot.
        """, priority="high")
    yield upgrade_at + mins(9) - d.now
    d.reply("marek.novak", tid, """
        Good morning Dmitri,

        the upgrade is done: pg-analytics-01 now has 16 GB of RAM and 6 vCPUs. Downtime was
        4 minutes 12 seconds. Please check that PostgreSQL and Metabase came back; `free -m`
        should show about 15,900 MB total.

        Marek
        """)
    yield hours(1) + mins(20)
    d.say(tid, "All up, free -m shows 15972 total. Thank you!")
    yield mins(40)
    d.reply("marek.novak", tid, """
        With 16 GB you can raise shared_buffers to 4GB and effective_cache_size to 11GB. Keep
        work_mem at 32MB globally (256MB only for the ETL role). I'll keep the ticket open for
        a few nights to be sure.

        Marek
        """)
    yield days(2) + hours(3)
    d.say(tid, """
        Bad news of a different kind: the refresh failed tonight with

            ERROR:  could not resize shared memory segment "/PostgreSQL.1864286324" to
            67128672 bytes: No space left on device

        The disk has 180 GB free, so I don't understand "no space". We run PostgreSQL in Docker
        (postgres:16), if that matters.
        """)
    yield mins(55)
    d.reply("marek.novak", tid, """
        It matters, and it's a classic. That "device" is not your disk but /dev/shm inside the
        container: Docker gives containers only 64 MB of it by default, and PostgreSQL's
        parallel workers exchange their data there. Now that the refresh gets more parallel
        workers on the bigger VPS, it runs out of those 64 MB.

        In docker-compose.yml:

            services:
              db:
                image: postgres:16
                shm_size: 1g

        then `docker compose up -d db`.

        Marek
        """)
    yield hours(4)
    d.say(tid, """
        Added shm_size and recreated the container. The refresh ran fine: 11 minutes, it used
        to take 25 before all this 🎉
        """)
    yield hours(1)
    d.reply("marek.novak", tid, """
        Excellent, that's the result I hoped for. I'll look at the graphs again in a few days.

        Marek
        """)
    yield days(2) + hours(6)
    d.say(tid, """
        One more thing, maybe related: Metabase now logs warnings like

            WARN  HikariPool-1 - Connection is not available, request timed out after 30000ms.

        a few times per hour during working hours.
        """)
    yield mins(35)
    d.note("marek.novak", tid, """
        Probably max_connections = 60 (from Sofia's first round) vs. Metabase's pool of 15 plus
        the ETL's leftovers. Asking for pg_stat_activity.
        """)
    d.reply("marek.novak", tid, """
        Possibly the lower max_connections from the first round. Could you run this during
        working hours and paste the result?

            SELECT usename, state, count(*) FROM pg_stat_activity GROUP BY 1, 2 ORDER BY 3 DESC;

        Marek
        """)
    yield hours(2) + mins(30)
    d.say(tid, """
        Here it is:

             usename  |        state        | count
            ----------+---------------------+-------
             metabase | idle                |    41
             etl      | idle in transaction |    12
             metabase | active              |     3
             postgres | active              |     1
        """)
    yield mins(50)
    d.reply("marek.novak", tid, """
        There it is: twelve ETL sessions sit "idle in transaction". They keep their connections
        (and their locks) until someone ends them, so Metabase finds no free slot. Something in
        your ETL opens a transaction and never commits when a step fails. Until that's fixed,
        let PostgreSQL end such sessions for that role:

            ALTER ROLE etl SET idle_in_transaction_session_timeout = '5min';

        and give Metabase a smaller pool (MB_APPLICATION_DB_MAX_CONNECTION_POOL_SIZE=10).
        Let me know how it looks tomorrow.

        Marek
        """)
    d.summary("marek.novak", tid,
              "Nightly OOM kills on pg-analytics-01: work_mem too high, pg_dump -j 4 at the same "
              "time, uncapped Metabase JVM. Upgraded to XL-16 (EUR 10.40 charged), Docker shm_size "
              "raised to 1g. Open: idle-in-transaction ETL sessions exhausting connections.")


def t_php83(d: Desk):
    tid = d.open("greta", "Technical support", "Is PHP 8.3 available on Starter hosting?",
                 """
                 Hi! The shop plugin I want to use needs PHP 8.3. My site runs 8.1. Can I switch,
                 and will anything break?

                 Greta
                 """, service="greta-hosting", priority="low")
    yield hours(1) + mins(40)
    d.ok("lena.fischer", tid, """
        Hi Greta,

        yes: in the control panel go to Websites > nordicyarn.example > PHP and pick 8.3. The
        switch is instant and you can go back the same way. WordPress 6.x and current plugins
        work fine on 8.3; very old plugins may show warnings, so have a quick look at the site
        afterwards.

        Best wishes,
        Lena Fischer
        Technical support
        """, incidents=0)
    yield hours(20)
    d.read(tid)
    yield days(3)
    d.archive(tid)


def t_dns_propagation(d: Desk):
    tid = d.open("sanne", "Domains", "Website still shows the old host after moving DNS",
                 """
                 Hello,

                 yesterday afternoon I changed the A record of devries-architects.example to
                 your server (192.0.2.80), as in your welcome email. My colleagues in the office
                 see the new site, but on my phone and at home I still get the old one from our
                 previous provider. Did I do something wrong?

                 Sanne de Vries
                 """, service="devries", priority="normal")
    yield hours(1) + mins(30)
    d.reply("olivia.grant", tid, """
        Hello Sanne,

        nothing is wrong with your change: the record is correct on our name servers. What you
        see is the old record still cached. Your previous provider had a TTL of 86400 seconds
        (24 hours) on it, so resolvers that looked it up before your change may keep the old
        address for up to a day.

        From here:

            $ dig +short devries-architects.example @ns1.example-hosting.example
            192.0.2.80
            $ dig devries-architects.example @8.8.8.8 | grep -A1 'ANSWER SECTION'
            ;; ANSWER SECTION:
            devries-architects.example. 41877 IN A 198.51.100.17

        Google's resolver still has the old address for another 41877 seconds (about 11.6
        hours). By tomorrow morning everyone will see the new site. On your phone, switching
        from Wi-Fi to mobile data (or back) often helps sooner.

        Kind regards,
        Olivia Grant
        Domains
        """)
    yield hours(5)
    d.read(tid)
    yield hours(14)
    d.say(tid, """
        Good morning, everything shows the new site now, including my phone. Thank you for
        the explanation, I learned something!
        """)
    yield mins(40)
    d.ok("olivia.grant", tid, """
        Wonderful, thanks for letting us know. Closing the ticket.

        Olivia
        """)
    yield hours(3)
    d.read(tid)
    yield days(2)
    d.archive(tid)


def t_restore_gallery(d: Desk):
    tid = d.open("lucas", "Technical support", "Restore the deleted wedding gallery from backup",
                 """
                 Hi,

                 I deleted the "Weddings 2024" gallery by mistake while cleaning up the media
                 library (about 300 photos). It was there a week ago. Can you restore it from a
                 backup? Only /wp-content/uploads/2024/ and the gallery pages, please, not the
                 whole site: I've posted new work since.

                 Lucas
                 """, service="lucas-hosting", priority="high")
    yield hours(1)
    d.reply("lena.fischer", tid, """
        Hi Lucas,

        we keep daily backups for 14 days, so last week's is there. A partial restore (files plus
        selected pages) is done by hand and costs EUR 15.00. Shall I go ahead?

        Lena
        """)
    yield mins(25)
    d.say(tid, "Yes please, go ahead.")
    yield hours(1) + mins(15)
    d.ok("lena.fischer", tid, """
        Done: /wp-content/uploads/2024/ is restored from the backup of 7 days ago (312 files, 1.4 GB)
        and the three gallery pages are back as drafts, so you can check them before
        publishing. Nothing else on the site was touched. The EUR 15.00 is charged on this
        ticket.

        Lena
        """, charge="15.00", incidents=2)
    yield hours(2)
    d.read(tid)
    yield mins(20)
    d.say(tid, "All there. You saved my week, thank you!")
    yield mins(30)
    d.ok("lena.fischer", tid)
    yield days(1)
    d.archive(tid)


def t_ptr(d: Desk):
    tid = d.open("jonas", "Technical support", "Reverse DNS (PTR) for 203.0.113.47",
                 """
                 Hi,

                 please set the PTR of 203.0.113.47 (vps-7731) to mail.albrecht-it.test. The A
                 record is already in place. Needed for outgoing mail.

                 Jonas
                 """, service="albrecht-vps", priority="low")
    yield mins(35)
    d.ok("kenji.watanabe", tid, """
        Hi Jonas,

        done:

            $ dig +short -x 203.0.113.47
            mail.albrecht-it.test.

        PTR changes are free, no incident counted.

        Kenji Watanabe
        Technical support
        """, incidents=0)
    yield hours(1)
    d.read(tid)
    yield hours(2)
    d.archive(tid)


def t_ddos(d: Desk):
    tid = d.open("oliver", "Technical support", "DDoS on our game server last night (UDP 27015)",
                 """
                 Hello,

                 between 23:10 and 23:55 last night all our Counter-Strike servers were
                 unplayable, players timing out. Our monitoring shows the uplink of the VPS full
                 with UDP to port 27015. Was that a DDoS? Did your mitigation kick in? We lost
                 a tournament evening over this.

                 Oliver Brandt
                 """, service="brandt-vps", priority="urgent")
    yield mins(25)
    d.reply("kenji.watanabe", tid, """
        Hello Oliver,

        yes, it was a DDoS: a UDP reflection attack (mostly DNS and memcached responses, up to
        9.4 Gbit/s) aimed at 203.0.113.120 port 27015. Our mitigation detected it at 23:12 and
        filtered it upstream from 23:14, but for game traffic the generic filter is too coarse:
        it let the reflected packets through at reduced rate, which is what your players felt.

        The traffic graph of the night is attached. I have now enabled our game-server profile
        for your IP: it only lets through packets that look like Source-engine queries and
        sessions, so the next attack of this kind should be dropped entirely.

        Kenji Watanabe
        Technical support
        """, files=(png_file("traffic-203.0.113.120.png", 160, 90, seed=27015),), incidents=0)
    yield hours(4)
    d.read(tid)
    yield mins(15)
    d.say(tid, """
        Thanks Kenji, that's a clear answer. We'll watch tonight and tell you if anything
        happens.
        """)
    yield days(1) + hours(2)
    d.ok("kenji.watanabe", tid, """
        Hello Oliver,

        no further attacks against your IP in the last 24 hours, and the profile stays on.
        Closing the ticket; reply here if it happens again.

        Kenji
        """, incidents=0)
    yield hours(6)
    d.read(tid)


ANSI_LOG = (
    "\x1b[36mworker-1  |\x1b[0m [{date} 07:02:13,551: \x1b[31mERROR\x1b[0m/MainProcess] "
    "consumer: Cannot connect to redis://redis:6379/0: Error 111 connecting to redis:6379. "
    "Connection refused..\n"
    "\x1b[36mworker-1  |\x1b[0m Trying again in 32.00 seconds... (16/100)\n"
    "\x1b[33mweb-1     |\x1b[0m \x1b[1;31mredis.exceptions.ConnectionError\x1b[0m: "
    "Error 113 connecting to redis:6379. No route to host.\n"
    "\x1b[32mredis-1   |\x1b[0m 1:M * Ready to accept connections tcp\n"
)


def t_docker_loop(d: Desk):
    tid = d.open("jonas", "Technical support",
                 "Docker containers can't reach each other after kernel update",
                 "Hi,\n\n"
                 "after yesterday's unattended upgrade (kernel 6.8) and reboot, the containers "
                 "of our app stack can't talk to each other any more: the worker and web "
                 "containers restart in a loop because they can't connect to redis, although "
                 "redis is up. Pasted straight from `docker compose logs` (sorry for the "
                 "colours):\n\n" + ANSI_LOG.format(date=d.date(0)) + "\n"
                 "Full log attached. Nothing changed in the compose file. Any idea?\n\nJonas",
                 service="albrecht-vps", priority="high",
                 files=(NewAttachment("compose-logs.txt", (ANSI_LOG.format(date=d.date(0)) * 6).encode(),
                                      "text/plain"),))
    yield hours(1) + mins(10)
    d.reply("kenji.watanabe", tid, """
        Hi Jonas,

        "No route to host" between containers on the same bridge usually means the firewall
        lost Docker's rules. Could you send `iptables -S DOCKER-USER`, `nft list ruleset | head
        -50` and tell me whether firewalld runs on the VPS?

        Kenji
        """)
    yield hours(1) + mins(5)
    d.say(tid, """
        firewalld is running, yes (I installed it last month). iptables -S DOCKER-USER says
        "iptables: No chain/target/match by that name." and the nft ruleset only has firewalld's
        tables.
        """)
    yield mins(30)
    d.reply("kenji.watanabe", tid, """
        That's it. On boot firewalld now starts after Docker (the upgrade changed the unit
        ordering) and reloads the ruleset, which removes the chains Docker created. Quick fix:

            systemctl restart docker

        Permanent fix, so Docker always starts after firewalld:

            mkdir -p /etc/systemd/system/docker.service.d
            printf '[Unit]\\nAfter=firewalld.service\\nRequires=firewalld.service\\n' \\
              > /etc/systemd/system/docker.service.d/after-firewalld.conf
            systemctl daemon-reload

        Kenji
        """)
    yield hours(1) + mins(40)
    d.say(tid, """
        Restarting docker fixed it instantly, and after adding the drop-in I rebooted twice to
        be sure: everything comes up. Thanks!
        """)
    yield mins(20)
    d.ok("kenji.watanabe", tid, """
        Glad it works. Closing this one.

        Kenji
        """, incidents=0)
    yield hours(11)
    d.read(tid)


def t_invoice_pdf(d: Desk):
    tid = d.open("kwame", "Billing", "Invoice PDF does not open",
                 """
                 Hello,

                 the PDF of invoice INV-20988 can't be opened: Adobe Reader says "the file is
                 damaged and could not be repaired". The other invoices open fine.

                 Kwame
                 """, priority="normal")
    yield hours(3) + mins(20)
    d.ok("priya.nair", tid, """
        Hello Kwame,

        sorry about that: that invoice was generated during a short outage of our PDF service
        and got cut off. I have generated it again and attached it here; it is also in the
        control panel under Billing > Invoices.

        Best regards,
        Priya Nair
        Billing
        """, files=(pdf_file("invoice-INV-20988.pdf", [
            "Example Hosting Ltd - INVOICE INV-20988",
            "Bill to: Mensah Consulting, Kwame Mensah - VAT ID GB 123 4567 89",
            "",
            "Starter hosting (mensah-consulting.example)    1 month    EUR 6.90",
            "",
            "Subtotal EUR 6.90   VAT 20% EUR 1.38   Total EUR 8.28",
            "Due within 14 days. Bank: IBAN GB00 EXMP 0000 0000 0000 00",
        ]),))
    yield hours(1)
    d.read(tid)
    yield days(1)
    d.archive(tid)


NEWSLETTER = """\
Here is the template our newsletter plugin (ShopMailer) sends, in its own tag syntax:

    [bold]Autumn sale: 20% off all linen[/bold]
    Dear {first_name},
    our new [italic]Harmattan[/italic] collection is here.
    [link=http://shop.amara-textiles.example/sale]Shop the sale[/link]
    [red]Only until Sunday![/red]
    ---
    [link=http://x]Unsubscribe[/link] | [small]Amara Textiles, 12 Weaver Lane[/small]

(The [link=http://x] one is what the plugin's documentation shows; ours fills in the real
unsubscribe address when it sends.)"""


def t_spam_folder(d: Desk):
    tid = d.open("amara", "Technical support",
                 "Order confirmation emails land in spam (Gmail and Outlook)",
                 """
                 Hello,

                 customers keep telling us that our order confirmations and the newsletter end
                 up in their spam folder, at Gmail and Outlook alike. It started a couple of weeks
                 ago. We send from the shop (WooCommerce) as orders@amara-textiles.example, and
                 the newsletter from the ShopMailer plugin. This is costing us sales, please help.

                 Amara Okafor
                 """, service="amara-textiles", priority="high")
    yield mins(55)
    d.reply("sofia.reyes", tid, """
        Hello Amara,

        let's find out why. Could you send us the full headers of one message that landed in
        spam? In Gmail: open the message, the three dots > "Show original", and copy everything.

        Meanwhile I checked your DNS:

            $ dig +short TXT amara-textiles.example
            "v=spf1 include:_spf.example-hosting.example ~all"
            $ dig +short TXT default._domainkey.amara-textiles.example
            (nothing)
            $ dig +short TXT _dmarc.amara-textiles.example
            (nothing)

        So SPF is there, but there is no DKIM signature and no DMARC policy. Since 2024
        Gmail and Outlook treat bulk senders without DKIM and DMARC much more harshly.

        Sofia Reyes
        Technical support
        """)
    yield hours(2) + mins(30)
    d.say(tid, """
        Headers attached. I don't really understand what DKIM is, but if you can set it up,
        please do.
        """, files=(text_file("original-message-headers.txt", """
            Delivered-To: customer@example.com
            Received: from shop.amara-textiles.example (shop.amara-textiles.example [192.0.2.141])
                    by mx.example.com with ESMTPS id 5b1f0c2e;
            Authentication-Results: mx.example.com;
                   spf=softfail (domain of transitioning orders@amara-textiles.example does not designate 192.0.2.141 as permitted sender) smtp.mailfrom=orders@amara-textiles.example;
                   dkim=none;
                   dmarc=none (p=NONE sp=NONE dis=NONE) header.from=amara-textiles.example
            From: Amara Textiles <orders@amara-textiles.example>
            Subject: Your order #18842 is confirmed
            X-Mailer: WooCommerce 8.9 / PHPMailer 6.9.1
            """),))
    yield mins(45)
    d.note("sofia.reyes", tid, """
        The shop sends directly from the web server 192.0.2.141 (PHP mail), not through our
        relay, and that IP isn't in the SPF include. Fix: SMTP through our relay + DKIM + DMARC.
        """)
    yield mins(5)
    d.reply("sofia.reyes", tid, """
        Thank you, that shows the problem clearly. Your shop hands the mail straight out from
        the web server (192.0.2.141), and that address is not allowed by your SPF record, so
        Gmail sees "softfail". On top of that there is no DKIM signature, which is like a seal
        on the envelope proving the mail really comes from you.

        I have now:

        1. turned on DKIM signing for amara-textiles.example in our mail relay and published
           the key in DNS (default._domainkey.amara-textiles.example);
        2. added a DMARC record in monitoring mode: "v=DMARC1; p=none;
           rua=mailto:dmarc@amara-textiles.example".

        One thing only you can do: in WooCommerce, install "WP Mail SMTP" and set it to send
        through smtp.example-hosting.example, port 587, with the mailbox
        orders@amara-textiles.example and its password. Then every mail goes through our
        relay and gets signed.

        Sofia
        """)
    yield hours(20)
    d.read(tid)
    yield hours(1)
    d.say(tid, _t("""
        I did the WP Mail SMTP part and sent a test order to my Gmail: it arrived in the inbox!

        The newsletter still goes to spam though. Maybe it's the template?
        """) + "\n" + NEWSLETTER + "\n\nAmara")
    yield hours(1) + mins(20)
    d.reply("sofia.reyes", tid, """
        The template itself is fine: those tags are turned into HTML before the mail leaves.
        The problem is where ShopMailer sends from: it has its own mail setting and still uses
        PHP mail. In ShopMailer > Settings > Delivery choose "SMTP" with the same values as WP
        Mail SMTP.

        Also, for a newsletter, Gmail now requires a one-click unsubscribe header
        (List-Unsubscribe-Post). ShopMailer 4.2 and later adds it when "One-click unsubscribe"
        is ticked in the same settings page.

        Sofia
        """)
    yield hours(4)
    msg = d.say(tid, """
        Unrelated, sorry: could you also send me the invoice for the upgrade to Business Plus
        with our new company name "Amara Textiles Ltd"? Our accountant needs it this week.
        """)
    yield mins(25)
    new = d.split("sofia.reyes", tid, msg)
    d.tickets["amara-invoice"] = new
    d.take("sofia.reyes", new)
    d.assign("sofia.reyes", new, department="Billing")
    d.close("sofia.reyes", new)
    d.spawn(t_invoice_split, hours(2) + mins(40))
    yield mins(5)
    d.reply("sofia.reyes", tid, """
        I've moved your invoice question to a separate ticket for our Billing team, so it
        doesn't get lost in the email discussion; they'll answer you there.

        Sofia
        """)
    yield hours(18)
    d.say(tid, """
        ShopMailer now sends through SMTP, one-click unsubscribe is on, and this morning's
        newsletter landed in the inbox at Gmail, Outlook and GMX. Thank you so much, Sofia!
        """)
    yield mins(50)
    d.reply("sofia.reyes", tid, """
        That's great news. One last step for later: in two or three weeks, when the DMARC
        reports show that all your mail passes, change the policy from p=none to
        p=quarantine, which protects your domain from people sending fake mail in your name.
        I've set a reminder for us and will do it with you.

        Sofia
        """)
    yield mins(10)
    d.ok("sofia.reyes", tid)
    d.summary("sofia.reyes", tid, "Deliverability fixed: DKIM + DMARC p=none, shop and ShopMailer "
              "through our SMTP relay. Later: move DMARC to p=quarantine.")
    yield hours(7)
    d.read(tid)


def t_invoice_split(d: Desk):  # the Billing side of the split question above
    tid = d.tickets["amara-invoice"]
    d.look("tom.becker", tid)
    yield mins(20)
    d.ok("tom.becker", tid, """
        Hello Amara,

        here is the invoice for the upgrade to Business Plus, made out to Amara Textiles Ltd.
        Future invoices will carry the new name as well.

        Best regards,
        Tom Becker
        Billing
        """, files=(pdf_file("invoice-INV-21163-amara-textiles-ltd.pdf", [
            "Example Hosting Ltd - INVOICE INV-21163",
            "Bill to: Amara Textiles Ltd, Amara Okafor, 12 Weaver Lane",
            "",
            "Upgrade Business hosting -> Business Plus (pro rata, 17 days)   EUR 9.63",
            "",
            "Subtotal EUR 9.63   VAT 20% EUR 1.93   Total EUR 11.56",
            "Paid by card on file. Thank you!",
        ]),))
    yield timedelta(0)


def t_cjk_charset(d: Desk):
    tid = d.open("meilin", "Technical support", "Chinese product names show as ???? on our shop",
                 """
                 Hello,

                 on lotus-tea.example all our product names in Chinese turn into question marks
                 after saving. For example 西湖龙井 (West Lake Longjing) is shown as "????", and
                 铁观音 as "???". English text is fine. The emoji in our banner 🍵 also became
                 "?". We just moved the shop from our old host.

                 Thank you,
                 Chen Meilin (陈美琳)
                 """, service="meilin-hosting", priority="normal")
    yield hours(6) + mins(20)
    d.reply("sofia.reyes", tid, """
        Hello Meilin,

        this is the database's character set: the tables were imported as "utf8" (MySQL's old
        three-byte UTF-8), which can't store emoji, and the import also converted them through
        latin1, which turned the Chinese characters into "?". The text already saved as "????"
        can't be recovered from the database, but your old host's export file still has it.

        Could you attach that export (the .sql file), or tell me where you uploaded it?

        Sofia Reyes
        Technical support
        """)
    yield hours(9)
    d.say(tid, """
        It's in the home folder: lotus-backup-full.sql (about 80 MB). Thank you 🙏
        """)
    yield hours(2) + mins(10)
    d.ok("sofia.reyes", tid, """
        Hello Meilin,

        done. I converted the database to utf8mb4 (real four-byte UTF-8) and re-imported the
        products from your export with the right character set. 西湖龙井, 铁观音 and the 🍵
        in the banner all show correctly now; please check a few products.

        For reference, the settings now in place on your database server:

            [client]
            default-character-set = utf8mb4

            [mysqld]
            character-set-server = utf8mb4
            collation-server = utf8mb4_unicode_ci

        and in wp-config.php: define('DB_CHARSET', 'utf8mb4');

        Sofia
        """, incidents=2)
    yield hours(8)
    d.read(tid)
    yield days(2)
    d.archive(tid)


def t_cancel_domain(d: Desk):
    tid = d.open("kwame", "Domains", "Cancel the unused domain mensah-old.example",
                 """
                 Hello,

                 we no longer use mensah-old.example (old company name). Please don't renew it
                 next month. Nothing points to it any more.

                 Kwame Mensah
                 """, service="mensah-old", priority="low")
    yield hours(4)
    d.ok("tom.becker", tid, """
        Hello Kwame,

        auto-renewal of mensah-old.example is off; the domain stays active until its expiry
        date and is then released. You won't be invoiced for it again. If you change your mind
        before it expires, just reply here.

        Best regards,
        Tom Becker
        Domains
        """)
    yield hours(6)
    d.read(tid)
    yield hours(3)
    d.archive(tid)


def t_ssl_expired(d: Desk):
    tid = d.open("fatima", "Technical support", "SSL certificate expired on booking.atlas-travel.example",
                 """
                 Hello,

                 since this morning browsers show "Your connection is not private" on
                 booking.atlas-travel.example: the certificate expired yesterday. It's supposed to
                 renew automatically with certbot on our VPS. Customers can't book! The certbot
                 log is attached.

                 Fatima El Idrissi
                 Atlas Travel
                 """, service="atlas-vps", priority="high",
                 files=(text_file("letsencrypt.log", f"""
                    {d.date(0)} 03:12:44,117:DEBUG:certbot._internal.main:certbot version: 2.9.0
                    {d.date(0)} 03:12:44,118:DEBUG:certbot._internal.main:Arguments: ['renew', '--quiet']
                    {d.date(0)} 03:12:46,903:DEBUG:acme.client:Storing nonce: 0101B2kN8rE
                    {d.date(0)} 03:12:51,330:INFO:certbot._internal.auth_handler:Challenge failed for domain booking.atlas-travel.example
                    {d.date(0)} 03:12:51,331:DEBUG:certbot._internal.auth_handler:Reporting to user: The following errors were reported by the server:

                    Domain: booking.atlas-travel.example
                    Type:   connection
                    Detail: 2001:db8:4a1::17: Fetching http://booking.atlas-travel.example/.well-known/acme-challenge/q0V7v7sQ: Timeout during connect (likely firewall problem)
                    {d.date(0)} 03:12:51,402:ERROR:certbot._internal.renewal:Failed to renew certificate booking.atlas-travel.example with error: Some challenges have failed.
                    """),))
    yield mins(30)
    d.reply("kenji.watanabe", tid, """
        Hello Fatima,

        the log shows the cause: Let's Encrypt checks your site over IPv6 first, and
        booking.atlas-travel.example has an AAAA record pointing to 2001:db8:4a1::17, an
        address that is no longer on your VPS (it belonged to the server you had before the
        move). The check times out there and the renewal fails.

        Two options:

        1. remove the AAAA record (your VPS has IPv6 2001:db8:4a1::9c if you want to use it:
           then change the record to that instead);
        2. then run `certbot renew --force-renewal` on the VPS.

        If you'd like, I can fix the DNS record from here: just reply "yes".

        Kenji Watanabe
        Technical support
        """)
    yield mins(20)
    d.say(tid, "Yes please, change it to the new IPv6. I'm not at my laptop.")
    yield mins(15)
    d.reply("kenji.watanabe", tid, """
        Changed: booking.atlas-travel.example AAAA 2001:db8:4a1::9c (TTL 300). I also ran the
        renewal on your VPS with your permission; the new certificate is valid for 90 days and
        nginx has been reloaded. The site is reachable over https again.

        Kenji
        """, internal="""
        Ran certbot renew --force-renewal as root on booking-api (client agreed in the ticket).
        Renewal OK, nginx -t OK, reloaded.
        """)
    yield hours(1)
    d.say(tid, """
        Thank you!! It works on my phone. Will it renew by itself next time?
        """)
    yield mins(40)
    d.ok("kenji.watanabe", tid, """
        Yes: the certbot timer runs twice a day and renews 30 days before expiry, and now the
        challenge can reach your server. A dry run to be sure:

            $ certbot renew --dry-run
            Congratulations, all simulated renewals succeeded:
              /etc/letsencrypt/live/booking.atlas-travel.example/fullchain.pem (success)

        Closing the ticket.

        Kenji
        """, incidents=0)


def t_api_tokens(d: Desk):
    tid = d.open("jonas", "Technical support", "Feature request: API tokens per project",
                 """
                 Hi,

                 small feature request: API tokens are per account right now. I manage VPSes for
                 three customers from one account; a token per project with limited rights would
                 let me give their CI access to only their servers.

                 Jonas
                 """, priority="low")
    yield hours(14)
    d.ok("marek.novak", tid, """
        Hi Jonas,

        thanks, a good idea, and you're not the first to ask. I've passed it to our product
        team with your use case; scoped tokens are on the roadmap, but I can't promise a date.
        Until then, a sub-account per customer (Account > Users) gives the same separation.

        Marek Novák
        Technical support
        """, incidents=0)
    yield days(1)
    d.read(tid)
    yield hours(1)
    d.archive(tid)


def t_refund_dispute(d: Desk):
    tid = d.open("pablo", "Billing", "Refund for the backup add-on I cancelled",
                 """
                 Dear Sir or Madam,

                 on the 2nd of last month I cancelled the "Premium backup" add-on (EUR 9.00 per
                 month) in the control panel. Your invoice INV-20811 nevertheless charges it again
                 for this month. I request a refund of EUR 9.00 and an explanation.

                 Yours faithfully,
                 Pablo Herrera
                 Herrera Legal
                 """, service="pablo-hosting", priority="high")
    yield hours(2) + mins(5)
    d.reply("priya.nair", tid, """
        Dear Mr Herrera,

        thank you for your message. I've checked your account: the add-on was still active on
        the invoice date, and our records show no cancellation request. Could you tell me how
        you cancelled it, or send a screenshot of the confirmation?

        Kind regards,
        Priya Nair
        Billing
        """)
    yield hours(5)
    d.say(tid, """
        I cancelled it under Services > Add-ons > Premium backup > "Cancel at end of term". A
        confirmation appeared on screen. I did not take a screenshot; I should not need one.
        """)
    yield mins(40)
    d.note("priya.nair", tid, """
        Panel audit log: "cancel_addon" clicked at 14:02 on the 2nd, then "Undo" at 14:02:09.
        He probably clicked Undo without noticing (the toast puts it where "Close" usually is).
        Technically the add-on was active. He disputed an invoice in the spring too.
        """)
    yield hours(1)
    d.reply("priya.nair", tid, """
        Dear Mr Herrera,

        our audit log shows that the cancellation was made on the 2nd at 14:02 and undone
        nine seconds later with the "Undo" button that appears after cancelling. That is why
        the add-on stayed active and was invoiced. The backups were also made all month.

        I understand that this is frustrating. As the service was provided, I can't refund it
        myself, but I have asked my manager to review the case.

        Kind regards,
        Priya
        """)
    yield hours(3)
    d.say(tid, """
        I certainly did not press any "Undo". If your interface places such a button where one
        expects to close a message, that is your design problem, not my error. I expect the
        refund.
        """)
    yield mins(35)
    d.note("priya.nair", tid, "Escalating to Dana: goodwill credit? EUR 9.00, long-standing client.")
    yield hours(16)
    d.look(ADMIN, tid)
    d.favorite(ADMIN, tid)
    yield mins(20)
    d.take(ADMIN, tid, force=True)
    d.note(ADMIN, tid, """
        Agree with Pablo on the UX point: the Undo toast sits exactly where the close button of
        every other notification is. Filed UX-482. Goodwill credit approved.
        """)
    yield mins(5)
    d.ok(ADMIN, tid, """
        Dear Mr Herrera,

        I'm Dana Whitfield, head of customer operations. I have reviewed your case. The log
        shows the cancellation was undone, but I agree that the position of the "Undo" button
        invites exactly this mistake; we are changing it.

        As a goodwill gesture we will credit EUR 9.00 to your account, and the Premium backup
        add-on is now cancelled as of today (you will not be invoiced for it again). The credit
        note will be on your next invoice.

        Yours sincerely,
        Dana Whitfield
        """)
    yield hours(5)
    d.read(tid)


def t_hacked_wordpress(d: Desk):
    tid = d.open("lucas", "Technical support", "My website redirects visitors to a casino site",
                 """
                 Hi,

                 HELP: when I open moreau-photo.example on my phone from Google it jumps to some
                 casino site! On my laptop it looks normal. A client told me this morning.
                 Screenshot attached. What is happening??

                 Lucas
                 """, service="lucas-hosting", priority="urgent",
                 files=(png_file("screenshot-phone.png", 120, 200, seed=88, kind="screen"),))
    yield mins(18)
    d.reply("sofia.reyes", tid, """
        Hi Lucas,

        that's the typical sign of a hacked WordPress: the malware only redirects visitors who
        come from Google on a phone, so the owner doesn't notice. I'm looking at the files now
        and will write again within the hour. Please don't log in to wp-admin meanwhile.

        Sofia Reyes
        Technical support
        """, incidents=0)
    yield mins(50)
    d.note("sofia.reyes", tid, """
        Found it: .htaccess has a mobile+Google referer rewrite to hxxps://lucky-spin.example;
        wp-content/plugins/revslider is 4.1 (vulnerable); backdoors in uploads/2023/07/*.php.
        Also: uploads/2024/03/.cache/login.php is a phishing kit (fake bank login). That last one
        is for the Abuse desk.
        """, files=(text_file("suspicious-files.txt", """
            ./.htaccess                                         modified 3 days ago (RewriteCond %{HTTP_REFERER} google, %{HTTP_USER_AGENT} mobile)
            ./wp-content/uploads/2023/07/cache-img.php          eval(base64_decode(...)) backdoor
            ./wp-content/uploads/2023/07/wp-tmp.php             file manager (WSO 5.1)
            ./wp-content/uploads/2024/03/.cache/login.php       phishing page imitating a bank login
            ./wp-content/uploads/2024/03/.cache/send.php        posts stolen credentials to a remote address
            ./wp-content/plugins/revslider/                     version 4.1.4 (arbitrary file upload, CVE-2014-9734)
            """),))
    yield mins(5)
    d.reply("sofia.reyes", tid, """
        Hi Lucas,

        I'm afraid the site has been hacked. The intruders came in through a very old version
        of the Slider Revolution plugin (4.1, from 2014) and left:

        - a redirect for mobile visitors coming from Google (what your client saw),
        - two backdoors in the uploads folder,
        - a fake bank login page hidden in /wp-content/uploads/2024/03/.cache/.

        I've put the site in maintenance mode so no visitor is redirected meanwhile. We can
        clean it for you (remove the malware, reinstall WordPress core and plugins from clean
        copies, reset all passwords): that's our cleanup service at EUR 49.00. Or you can
        restore a backup from before the break-in yourself, but the last clean one is 10
        days old. Which do you prefer?

        Sofia
        """)
    yield mins(25)
    d.say(tid, "Please clean it, I don't want to lose 10 days of work. Go ahead.")
    yield hours(2) + mins(30)
    d.reply("sofia.reyes", tid, """
        Done:

        - malware and backdoors removed, .htaccess restored;
        - WordPress core and all plugins reinstalled from clean copies; Slider Revolution
          updated to the current version;
        - all WordPress user passwords reset (you'll get an email to set yours), database and
          FTP passwords changed;
        - site out of maintenance mode, scanned clean.

        The EUR 49.00 is charged on this ticket. Please also turn on automatic plugin updates
        (Websites > moreau-photo.example > WordPress > Auto-update).

        Because the fake bank login page was used to steal data from other people, I have to
        pass this to our Abuse desk; they'll contact you here about it.

        Sofia
        """, charge="49.00", incidents=2)
    d.unlock("sofia.reyes", tid)
    d.assign("sofia.reyes", tid, department="Abuse desk")
    yield hours(1) + mins(10)
    d.take("rafael.costa", tid)
    d.look(ADMIN, tid)
    d.favorite(ADMIN, tid)
    d.abuse("rafael.costa", tid, "phishing", """
        Phishing kit imitating a bank login at
        hxxp://moreau-photo.example/wp-content/uploads/2024/03/.cache/login.php, exfiltrating
        to send.php. Installed via vulnerable revslider 4.1.4 (compromised site, client not
        the author). Removed by Technical support; credentials harvested for about 9 days
        according to access logs (~140 POSTs from distinct IPs). Reported to the bank's CERT.
        """)
    yield mins(10)
    d.reply("rafael.costa", tid, """
        Hello Lucas,

        I'm Rafael from the Abuse desk. We've registered an abuse case for the phishing page
        that was planted on your site. You're not suspected of anything: your site was a
        victim. But the page collected bank logins from about 140 visitors over nine days, so
        we have reported it to the bank's security team, as we must.

        What we need from you, within 48 hours:

        1. confirm you have changed the passwords of your hosting account and your email;
        2. check that nobody else has an administrator account in WordPress (Users > All
           users, role "Administrator") and tell us if you see one you don't know.

        Regards,
        Rafael Costa
        Abuse desk
        """)
    yield hours(3)
    d.read(tid)
    yield hours(1)
    d.say(tid, """
        Passwords changed (hosting, email, WordPress). There was an administrator called
        "wpsupport_2" that I never created, I deleted it. Sorry for all this trouble.
        """)
    yield mins(45)
    d.note("rafael.costa", tid, """
        Checked: wpsupport_2 created 11 days ago from 203.0.113.200 (same IP as the backdoor
        uploads). Deleted by the client. Keeping the case open 7 days to watch access logs.
        """)
    yield mins(5)
    d.reply("rafael.costa", tid, """
        Thank you Lucas, that account was indeed created by the intruders. No need to
        apologise: you acted quickly. We'll keep an eye on the access logs for another week;
        if nothing suspicious shows up, we'll close the case.

        Rafael
        """)
    d.summary("rafael.costa", tid,
              "Hacked WordPress (revslider 4.1.4): casino redirect + phishing kit. Cleaned by "
              "Sofia (EUR 49.00). Abuse case: phishing, reported to the bank's CERT. Watch access "
              "logs until next week, then close.")


def t_remove_user(d: Desk):
    tid = d.open("fatima", "Technical support", "Remove access for a former employee (user yassine)",
                 """
                 Hello,

                 our developer Yassine left the company last week. Please remove his SSH access
                 to the booking-api VPS and his control-panel user "yassine". Thank you.

                 Fatima
                 """, service="atlas-vps", priority="high")
    yield mins(40)
    d.ok("lena.fischer", tid, """
        Hello Fatima,

        done:

        - control-panel user "yassine" deleted (his last login was 4 days ago);
        - his SSH key (yassine@atlas-laptop) removed from /root/.ssh/authorized_keys and
          /home/deploy/.ssh/authorized_keys on booking-api.

        I'd also recommend rotating any API keys and database passwords he knew; your app's
        .env file has three of them.

        Lena Fischer
        Technical support
        """)
    yield hours(2)
    d.read(tid)
    yield days(1) + hours(5)
    d.archive(tid)


def t_autorenew_failed(d: Desk):
    tid = d.open("ana", "Domains", "Domain popescu-dental.example expires soon, auto-renew failed",
                 """
                 Hello,

                 I received an email that the automatic renewal of popescu-dental.example failed
                 and that the domain expires in 6 days. Our whole practice website and email
                 depend on it! What do I need to do?

                 Dr. Ana Popescu
                 """, service="popescu-dental", priority="high")
    yield hours(1)
    d.reply("olivia.grant", tid, """
        Hello Dr. Popescu,

        don't worry, there is still plenty of time, and the domain stays yours. The renewal
        failed because of the payment, not the domain itself, so I'm passing the ticket to our
        Billing colleagues, who will sort it out with you here.

        Kind regards,
        Olivia Grant
        Domains
        """)
    d.assign("olivia.grant", tid, department="Billing")
    d.close("olivia.grant", tid)
    yield mins(50)
    d.reply("priya.nair", tid, """
        Hello Dr. Popescu,

        the card on file (Visa ending 4417) expired last month, so the renewal payment of
        EUR 14.90 was declined. Please add a new card under Billing > Payment methods; I'll
        then renew the domain straight away.

        Best regards,
        Priya Nair
        Billing
        """)
    yield hours(3)
    d.say(tid, "I added the new card just now (Mastercard ending 0932).")
    yield mins(20)
    d.ok("priya.nair", tid, """
        Thank you. The renewal went through: popescu-dental.example is renewed for one year,
        and the EUR 14.90 is charged on this ticket. Auto-renewal will use the new card from
        now on.

        Priya
        """, charge="14.90")
    yield hours(2)
    d.read(tid)


def t_transfer_in(d: Desk):
    tid = d.open("greta", "Domains", "Transfer nordicyarn.example from my old registrar",
                 """
                 Hello,

                 I'd like to move nordicyarn.example to you so everything is in one place. The
                 old registrar gave me this code: Xq7#vT2p!mK9. What else do I need to do?

                 Greta Svensson
                 """, service="nordicyarn", priority="normal")
    yield hours(2)
    d.reply("olivia.grant", tid, """
        Hello Greta,

        thank you, the code is valid and I've started the transfer. Your old registrar will
        send you an email asking to confirm it; please click "approve" there, otherwise the
        transfer completes by itself after five days.

        Your website and email keep working throughout: the name servers don't change.

        Kind regards,
        Olivia Grant
        Domains
        """, internal="Transfer order TR-55120 sent to the registry. Old registrar: ACK pending.")
    yield hours(6)
    d.read(tid)
    yield hours(1)
    d.say(tid, "I haven't received any email from them. Should I wait?")
    yield mins(30)
    d.reply("olivia.grant", tid, """
        Yes, nothing to do: some registrars don't send the confirmation email at all. The
        registry completes the transfer automatically at the end of the five days. I'll check
        on it then and write to you.

        Olivia
        """)
    d.unlock("olivia.grant", tid)
    d.delay("olivia.grant", tid, d.clock.end + days(2) + hours(3))
    yield hours(4)
    d.read(tid)


def t_forwarding(d: Desk):
    tid = d.open("ruth", "Technical support", "Forwarding of info@ to Gmail stopped working",
                 """
                 Hi,

                 mail to info@adeyemi-books.test was forwarded to my Gmail until last week. Now
                 nothing arrives there, although I changed nothing.

                 Ruth Adeyemi
                 """, service="ruth-hosting", priority="normal")
    yield hours(1) + mins(30)
    d.reply("lena.fischer", tid, """
        Hi Ruth,

        Gmail started rejecting the forwarded mail because it fails SPF once it's passed on
        from our server. I've switched your forwarding to SRS (sender rewriting), which is
        the standard fix: forwarded mail now arrives with our server as the sender, and Gmail
        accepts it. I sent a test mail, and it arrived.

        Could you confirm that new mail shows up in your Gmail?

        Lena Fischer
        Technical support
        """)
    yield hours(3)
    d.say(tid, "Yes, mail is coming in again. Thanks, Lena!")
    yield mins(15)
    d.ok("lena.fischer", tid)
    yield hours(20)
    d.read(tid)
    d.archive(tid)


def t_two_charges(d: Desk):
    tid = d.open("harriet", "Billing", "Two payments taken from my card this month?",
                 """
                 Hello,

                 my bank statement shows two payments to you this month, EUR 14.90 and EUR 24.90.
                 Normally it's only one. Have I been charged twice?

                 Harriet Cole
                 """, priority="normal")
    yield hours(2) + mins(10)
    d.ok("tom.becker", tid, """
        Hello Harriet,

        no, nothing was charged twice: the EUR 24.90 is your monthly Business hosting, and the
        EUR 14.90 is the yearly renewal of your domain colesbakery.example, which happens to
        fall in the same month. You'll find both invoices in the control panel under Billing >
        Invoices.

        Best regards,
        Tom Becker
        Billing
        """)
    yield hours(5)
    d.read(tid)


def t_cleanup_installments(d: Desk):
    tid = d.open("lucas", "Billing", "Can I pay the cleanup fee in two parts?",
                 """
                 Hi,

                 it's a tight month for me. Could I pay the EUR 49.00 for the site cleanup in two
                 parts, now and next month?

                 Lucas Moreau
                 """, priority="low")
    yield hours(3)
    d.ok("priya.nair", tid, """
        Hi Lucas,

        of course. I've split it: EUR 24.50 now and EUR 24.50 on next month's invoice. No
        fees for that.

        Best regards,
        Priya Nair
        Billing
        """)
    yield hours(4)
    d.read(tid)


def t_port25_spam(d: Desk):
    tid = d.open("oliver", "Abuse desk", "Why is outgoing mail blocked on my VPS?",
                 """
                 Hello,

                 since an hour our forum can't send any email (registration mails, password
                 resets). Port 25 to the outside seems blocked. We had it unblocked last year.
                 What's going on?

                 Oliver
                 """, service="brandt-vps", priority="high")
    yield mins(25)
    d.take("rafael.costa", tid)
    d.abuse("rafael.costa", tid, "spam", """
        203.0.113.120 (brandt-games VPS) sent ~48,000 messages in 2 hours through the forum's
        Postfix relay; 3 blocklist listings (SBL, two others) and 212 complaints via feedback
        loops. Cause (client to confirm): forum registration form abused, no captcha; Postfix
        relays for any authenticated forum user. Port 25 blocked at 14:52 UTC.
        """)
    yield mins(10)
    d.reply("rafael.costa", tid, """
        Hello Oliver,

        we blocked outgoing port 25 on your VPS ourselves: in the last two hours it sent about
        48,000 spam emails, and your IP is now on three blocklists. The mails were sent through
        your forum's mail server; most likely the registration form is being abused by bots
        (no captcha) to send mail through it.

        Before we unblock it, please:

        1. stop Postfix or restrict relaying to the forum's own notifications;
        2. add a captcha to the forum's registration form;
        3. delete the spam still in the mail queue (`postqueue -p` shows ~6,000 waiting).

        Tell us here when that's done.

        Rafael Costa
        Abuse desk
        """)
    yield hours(2)
    d.say(tid, """
        You were right, 3,100 bot registrations in three days. I disabled registrations, added a
        captcha, flushed the queue (postsuper -d ALL) and Postfix now only accepts mail from
        localhost. Can you unblock now? Password resets are failing for real players.
        """)
    yield mins(30)
    d.take("kenji.watanabe", tid, force=True)
    d.favorite(ADMIN, tid)
    d.note("kenji.watanabe", tid, """
        Checked from the VPS: queue empty, postconf mynetworks = 127.0.0.0/8, smtpd_relay
        restrictions OK. Still listed on 1 of 3 blocklists; delisting requested.
        """)
    yield mins(5)
    d.reply("kenji.watanabe", tid, """
        Hello Oliver,

        thanks, I checked your Postfix configuration and the queue: it looks good. Two of the
        three blocklists have already removed your IP; for the last one I've requested
        delisting, which usually takes a few hours.

        I'll unblock port 25 once that listing is gone, so your mail isn't rejected anyway.
        Until then you could send the forum's mail through our relay
        (smtp.example-hosting.example:587), which works right away.

        Kenji Watanabe
        Technical support / Abuse desk
        """)
    yield hours(3)
    d.say(tid, """
        Set up the relay, password resets work again. Please let me know when port 25 is open;
        we'd prefer to send directly again.
        """)


def t_alias_domain(d: Desk):
    tid = d.open("meilin", "Domains", "Add lotus-tea.test as an alias of our shop",
                 """
                 Hello,

                 we also registered lotus-tea.test with you. Could it show the same shop as
                 lotus-tea.example? Thank you!

                 Meilin
                 """, service="lotus-tea", priority="low")
    yield hours(7)
    d.ok("olivia.grant", tid, """
        Hello Meilin,

        done: lotus-tea.test now redirects (301) to https://lotus-tea.example, including all
        paths, so search engines see one shop and not two copies. A certificate for the alias
        is issued too.

        Kind regards,
        Olivia Grant
        Domains
        """)


def t_wrong_amount(d: Desk):
    tid = d.open("greta", "Billing", "Invoice charged the Business plan instead of Starter",
                 """
                 Hello,

                 my latest invoice charges "Business hosting" (EUR 24.90) but I only have Starter
                 (EUR 6.90). Can you correct it?

                 Greta
                 """, priority="normal")
    yield hours(1) + mins(45)
    result = d.reply("tom.becker", tid, """
        Hello Greta,

        you're right, sorry for that: the plan change from your trial was recorded wrongly. I
        have issued a credit note of EUR 12.90, which will be deducted from your next invoice.

        Best regards,
        Tom Becker
        Billing
        """)
    yield mins(6)
    d.edit("tom.becker", result.reply_id, """
        Hello Greta,

        you're right, sorry for that: the plan change from your trial was recorded wrongly. I
        have issued a credit note of EUR 18.00 (EUR 24.90 charged minus EUR 6.90 for Starter),
        which will be deducted from your next invoice.

        Best regards,
        Tom Becker
        Billing
        """)
    yield mins(2)
    d.ok("tom.becker", tid, """
        Here is the credit note for your records.

        Tom
        """, files=(pdf_file("credit-note-CN-3307.pdf", [
        "Example Hosting Ltd - CREDIT NOTE CN-3307",
        "For: Greta Svensson (nordicyarn.example)",
        "",
        "Correction of invoice INV-21044: Business hosting charged instead of Starter",
        "Business hosting  EUR 24.90  -  Starter hosting  EUR 6.90",
        "",
        "Credit: EUR 18.00 (deducted from the next invoice)",
    ]),), internal="Corrected the amount in my reply (first said 12.90). Credit note attached.")


def t_staging_copy(d: Desk):
    tid = d.open("amara", "Technical support", "Can we get a staging copy of the shop?",
                 """
                 Hello,

                 before our winter sale we want to try a new theme without risking the live shop.
                 Could you set up a copy of the shop we can play with?

                 Amara
                 """, service="amara-hosting", priority="low")
    yield hours(2)
    d.reply("sofia.reyes", tid, """
        Hello Amara,

        sure. Business Plus includes one staging site. Before I create it: should the copy
        include the customer and order data, or would you rather have it anonymised (names,
        addresses and emails replaced)? For testing a theme, anonymised is safer and what
        we'd recommend.

        Sofia
        """)
    yield hours(5)
    d.read(tid)
    yield days(1)
    d.client_draft(tid, "Anonymised is fine, but please keep the product")


def t_invoice_address(d: Desk):
    tid = d.open("ruth", "Billing", "New invoice address",
                 """
                 Hello,

                 we've moved the bookshop. Please send invoices to: Adeyemi Books, 4 Canal Street,
                 Leeds LS1 4AB, from now on.

                 Ruth
                 """, priority="low")
    yield hours(2) + mins(40)
    d.ok("tom.becker", tid, """
        Hello Ruth,

        the billing address is updated; your next invoice will show Adeyemi Books, 4 Canal
        Street, Leeds LS1 4AB. Good luck in the new shop!

        Tom Becker
        Billing
        """)
    yield hours(9)
    d.read(tid)


def t_mailbox_quota(d: Desk):
    tid = d.open("sanne", "Technical support", "Mailbox full: please increase the quota to 10 GB",
                 """
                 Hello,

                 my mailbox sanne@devries-architects.example is full (5 GB) and clients' emails
                 with drawings bounce. Can you make it 10 GB? Whatever it costs.

                 Sanne
                 """, service="sanne-hosting", priority="high")
    yield mins(45)
    d.ok("lena.fischer", tid, """
        Hello Sanne,

        done: your mailbox now has 10 GB. The extra 5 GB cost EUR 3.00 a month; this month's
        amount is charged on this ticket. Bounced messages won't come back by themselves, so
        you may want to ask the senders of the last hour to send again.

        Tip: large drawings are better shared as download links (Nextcloud, WeTransfer) than
        as attachments; they fill mailboxes quickly.

        Lena Fischer
        Technical support
        """, charge="3.00", incidents=0)


def t_shop_subdomain(d: Desk):
    tid = d.open("greta", "Domains", "Point shop.nordicyarn.example to my online shop",
                 """
                 Hi,

                 my shop provider says I should create a CNAME "shop" pointing to
                 shops.example-commerce.example. Can you do that for me? I'm afraid of breaking
                 something.

                 Greta
                 """, service="nordicyarn", priority="low")
    yield hours(3)
    d.ok("olivia.grant", tid, """
        Hi Greta,

        done, nothing else was touched:

            shop.nordicyarn.example.  3600  IN  CNAME  shops.example-commerce.example.

        It can take up to an hour before your shop provider sees it. The domain transfer you
        started doesn't affect this: your DNS zone stays with us either way.

        Olivia
        """)


def t_bruteforce_limit(d: Desk):
    tid = d.open("jonas", "Abuse desk", "Why was the network of my VPS limited?",
                 """
                 Hi,

                 I got an automated email that the network of vps-7731 is rate-limited "because
                 of abuse". I have no idea what it's about. Details please?

                 Jonas
                 """, service="albrecht-vps", priority="high")
    yield mins(35)
    d.take("rafael.costa", tid)
    d.abuse("rafael.costa", tid, "brute force", """
        203.0.113.47 (vps-7731) ran SSH brute force against ~9,000 hosts in 6 hours; reports
        from two networks (attached to case in the abuse mailbox). Source: a container named
        "test-ubuntu" on the VPS, probably started with a weak root password and exposed SSH.
        """)
    yield mins(5)
    d.reply("rafael.costa", tid, """
        Hi Jonas,

        since about 04:00 UTC your VPS has been trying SSH logins on thousands of other
        servers (about 9,000 in six hours), and two networks reported it to us. That's why we
        limited its network. Looking at the connections, they come from a Docker container
        called "test-ubuntu" that exposes SSH on port 2222, most likely with a weak password.

        Please stop and delete that container, check the others, and tell us here; we'll lift
        the limit right away.

        Rafael Costa
        Abuse desk
        """)
    yield mins(50)
    d.say(tid, """
        Ouch. That was a throwaway container from a workshop, root/root, I forgot it existed.
        Deleted it, the image too, and checked the rest: nothing else exposes SSH. Sorry!
        """)
    yield mins(20)
    d.ok("rafael.costa", tid, """
        Thanks for the quick reaction. I've lifted the limit; the VPS has full bandwidth again.
        We'll close the abuse case if no new reports arrive in the next days.

        Rafael
        """)


def t_managed_postgres(d: Desk):
    tid = d.open("dmitri", "Billing", "Managed PostgreSQL: price for 50 GB?",
                 """
                 Hello,

                 after all the trouble with the VPS we're thinking of moving the analytics
                 database to a managed PostgreSQL. What would 50 GB with daily backups cost?

                 Dmitri
                 """, priority="normal")
    yield hours(3)
    d.reply("tom.becker", tid, """
        Hello Dmitri,

        thank you for asking! Our managed PostgreSQL plans launch next week and the final
        prices aren't published yet. I'll come back to you on this ticket as soon as they are,
        with a quote for 50 GB and daily backups (plus point-in-time recovery, which I'd
        recommend for your use).

        Best regards,
        Tom Becker
        Billing
        """, internal="Sales lead (see client comment). Pricing sheet due next week.")
    d.unlock("tom.becker", tid)
    d.delay("tom.becker", tid, d.clock.end + days(5) + hours(1))
    yield hours(6)
    d.read(tid)


def t_contact_form(d: Desk):
    tid = d.open("ana", "Technical support", "Appointment form on our website sends no emails",
                 """
                 Hello,

                 patients fill in the appointment form on popescu-dental.example, they see "Thank
                 you", but we never receive the request by email. It worked until the renewal
                 last week, I think.

                 Ana Popescu
                 """, service="ana-hosting", priority="high")
    yield hours(1) + mins(20)
    d.reply("lena.fischer", tid, """
        Hello Dr. Popescu,

        I checked the mail log of your website. The form (Contact Form 7) sends as
        "wordpress@popescu-dental.example", a mailbox that doesn't exist, and sends to
        office@popescu-dental.example, which rejects it because of that missing sender:

            status=bounced (host mx.popescu-dental.example said: 550 5.1.0
            <wordpress@popescu-dental.example>: Sender address rejected)

        The fix: in WordPress > Contact > Contact forms > Appointment > Mail, set "From" to
        office@popescu-dental.example. Would you like me to change that for you?

        Lena Fischer
        Technical support
        """)
    yield hours(4)
    d.say(tid, "Yes please, I don't want to break anything.")
    yield mins(30)
    d.reply("lena.fischer", tid, """
        Changed, and I sent a test appointment request: it arrived in office@ within a
        minute. Could you check that you see it too ("Test - please ignore")?

        The requests from the last few days are unfortunately lost; they were never
        delivered. Patients who asked for an appointment since the renewal may be waiting for
        an answer.

        Lena
        """)


def t_upgrade_xl32(d: Desk):
    tid = d.open("oliver", "Billing", "Upgrade game VPS to XL-32 for the tournament season",
                 """
                 Hi,

                 we're hosting a league from next week and need more headroom. What would an
                 upgrade from XL-16 to XL-32 cost for the rest of this month?

                 Oliver
                 """, service="brandt-vps", priority="normal")
    yield hours(2)
    d.reply("priya.nair", tid, """
        Hi Oliver,

        XL-16 is EUR 64.00 and XL-32 EUR 124.00 a month, so EUR 60.00 more. For the 20 days left
        in your billing period the difference is EUR 40.00. Shall I go ahead? The upgrade itself
        is done by our technical team with about 5 minutes of downtime.

        Priya Nair
        Billing
        """)
    yield hours(1)
    d.say(tid, "Yes, please, and do it tonight at 04:00 UTC if possible, no games running then.")
    yield mins(25)
    d.ok("priya.nair", tid, """
        Charged EUR 40.00 on this ticket. The upgrade is scheduled for tonight at 04:00 UTC.

        Priya
        """, charge="40.00")
    yield hours(5)
    d.read(tid)


def t_api_slow(d: Desk):
    tid = d.open("fatima", "Technical support", "Booking API very slow since this morning",
                 """
                 Hello,

                 since this morning our booking API (booking-api VPS) answers in 5-10 seconds
                 instead of 200 ms. Nothing was deployed. Can you see anything on your side?

                 Fatima
                 """, service="atlas-vps", priority="high")
    yield mins(40)
    d.reply("kenji.watanabe", tid, """
        Hello Fatima,

        the host and network look normal: no packet loss and the VPS gets its full CPU. But
        inside the VPS the load average is 11 on 2 vCPUs. Could you send the output of
        `top -b -n 1 | head -30` so we can see which process it is?

        Kenji
        """)
    yield hours(1) + mins(10)
    d.say(tid, "Here it is.", files=(text_file("top-output.txt", """
        top - 09:14:02 up 41 days,  3:12,  1 user,  load average: 11.42, 10.87, 9.03
        Tasks: 168 total,  12 running, 156 sleeping,   0 stopped,   0 zombie
        %Cpu(s): 96.8 us,  2.9 sy,  0.0 ni,  0.0 id,  0.0 wa,  0.0 hi,  0.3 si,  0.0 st
        MiB Mem :   3931.2 total,    212.4 free,   2980.1 used,    738.7 buff/cache

            PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND
          18812 www-data  20   0  412880 221340  18220 R  47.1   5.5  81:12.44 php-fpm: pool booking
          18815 www-data  20   0  411948 219004  18104 R  46.8   5.4  80:57.10 php-fpm: pool booking
          18820 www-data  20   0  409312 216772  17990 R  45.9   5.4  79:33.02 php-fpm: pool booking
            944 mysql     20   0 1873204 702112  33808 S  38.2  17.4   2d+11h mysqld
          18830 www-data  20   0  408204 215120  17880 R  30.5   5.3  41:20.91 php-fpm: pool booking
        """),))
    yield mins(30)
    d.note("kenji.watanabe", tid, """
        php-fpm workers pegged + mysqld busy: probably a missing index after their last
        migration, or a crawler hammering /search. Access log: 71% of requests from one IP
        range (198.51.100.0/24), user agent "PriceScraper/2.1".
        """)
    yield mins(5)
    d.reply("kenji.watanabe", tid, """
        Thank you. The PHP workers are all busy with your /api/search endpoint, and 71% of
        those requests come from a single price-comparison crawler ("PriceScraper/2.1" from
        198.51.100.0/24), about 40 requests per second.

        Options: rate-limit it in nginx (I can send you the three lines), or block it entirely
        if you don't work with that comparison site. Which do you prefer?

        Kenji
        """)


def t_impersonation(d: Desk):
    tid = d.open("kwame", "Abuse desk", "Someone sends emails pretending to be us",
                 """
                 Hello,

                 two of our clients received emails "from" accounts@mensah-consulting.example
                 asking them to pay an invoice to a new bank account. We never sent those! How can
                 we stop this?

                 Kwame Mensah
                 """, service="mensah", priority="high")
    yield mins(50)
    d.reply("rafael.costa", tid, """
        Hello Kwame,

        I'm sorry to hear that; this is a common fraud. The mails weren't sent from our
        servers or from your account: someone forged the sender address, which anyone can do
        unless the domain publishes a policy that tells receivers to reject such mail.
        Please warn your clients not to pay to any new account without calling you.

        The protection is a DMARC policy on your domain, which our Domains team will set up
        with you; I'm passing the ticket to them.

        Rafael Costa
        Abuse desk
        """)
    d.assign("rafael.costa", tid, department="Domains")
    d.close("rafael.costa", tid)
    yield hours(2)
    d.reply("olivia.grant", tid, """
        Hello Kwame,

        your domain has SPF but no DKIM and no DMARC yet. I've turned on DKIM signing and
        published a DMARC record in monitoring mode:

            _dmarc.mensah-consulting.example.  TXT  "v=DMARC1; p=none; rua=mailto:dmarc@mensah-consulting.example"

        After a week of reports, if all your real mail passes, we'll switch it to p=reject:
        then receivers like Gmail and Outlook will refuse forged mail in your name. Is anyone
        else sending mail as your domain (a newsletter tool, an accounting system)? They'd need
        to be included first.

        Olivia Grant
        Domains
        """)


def t_backup_retention(d: Desk):
    tid = d.open("pablo", "Technical support", "How long are backups kept now?",
                 """
                 Dear Sir or Madam,

                 now that the Premium backup add-on is cancelled, how long are the standard
                 backups of my hosting kept, and how often are they made? I need this for our
                 data-protection records.

                 Pablo Herrera
                 """, service="pablo-hosting", priority="low")
    yield hours(2) + mins(20)
    d.reply("sofia.reyes", tid, """
        Dear Mr Herrera,

        standard backups of Business hosting are made daily at about 01:00 UTC and kept for
        14 days, in a second data centre in the same country (Frankfurt). Files and databases
        are both included; mailboxes are backed up separately and kept for 7 days.

        For your records, our data-processing agreement (section 6) describes this; I can send
        it as a PDF if you need it.

        Kind regards,
        Sofia Reyes
        Technical support
        """, incidents=0)
    yield hours(4)
    d.read(tid)


def t_slow_from_china(d: Desk):
    tid = d.open("meilin", "Technical support", "Shop very slow for customers in China",
                 """
                 Hello,

                 customers in Hangzhou say lotus-tea.example takes 20-30 seconds to load, and
                 sometimes the pictures never appear. In Leeds it is fast. Can you help? 我们在中国的
                 客户说网站很慢。

                 Meilin
                 """, service="meilin-hosting", priority="normal")
    yield hours(7)
    d.reply("sofia.reyes", tid, """
        Hello Meilin,

        your shop loads three resources from services that are blocked or very slow in
        mainland China: Google Fonts, a Google Maps embed on the contact page, and the
        YouTube video on the home page. The browser waits for them until it gives up, which is
        the 20-30 seconds.

        Serving the fonts from your own site and replacing the map and video with images (with
        a link) should fix most of it. Would you like us to do the fonts part for you?

        Sofia
        """)
    yield hours(10)
    d.say(tid, """
        Yes please do the fonts! I will replace the map and the video myself this weekend.
        谢谢 🙂
        """)


def t_black_friday(d: Desk):
    tid = d.open("amara", "Billing", "Temporary extra resources for our winter sale week?",
                 """
                 Hello,

                 last year the shop was very slow during our winter sale. It starts in about
                 three weeks; can we get more resources just for that week, and what would it cost?

                 Amara
                 """, service="amara-hosting", priority="normal")
    yield hours(1) + mins(30)
    d.reply("tom.becker", tid, """
        Hello Amara,

        yes: we can double the CPU and memory of your Business Plus plan for a week, at
        EUR 15.00 for the week. The switch is instant, without downtime. I'll get back to you
        ten days before the sale starts to set the dates.

        Tom Becker
        Billing
        """)
    d.unlock("tom.becker", tid)
    d.delay("tom.becker", tid, d.clock.end + days(9) + hours(6))
    yield hours(2)
    d.look(ADMIN, tid)
    d.favorite(ADMIN, tid)


def t_lost_2fa(d: Desk):
    tid = d.open("lucas", "Technical support", "Can't log in to the control panel: lost my phone (2FA)",
                 """
                 Hi,

                 my phone was stolen and with it the authenticator app. Now I can't log in to the
                 control panel. How can I get back in?

                 Lucas
                 """, priority="normal")
    yield hours(2)
    d.reply("marek.novak", tid, """
        Hi Lucas,

        sorry to hear about your phone. For your security we can only remove two-factor login
        after verifying that it's really you. Please reply with:

        1. the last four digits of the card you pay with, and
        2. the amount of your last invoice.

        Then I'll reset it and you can set up the authenticator on your new phone.

        Marek Novák
        Technical support
        """, incidents=0, priority="low")
    yield hours(5)
    d.say(tid, "Card ending 2203. The last invoice was EUR 8.28, I think.")
    yield mins(20)
    d.note("marek.novak", tid, """
        Card 2203 matches. Last invoice was EUR 9.48, not 8.28 (8.28 was the one before).
        Close enough? Asking for a photo ID before resetting, given the recent compromise.
        """)


def t_mixed_content(d: Desk):
    tid = d.open("amara", "Technical support", "Padlock missing on the checkout page",
                 """
                 Hello,

                 on the checkout page the browser shows "not fully secure" instead of the
                 padlock. Customers have asked whether it's safe to pay.

                 Amara
                 """, service="amara-hosting", priority="high")
    yield mins(40)
    d.reply("lena.fischer", tid, """
        Hello Amara,

        the checkout page loads the payment provider's logo over plain http
        (http://cdn.pay-example.example/logo.png). The browser calls that "mixed content". It
        doesn't make the payment itself unsafe (the card form is https), but it removes the
        padlock. I've changed the image address in the theme to https; the padlock is back.

        Please check it in a private window and let me know.

        Lena Fischer
        Technical support
        """)


def t_card_update(d: Desk):
    d.open("kwame", "Billing", "Credit card update fails with error 3DS-402",
           """
           Hello,

           I'm trying to add our new company card in Billing > Payment methods and every time
           I get "Authentication failed (3DS-402)". The bank says they see no attempt at all.

           Kwame Mensah
           """, priority="normal")
    yield timedelta(0)


def t_pci_question(d: Desk):
    d.open("ruth", "Technical support", "Is our shop PCI compliant on your hosting?",
           """
           Hi,

           our card processor asks us to fill in a PCI DSS self-assessment. We take card
           payments through their hosted payment page, nothing is stored on our site. What
           should we answer about the hosting?

           Ruth Adeyemi
           """, service="ruth-hosting", priority="low")
    yield timedelta(0)


def t_external_dns(d: Desk):
    tid = d.open("sanne", "Domains", "Use Cloudflare name servers for devries-architects.example",
                 """
                 Hello,

                 our new IT partner wants to manage DNS at Cloudflare. Could you change the name
                 servers of devries-architects.example to ada.ns.example-cdn.example and
                 bob.ns.example-cdn.example? Will our email keep working?

                 Sanne
                 """, service="devries", priority="normal")
    yield hours(20)
    d.look(ADMIN, tid)
    d.draft(ADMIN, tid, """
        Hello Sanne,

        we can change the name servers for you. Before we do: the new zone at Cloudflare must
        contain all your current records, especially the MX and the DKIM record, or your email
        will stop. I'll send you the full list of records
        """, internal="Check with Olivia: their DKIM key is rotated monthly by our relay.")


def t_wildcard_cert(d: Desk):
    d.open("sanne", "Technical support", "Wildcard certificate for *.devries-architects.example",
           """
           Hello,

           we'd like a wildcard certificate for our project subdomains
           (projects.devries-architects.example, client1.devries-architects.example...). Is
           that possible with your Let's Encrypt integration?

           Sanne
           """, service="sanne-hosting", priority="low")
    yield timedelta(0)


def t_ipv6(d: Desk):
    d.open("jonas", "Technical support", "IPv6 of vps-7731 not reachable from outside",
           """
           Hi,

           2001:db8:77::31 on vps-7731 answers locally but not from outside:

               $ ping -6 -c3 2001:db8:77::31   (from my laptop, native IPv6)
               3 packets transmitted, 0 received, 100% packet loss
               $ ip -6 route    (on the VPS)
               2001:db8:77::/64 dev eth0 proto kernel metric 256
               default via fe80::1 dev eth0 metric 1024

           ip6tables is empty (ACCEPT everywhere). IPv4 is fine. Something on your side?

           Jonas
           """, service="albrecht-vps", priority="normal")
    yield timedelta(0)


def t_bounce_550(d: Desk):
    tid = d.open("ana", "Technical support", "Emails to patients bounce with 550 5.7.1",
                 """
                 Hello,

                 since this morning many of our emails to patients come back with:

                     550 5.7.1 Service unavailable, Client host [192.0.2.77] blocked using
                     Spamhaus. To request removal from this list see https://www.spamhaus.example

                 We send appointment reminders from office@popescu-dental.example. Please help,
                 we have 40 appointments tomorrow.

                 Ana Popescu
                 """, service="ana-hosting", priority="high")
    yield mins(50)
    d.take("sofia.reyes", tid)
    d.draft("sofia.reyes", tid, """
        Hello Dr. Popescu,

        the address in the bounce, 192.0.2.77, is one of our shared mail servers, not your
        account. Another customer on that server was sending spam this morning and the whole
        address was listed. I have moved your outgoing mail to
        """, internal="Move popescu-dental to relay pool B; ask Rafael about the spammer on mx-77.")


def t_db_connection(d: Desk):
    tid = d.open("harriet", "Technical support", "Website shows \"Error establishing a database connection\"",
                 """
                 Hello,

                 our website colesbakery.example only shows "Error establishing a database
                 connection" since about half an hour. Today's orders for cakes come in through
                 the site! I didn't touch anything. Please help as soon as possible.

                 Harriet Cole
                 """, service="harriet-hosting", priority="urgent")
    yield mins(12)
    d.note("marek.novak", tid, """
        Placing first: Harriet's cake orders for today come in through the site (see client
        comment). MySQL on web-23 restarted at 10:02 after a disk-full alert; her database
        user may have lost its grant. Lena, please take it.
        """, top=True)
    d.unlock("marek.novak", tid)
    d.assign("marek.novak", tid, staff="lena.fischer")
    yield mins(8)
    d.take("lena.fischer", tid)
    d.draft("lena.fischer", tid, """
        Hello Harriet,

        I'm looking at your website right now. The database server your site uses had a
        problem this morning and
        """)
    yield mins(15)
    d.say(tid, """
        I also tried to call, the line was busy. The site still doesn't work.
        """)
    d.client_draft(tid, "One more thing: the contact form")


def t_sftp_login(d: Desk):
    d.open("pablo", "Technical support", "SFTP login fails since the password change",
           """
           Dear Sir or Madam,

           since I changed the hosting password yesterday, FileZilla reports "Authentication
           failed" for SFTP (host sftp.herrera-legal.example, user herrera). The new password
           works for the control panel.

           Pablo Herrera
           """, service="pablo-hosting", priority="normal")
    yield timedelta(0)
