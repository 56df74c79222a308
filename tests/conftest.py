"""Fixtures: every store test runs on SQLite and on a real PostgreSQL server the suite starts."""

from __future__ import annotations

import itertools
import os

import pytest

from store.db import Store
from tests.pgcluster import PgCluster

pytest_plugins = ["tests.conftest_mail"]  # the real mail servers (Dovecot, aiosmtpd)

IN_CI = os.environ.get("CI") == "true"
_db_numbers = itertools.count()
TEMPLATE_DB = "tt_template"


@pytest.fixture(scope="session")
def pg_cluster():
    try:
        cluster = PgCluster().start()
    except Exception as exc:  # noqa: BLE001 - any failure to start means "no server here"
        reason = f"PostgreSQL server could not be started: {exc}"
        if IN_CI:
            pytest.fail(f"{reason} (in CI a skipped PostgreSQL test is a failure)")
        pytest.skip(reason)
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def pg_template(pg_cluster: PgCluster) -> str:
    """A migrated database that each test's database is copied from (fast CREATE ... TEMPLATE)."""
    pg_cluster.admin_sql(f"CREATE DATABASE {TEMPLATE_DB}")
    Store.open(pg_cluster.url(TEMPLATE_DB)).close()
    return TEMPLATE_DB


@pytest.fixture
def pg_url(pg_cluster: PgCluster, pg_template: str):
    name = f"tt_{os.getpid()}_{next(_db_numbers)}"
    pg_cluster.admin_sql(f"CREATE DATABASE {name} TEMPLATE {pg_template}")
    yield pg_cluster.url(name)
    pg_cluster.admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(autouse=True)
def _private_draft_spool(tmp_path, monkeypatch) -> None:
    """Drafts kept locally during an outage (tui/runtime/draft_spool.py) go to the test's own folder."""
    monkeypatch.setenv("TICKET_TUI_SPOOL", str(tmp_path / "draft-spool"))


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'tickets.db'}"


@pytest.fixture
def sqlite_desk(sqlite_url: str):
    """The test desk (tests/desk.py) on a fresh SQLite file: what the TUI tests drive."""
    from tests.desk import make_desk

    store = Store.open(sqlite_url)
    yield make_desk(store)
    store.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def db_url(request) -> str:
    """The URL of an empty, migrated database of each kind."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(db_url: str, monkeypatch):
    """On PostgreSQL each service call runs as its actor's own login role (tests/personal.py)."""
    if db_url.startswith("postgresql"):
        from tests.personal import PersonalStore, act_in_person

        s = PersonalStore.open(db_url)
        act_in_person(monkeypatch)
    else:
        s = Store.open(db_url)
    yield s
    s.close()


@pytest.fixture(autouse=True)
def _send_at_once(monkeypatch) -> None:
    """The tests written before undo send expect a reply to reach its client at once: for them
    send_delay_seconds defaults to 0. The undo tests (tests/test_undo_send*.py) set it."""
    from store import settings

    spec = settings.GLOBAL_SETTINGS["send_delay_seconds"]
    monkeypatch.setitem(settings.GLOBAL_SETTINGS, "send_delay_seconds", spec._replace(default=0))


@pytest.fixture(autouse=True, scope="session")
def _utc_clock_display():
    """Times on screen are shown in the local zone; the tests fix it to UTC."""
    import time

    os.environ["TZ"] = "UTC"
    time.tzset()


@pytest.fixture
def minute_per_call_clock(monkeypatch):
    """The store's clock moves a minute at each reading: rows made one after another get
    distinct times, so list orders are deterministic."""
    from datetime import timedelta

    from store import clock as store_clock

    t = [store_clock.utcnow()]

    def tick():
        t[0] += timedelta(minutes=1)
        return t[0]

    monkeypatch.setattr(store_clock, "utcnow", tick)
