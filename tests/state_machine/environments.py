"""Where the examples run: a fresh copy of a populated SQLite file, or one PostgreSQL database
emptied between examples."""

from __future__ import annotations

import itertools
import os
import sqlite3
from pathlib import Path

from store.db import Store
from store.models import Base
from tests.personal import PersonalStore
from tests.state_machine.help_desk import populate
from tests.state_machine.tables import snapshot


class SqliteEnv:
    """A populated template file; each example gets a copy (SQLite's backup API)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.template = root / "template.db"
        store = Store.open(f"sqlite:///{self.template}")
        try:
            self.desk = populate(store)
        finally:
            store.close()
        self._numbers = itertools.count()

    def new_store(self):
        path = self.root / f"example-{next(self._numbers)}.db"
        src, dst = sqlite3.connect(self.template), sqlite3.connect(path)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
        store = Store.open(f"sqlite:///{path}", migrate=False)

        def cleanup() -> None:
            store.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

        return store, cleanup

    def close(self) -> None:
        pass


class PgEnv:
    """One database from the suite's template, populated once; each example starts from it again
    by emptying what the examples write (CREATE DATABASE costs more than half a second here).
    The reset is checked: every table must then be exactly as it was after populating."""

    STATIC = {"departments", "staff", "memberships", "clients", "services", "reply_templates",
              "macros", "settings", "staff_settings", "client_logins",
              "mail_secret"}  # made once by migration 0008, never by an example

    def __init__(self, cluster, base_template: str) -> None:
        self.cluster = cluster
        self.name = f"tt_sm_{os.getpid()}"
        cluster.admin_sql(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
        cluster.admin_sql(f"CREATE DATABASE {self.name} TEMPLATE {base_template}")
        # Each service call runs as its actor's own login role (tests/personal.py).
        self.store = PersonalStore.open(cluster.url(self.name), migrate=False)
        self.desk = populate(self.store)
        for person in [*self.desk.staff.values(), *self.desk.clients.values()]:
            self.store.as_person(person)  # their login roles, before the baseline
        self.baseline = snapshot(self.store)
        written = [t.name for t in Base.metadata.sorted_tables if t.name not in self.STATIC]
        self.reset_sql = [
            f"TRUNCATE {', '.join(written)} RESTART IDENTITY CASCADE",
            "UPDATE clients SET balance_cents = 0, incidents_left = 0, internal_comment = ''",
            """DELETE FROM settings WHERE "key" = 'use_priority'""",  # bulk priority turns it on/off
        ]

    def new_store(self):
        with self.store.engine.begin() as conn:
            for sql in self.reset_sql:
                conn.exec_driver_sql(sql)
        assert snapshot(self.store) == self.baseline, "the reset between examples left rows behind"
        return self.store, lambda: None

    def close(self) -> None:
        self.store.close()
        self.cluster.admin_sql(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
