"""How times and messages are shown: the staff member's time format and reading width."""

from __future__ import annotations

from datetime import datetime

from store.service.staff_settings import STAFF_DEFAULTS, TIME_FORMATS

SAMPLE = datetime(2026, 11, 25, 14, 5)

time_format: str = STAFF_DEFAULTS["time_format"]
reading_width: int = STAFF_DEFAULTS["reading_width"]


def configure(fmt: str, width: int) -> None:
    global time_format, reading_width
    time_format = fmt if fmt in TIME_FORMATS else STAFF_DEFAULTS["time_format"]
    reading_width = width


def when(t: datetime | None) -> str:
    """A time in the local zone, in the staff member's format."""
    return "" if t is None else t.astimezone().strftime(time_format)


def when_near(t: datetime, now: datetime) -> str:
    """A time of today as its clock time alone ("16:52", in the staff member's format), any
    other in full."""
    local = t.astimezone()
    if local.date() != now.astimezone().date():
        return when(t)
    clock = time_format[min(i for i in (time_format.find("%H"), time_format.find("%I")) if i >= 0):]
    return local.strftime(clock)
