"""Response targets (issue 19): business hours, policies and each ticket's due times.

calendar.py is pure arithmetic on moments (no database); the rest reads and writes the store.
May import the rest of store/, never the faces."""

ANY_PRIORITY = 0  # a policy's priority for every priority (1..4 = low..urgent)


def python_step_runs(dialect: str) -> bool:
    """Whether store/sla/step.py computes the due times for this database. The one switch:
    PostgreSQL's trigger (the next migration) takes the step over, and then answers False for
    "postgresql"."""
    return dialect in ("sqlite", "postgresql")
