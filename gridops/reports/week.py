"""ISO weeks in local time: a report week runs Monday 00:00 to the next Monday 00:00 in the zone.

A case reported Sunday 23:50 in Shanghai (15:50 UTC) belongs to that week, whatever UTC says.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Asia/Shanghai"
_LABEL = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class Week:
    """One ISO week, with its bounds as aware datetimes in `tz`."""

    year: int
    number: int
    tz: str = DEFAULT_TZ

    @property
    def label(self):
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self):
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def sunday(self):
        return self.monday + timedelta(days=6)

    @property
    def start(self):
        return datetime.combine(self.monday, time(), tzinfo=ZoneInfo(self.tz))

    @property
    def end(self):
        return datetime.combine(self.monday + timedelta(days=7), time(), tzinfo=ZoneInfo(self.tz))

    def shifted(self, weeks):
        """Return the week `weeks` later (earlier when negative)."""
        return week_of_date(self.monday + timedelta(weeks=weeks), self.tz)

    def previous(self):
        return self.shifted(-1)

    def history(self, count):
        """Return the `count` weeks ending with this one, oldest first."""
        return [self.shifted(-n) for n in range(count - 1, -1, -1)]

    def __str__(self):
        return self.label


def week_of_date(day, tz=DEFAULT_TZ):
    """Return the ISO week a local date falls in."""
    year, number, _ = day.isocalendar()
    return Week(year, number, tz)


def week_of(moment, tz=DEFAULT_TZ):
    """Return the ISO week an aware instant falls in, in local time."""
    return week_of_date(moment.astimezone(ZoneInfo(tz)).date(), tz)


def previous_week(now, tz=DEFAULT_TZ):
    """Return the last full week before `now`: what Monday morning's report covers."""
    return week_of(now, tz).previous()


def parse_week(text, tz=DEFAULT_TZ):
    """Return the Week named like 2026-W47, or raise ValueError saying what is wrong."""
    match = _LABEL.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not an ISO week written like 2026-W47")
    year, number = int(match[1]), int(match[2])
    try:
        date.fromisocalendar(year, number, 1)
    except ValueError:
        raise ValueError(f"{year} has no ISO week {number}") from None
    return Week(year, number, tz)
