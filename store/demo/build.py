"""Building and opening the demo: build_demo writes it into an empty store; ensure_demo opens the
demo database (building it the first time, or again after a reset); DemoInfo says what it holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import delete, func, select

from .. import admin
from .. import clock as wall
from ..db import Store
from ..engine import parse_url
from ..errors import BadInput
from ..models import Client, Department, Setting, Staff, Ticket
from .clock import fake_clock
from .desk import setup_desk
from .people import ADMIN
from .plan import make_plan
from .ratings import rate_replies
from .rules import add_demo_rules
from .schedule import run_scripts
from .threads_mailed import post_office

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


def build_demo(store: Store, now: datetime | None = None, *, strict: bool = False) -> DemoInfo:
    """Writes the demo help desk into an empty store. `now` is when the demo ends (the real
    current time by default); conversations fill the three weeks before it. A script step
    that would run after `now` runs at `now` instead (strict=True refuses: tests use it)."""
    end = (now or wall.utcnow()).astimezone(timezone.utc)
    midnight = end.replace(hour=0, minute=0, second=0, microsecond=0)
    base = midnight - timedelta(days=WINDOW_DAYS)
    desk = setup_desk(store, end)
    admin.set_setting(store, "send_delay_seconds", "0")  # its history: every reply long sent
    with fake_clock(base, end) as clock:
        desk.clock = clock

        def day(n: int, h: int = 9, m: int = 0) -> datetime:
            return base + timedelta(days=n, hours=h, minutes=m)

        def ago(delta: timedelta) -> datetime:
            return end - delta

        plan = make_plan(day, ago)
        sqlite = _sqlite_file(store.url)
        plan.append((base, post_office(sqlite.parent / "demo-mail" if sqlite else None)))
        plan.sort(key=lambda item: item[0])
        run_scripts(desk, plan)
        rate_replies(desk)
    add_demo_rules(store)  # for the tickets to come (store/demo/rules.py)
    with store.write() as s:  # then the desk's default (undo send), as a new desk has it
        s.execute(delete(Setting).where(Setting.key == "send_delay_seconds"))
    if strict and clock.clamped:
        raise AssertionError(f"{clock.clamped} demo step(s) would have run after {end}")
    return demo_info(store)
