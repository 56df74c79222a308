"""Response targets (issue 19): business hours, policies and each ticket's due times.

calendar.py is pure arithmetic on moments (no database); the rest reads and writes the store.
May import the rest of store/, never the faces."""

ANY_PRIORITY = 0  # a policy's priority for every priority (1..4 = low..urgent)


def python_step_runs(dialect: str) -> bool:
    """Whether store/sla/step.py computes the due times for this database. The one switch:
    on PostgreSQL the database's own trigger does (migration 0016, store/sla/pg_refresh.py),
    so that no login writes due times."""
    return dialect == "sqlite"
