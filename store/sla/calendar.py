"""Business time: a department's weekly opening hours in its own time zone, less holidays.

Response targets are minutes of business time (issue 19): a ticket that arrives on Friday at
16:50 with a 30-minute target in a "mon-fri 09:00-17:00" desk is due on Monday at 09:20. Two
calculations serve every rule: `add` (the moment a number of business minutes after a start)
and `between` (the business minutes from one moment to another, for pauses and reports).

Hours are wall-clock times of the department's zone, so a DST change moves them with the
clock: 09:00-17:00 stays eight hours on the days the clocks change, while a 00:00-24:00 day is
23 or 25 real hours long.
Every moment given and returned is an aware UTC datetime.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import BadInput

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_DAYS = 3 * 366  # a calendar open on no day within three years is refused, not searched
_WEEK = re.compile(r"^\s*(?P<days>[a-z,\-]+)\s+(?P<times>\d{1,2}:\d{2}-\d{1,2}:\d{2}"
                   r"(?:\s*,?\s*\d{1,2}:\d{2}-\d{1,2}:\d{2})*)\s*$")
_SPAN = re.compile(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})")

Span = tuple[int, int]  # minutes after local midnight: start, end (end up to 24 * 60)


@dataclass(frozen=True)
class Calendar:
    """Opening hours: per weekday (0 = Monday) the open spans, in the zone; holidays closed.
    No hours at all means always open."""

    zone: str = "UTC"
    week: tuple[tuple[Span, ...], ...] = ()  # seven entries when set, else () = always open
    holidays: frozenset[date] = field(default_factory=frozenset)

    @property
    def always_open(self) -> bool:
        return not self.week

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    # --- the two calculations ------------------------------------------------------------
    def add(self, start: datetime, minutes: int) -> datetime:
        """The moment `minutes` of business time after `start` (start itself if 0)."""
        start = _utc(start)
        if minutes < 0:
            raise ValueError("business minutes must not be negative")
        left = timedelta(minutes=minutes)
        if self.always_open or not left:
            return start + left
        for opens, closes in self._open_spans(start):
            begin = max(opens, start)
            if begin + left <= closes:
                return begin + left
            left -= closes - begin
        raise AssertionError("unreachable: _open_spans ends by raising")

    def between(self, start: datetime, end: datetime) -> int:
        """Whole minutes of business time from start to end (0 if end is not after start)."""
        return int(self.open_time(start, end).total_seconds() // 60)

    def open_time(self, start: datetime, end: datetime) -> timedelta:
        """The business time from start to end, exactly (nothing if end is not after start)."""
        start, end = _utc(start), _utc(end)
        if end <= start:
            return timedelta()
        if self.always_open:
            return end - start
        total = timedelta()
        for opens, closes in self._open_spans(start, until=end):
            if opens >= end:
                break
            total += min(closes, end) - max(opens, start)
        return total

    def is_open(self, moment: datetime) -> bool:
        if self.always_open:
            return True
        moment = _utc(moment)
        for opens, closes in self._open_spans(moment):
            return opens <= moment
        return False

    # --- walking the calendar ------------------------------------------------------------
    def _open_spans(self, start: datetime, until: datetime | None = None
                    ) -> Iterator[tuple[datetime, datetime]]:
        """The open spans, as UTC moments, that end after `start`, in order. Endless for an
        open week (the caller stops); refuses after MAX_DAYS of nothing open."""
        tz = self.tz
        day = start.astimezone(tz).date() - timedelta(days=1)  # a span may start the day before
        closed_days = 0
        while True:
            found = False
            if day not in self.holidays:
                for begin, finish in self.week[day.weekday()]:
                    opens, closes = _moment(day, begin, tz), _moment(day, finish, tz)
                    if closes > start and closes > opens:
                        found = True
                        yield opens, closes
            if until is not None and _moment(day, 0, tz) > until:
                return
            closed_days = 0 if found else closed_days + 1
            if closed_days > MAX_DAYS:
                raise BadInput("These business hours are never open: every day is closed.")
            day += timedelta(days=1)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)  # the store's naive times are UTC
    return moment.astimezone(timezone.utc)


def _moment(day: date, minute: int, tz: ZoneInfo) -> datetime:
    """Local wall time `minute` after midnight of `day` (24:00 is the next midnight), as a UTC
    moment. A wall time the clocks skip is read with the offset before the change, one they
    show twice as its first occurrence (PEP 495's fold=0 both times)."""
    wall = datetime.combine(day + timedelta(days=minute // 1440),
                            time(minute % 1440 // 60, minute % 60), tzinfo=tz)
    return wall.astimezone(timezone.utc)


# --- reading what people type ------------------------------------------------------------------
def zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(f"{name!r} is not a time zone (e.g. Europe/Berlin, America/New_York, UTC).") from None
    return name


def parse_week(lines: Iterable[str]) -> tuple[tuple[Span, ...], ...]:
    """Lines like "mon-fri 09:00-17:00" or "sat 10:00-14:00" or "mon,wed 08:00-12:00,13:00-17:00"
    into seven days of open spans; a day named twice gets both lines' spans (they must not
    overlap)."""
    week: list[list[Span]] = [[] for _ in DAYS]
    for line in lines:
        found = _WEEK.match(line.lower())
        if not found:
            raise BadInput(f"{line!r} is not a line of hours: write it like \"mon-fri 09:00-17:00\".")
        spans = [_span(line, *m.groups()) for m in _SPAN.finditer(found["times"])]
        for day in _days(line, found["days"]):
            week[day].extend(spans)
    for n, spans in enumerate(week):
        spans.sort()
        for (_, end), (begin, _) in zip(spans, spans[1:]):
            if begin < end:
                raise BadInput(f"The hours of {DAYS[n]} overlap.")
    if not any(week):
        raise BadInput("The hours name no open time.")
    return tuple(tuple(spans) for spans in week)


def _days(line: str, text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise BadInput(f"{line!r}: days are mon, tue, wed, thu, fri, sat, sun (e.g. mon-fri).")
        a, b = DAYS.index(first), DAYS.index(last or first)
        out.extend(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return out


def _span(line: str, h1: str, m1: str, h2: str, m2: str) -> Span:
    begin, end = int(h1) * 60 + int(m1), int(h2) * 60 + int(m2)
    if int(m1) > 59 or int(m2) > 59 or begin >= 1440 or end > 1440 or end <= begin:
        raise BadInput(f"{line!r}: a span of hours goes from an earlier to a later time of one "
                       "day, 00:00 to 24:00 at most.")
    return begin, end


def parse_holidays(values: Iterable[str]) -> frozenset[date]:
    out = set()
    for value in values:
        try:
            out.add(date.fromisoformat(value.strip()))
        except ValueError:
            raise BadInput(f"{value!r} is not a date: write it as YYYY-MM-DD.") from None
    return frozenset(out)


def week_text(week: tuple[tuple[Span, ...], ...]) -> list[str]:
    """The week back as lines like parse_week reads, one per day with hours."""
    return [f"{DAYS[n]} " + ",".join(f"{b // 60:02d}:{b % 60:02d}-{e // 60:02d}:{e % 60:02d}"
                                      for b, e in spans)
            for n, spans in enumerate(week) if spans]
