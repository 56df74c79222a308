"""The admin commands of interface.md (init, department/staff/client/service/reply-template add,
settings get/set) on SQLite and PostgreSQL: what they print, and how they refuse bad input.

A refusal is one sentence on stderr ("Error: ..."), no traceback, exit 2 (bad input, an
unreachable or malformed database URL) or 1 (a rule: a duplicate, an unknown name), and the
whole database is compared before and after it to prove that nothing was written.
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from store import admin
from store.actors import staff_actor
from store.db import Store, head_revision
from store.models import Base, Client, Department, ReplyTemplate, Service
from ticket_tui import main


# --- helpers ------------------------------------------------------------------------------
def run(url: str, *args: str):
    result = CliRunner().invoke(main, ["--db", url, *args])
    assert "Traceback" not in result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # an unexpected exception would be a traceback for a user
    return result


def ok(url: str, *args: str) -> str:
    result = run(url, *args)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result.stdout


def snapshot(url: str) -> dict[str, list[tuple]]:
    store = Store.open(url, migrate=False)
    try:
        with store.read() as s:
            return {t.name: [tuple(r) for r in s.execute(select(t).order_by(*t.primary_key.columns))]
                    for t in Base.metadata.sorted_tables}
    finally:
        store.close()


def refused(url: str, code: int, *args: str, db: str | None = None) -> str:
    """Runs a command that must be refused (on --db `db`, default `url`) and leave `url` as it
    was; returns the one sentence it printed on stderr."""
    before = snapshot(url)
    result = run(db or url, *args)
    assert result.exit_code == code, (args, result.output)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("Error: "), result.stderr
    if not result.stderr.startswith("Usage:"):  # click's own usage errors come with a usage line
        assert len(lines) == 1, result.stderr
    assert snapshot(url) == before, f"{args} was refused but changed the database"
    return lines[-1]


@pytest.fixture
def url(db_url: str) -> str:
    """A database made by `init`, with a department, a staff member and a client in it."""
    assert re.fullmatch(r"Schema (upgraded|already) at revision \w+\.\n", ok(db_url, "init"))
    ok(db_url, "department", "add", "Billing")
    ok(db_url, "staff", "add", "bob", "--name", "Bob Brown", "--department", "Billing")
    ok(db_url, "client", "add", "john@example.com", "--name", "John Doe")
    return db_url


# --- success ------------------------------------------------------------------------------
def test_init_creates_or_upgrades_the_schema_and_says_so(db_url: str) -> None:
    head = head_revision()
    first = ok(db_url, "init")
    assert first in (f"Schema upgraded at revision {head}.\n", f"Schema already at revision {head}.\n")
    assert ok(db_url, "init") == f"Schema already at revision {head}.\n"
    store = Store.open(db_url, migrate=False)
    try:
        assert store.current_revision() == head
        assert {"tickets", "holders", "messages", "staff"} <= set(store.table_names())
    finally:
        store.close()


def test_the_admin_commands_set_up_a_help_desk(url: str) -> None:
    out = ok(url, "department", "add", "Technical support", "--per-incident")
    assert re.fullmatch(r"Department 'Technical support' added \(id \d+\)\.\n", out)
    out = ok(url, "staff", "add", "alice", "--name", "Alice Smith", "--department", "Technical support",
             "--department", "billing", "--head")
    assert re.fullmatch(r"Staff member 'alice' added \(id \d+\)\.\n", out)
    assert re.fullmatch(r"Staff member 'root' added \(id \d+\)\.\n",
                        ok(url, "staff", "add", "root", "--name", "Root", "--admin"))
    out = ok(url, "client", "add", "Mary@Example.ORG", "--name", "Mary Major", "--comment", "VIP")
    assert re.fullmatch(r"Client 'mary@example.org' added \(id \d+\)\.\n", out)
    out = ok(url, "service", "add", "--client", "mary@example.org", "--name", "Main site",
             "--kind", "domain", "--domain", "Example.COM.")
    assert re.fullmatch(r"Service 'Main site' added for mary@example.org \(id \d+\)\.\n", out)
    ok(url, "service", "add", "--client", "john@example.com", "--name", "A VPS", "--kind", "vps")
    for scope in ([], ["--department", "Billing"], ["--staff", "bob"]):
        out = ok(url, "reply-template", "add", "Hello", "--body", "Hello, {client}!", *scope)
        assert re.fullmatch(r"Predefined reply 'Hello' added \(id \d+\)\.\n", out)
    store = Store.open(url)
    try:
        alice, root = staff_actor(store, "alice"), staff_actor(store, "root")
        assert len(alice.department_ids) == 2 and alice.head_of == alice.department_ids
        assert not alice.is_admin and root.is_admin and not root.department_ids
        with store.read() as s:
            depts = {d.name: d.per_incident for d in s.scalars(select(Department))}
            assert depts == {"Billing": False, "Technical support": True}
            mary = s.scalar(select(Client).where(Client.email == "mary@example.org"))
            assert (mary.name, mary.internal_comment) == ("Mary Major", "VIP")
            services = {(v.name, v.kind, v.domain) for v in s.scalars(select(Service))}
            assert services == {("Main site", "domain", "example.com"), ("A VPS", "vps", None)}
            scopes = {(t.department_id is not None, t.staff_id is not None)
                      for t in s.scalars(select(ReplyTemplate))}
            assert scopes == {(False, False), (True, False), (False, True)}
    finally:
        store.close()


def test_settings_get_and_set(url: str) -> None:
    lines = ok(url, "settings", "get").splitlines()
    assert "use_priority = false" in lines and "lock_timeout_minutes = 0" in lines
    assert ok(url, "settings", "set", "use_priority", "true") == "use_priority = true\n"
    assert ok(url, "settings", "set", "lock_timeout_minutes", "30") == "lock_timeout_minutes = 30\n"
    assert ok(url, "settings", "get", "use_priority") == "use_priority = true\n"
    values = json.loads(ok(url, "settings", "get", "--json"))
    assert values["use_priority"] is True and values["lock_timeout_minutes"] == 30
    assert set(values) == {"use_priority", "staff_sets_priority", "attachment_max_bytes",
                           "message_max_chars", "lock_timeout_minutes", "mail_max_bytes",
                           "mail_unknown_senders", "smtp_url", "mail_acknowledge_new",
                           "mail_auto_per_hour", "send_delay_seconds", "sla_warning_minutes",
                           "queue_by_due"}
    store = Store.open(url)
    try:
        assert admin.get_settings(store, "lock_timeout_minutes") == {"lock_timeout_minutes": 30}
    finally:
        store.close()


# --- refusals -----------------------------------------------------------------------------
BAD_INPUT = [  # (arguments, exit code, words of the sentence)
    (["department", "add", ""], 2, "can't be empty"),
    (["department", "add", "   "], 2, "can't be empty"),
    (["department", "add", "x" * 101], 2, "the limit is 100"),
    (["department", "add", "Billing"], 1, "exists already"),
    (["department", "add", "BILLING"], 1, "exists already"),
    (["staff", "add", "", "--name", "Nobody"], 2, "login can't be empty"),
    (["staff", "add", "Carol", "--name", "Carol"], 2, "not a valid login"),
    (["staff", "add", "carol", "--name", " "], 2, "can't be empty"),
    (["staff", "add", "bob", "--name", "Bob Again"], 1, "exists already"),
    (["staff", "add", "carol", "--name", "Carol", "--department", "Nowhere"], 1, "no department named"),
    (["staff", "add", "carol", "--name", "Carol", "--head"], 2, "needs at least one --department"),
    (["staff", "add", "carol"], 2, "Missing option '--name'"),
    (["client", "add", "", "--name", "X"], 2, "not a valid email"),
    (["client", "add", "not-an-email", "--name", "X"], 2, "not a valid email"),
    (["client", "add", "a@b@example.com", "--name", "X"], 2, "not a valid email"),
    (["client", "add", "mary@example.org", "--name", ""], 2, "can't be empty"),
    (["client", "add", "John@Example.com", "--name", "John Again"], 1, "exists already"),
    (["service", "add", "--client", "nobody@example.com", "--name", "S"], 1, "no client"),
    (["service", "add", "--client", "john@example.com", "--name", ""], 2, "can't be empty"),
    (["service", "add", "--client", "john@example.com", "--name", "S", "--kind", "boat"], 2,
     "'boat' is not one of"),
    (["service", "add", "--client", "john@example.com", "--name", "S", "--kind", "domain"], 2,
     "needs --domain"),
    (["service", "add", "--client", "john@example.com", "--name", "S", "--kind", "domain",
      "--domain", "bad_domain"], 2, "not a valid domain"),
    (["service", "add", "--client", "john@example.com", "--name", "S", "--kind", "domain",
      "--domain", "exa mple.com"], 2, "not a valid domain"),
    (["reply-template", "add", "", "--body", "Hi"], 2, "can't be empty"),
    (["reply-template", "add", "Hi", "--body", "  "], 2, "can't be empty"),
    (["reply-template", "add", "Hi", "--body", "Hi", "--department", "Nowhere"], 1, "no department"),
    (["reply-template", "add", "Hi", "--body", "Hi", "--staff", "nobody"], 1, "no staff member"),
    (["reply-template", "add", "Hi", "--body", "Hi", "--department", "Billing", "--staff", "bob"], 2,
     "not both"),
    (["settings", "get", "nope"], 2, "'nope' is not a setting"),
    (["settings", "set", "nope", "1"], 2, "'nope' is not a setting"),
    (["settings", "set", "use_priority", "maybe"], 2, "use true or false"),
    (["settings", "set", "lock_timeout_minutes", "-1"], 2, "must be at least 0"),
    (["settings", "set", "attachment_max_bytes", "0"], 2, "must be at least 1"),
    (["settings", "set", "message_max_chars", "ten"], 2, "whole number"),
    (["settings", "set", "lock_timeout_minutes", "1.5"], 2, "whole number"),
]


def test_bad_input_is_refused_with_one_sentence_and_nothing_changes(url: str) -> None:
    for args, code, words in BAD_INPUT:
        sentence = refused(url, code, *args)
        assert words in sentence, (args, sentence)


BAD_URLS = [  # (--db, words of the sentence); each exits 2
    ("postgresql://nobody@127.0.0.1:1/x", "Can't open the PostgreSQL database 'x' on 127.0.0.1"),
    ("not a url", "is not a database URL"),
    ("://", "is not a database URL"),
    ("mysql://user@localhost/db", "'mysql' databases are not supported"),
    ("postgresql+asyncpg://user@localhost/db", "driver 'postgresql+asyncpg' is not supported"),
    ("sqlite+aiosqlite:///tickets.db", "driver 'sqlite+aiosqlite' is not supported"),
]


@pytest.mark.parametrize("command", [["init"], ["department", "add", "Support"],
                                     ["settings", "get"]])
def test_a_database_url_to_nowhere_or_malformed_is_refused(url: str, tmp_path, command) -> None:
    for db, words in [*BAD_URLS, (f"sqlite:///{tmp_path}", "Can't open the SQLite database")]:
        sentence = refused(url, 2, *command, db=db)
        assert words in sentence, (db, sentence)


# --- bugs found and fixed ---------------------------------------------------------------------
@pytest.fixture
def fresh(sqlite_url: str) -> str:
    ok(sqlite_url, "init")
    return sqlite_url


def test_a_url_with_a_bad_port_is_refused(fresh: str) -> None:
    assert "not a database URL" in refused(fresh, 2, "init", db="postgresql://u@localhost:notaport/db")


def test_a_sqlite_path_that_cannot_be_created_is_refused(fresh: str) -> None:
    assert "Can't create the folder" in refused(fresh, 2, "init", db="sqlite:////proc/no-such-dir/tickets.db")


def test_staff_add_with_the_same_department_in_two_spellings(url: str) -> None:
    out = ok(url, "staff", "add", "carol", "--name", "Carol", "--department", "billing",
             "--department", "Billing")
    assert re.fullmatch(r"Staff member 'carol' added \(id \d+\)\.\n", out)
