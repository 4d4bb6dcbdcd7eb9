"""Working-time arithmetic on a China working calendar (工作时 / 工作日), with no database.

The algebra rests on one function: the *working clock* W(t), the office time elapsed from some
fixed origin up to the instant t. W rises during office periods on working days and stays flat
at lunch, at night, on weekends and on holidays. Then:

- ``working_between(a, b)`` is W(b) - W(a) (0 when b <= a), in whole minutes, rounded down.
- ``add_working(t, n)`` is the *earliest* instant s >= t with W(s) = W(t) + n. So 0 minutes from
  any instant, in or out of office hours, is that instant itself, and a limit that runs out at
  closing time is due at closing time (Friday 17:00 + 30 min is Friday 17:30, not Monday 08:30).
  Counting still starts at the next opening: Saturday 10:00 + 60 min is Monday 09:30.

With that definition the laws hold exactly, for any start, including outside office hours:
adding a then b equals adding a + b, both arguments are monotonic, and
``working_between(t, add_working(t, n)) == n``.

A year nobody confirmed (no State Council notice entered, e.g. 2027 before the admin imports it)
falls back to the weekday rule, never to a crash or a silent guess: ``deadline`` returns the
unconfirmed years a computation crossed, and ``unconfirmed_years`` answers the same for any span,
so the caller can log a warning and the console can show it.

Office periods are local wall-clock times in ``tz``; the zone must keep one UTC offset during
office hours (Asia/Shanghai has had no daylight saving time since 1991).
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import Mapping
from zoneinfo import ZoneInfo

HOLIDAY = "holiday"
WORKDAY = "workday"
KINDS = (HOLIDAY, WORKDAY)
DEFAULT_PERIODS = ((time(8, 30), time(12, 0)), (time(14, 0), time(17, 30)))
DEFAULT_TZ = "Asia/Shanghai"
#: The years the `chinese_calendar` package knows; it raises NotImplementedError outside them.
CHINESE_CALENDAR_YEARS = range(2004, 2027)

_DAY = timedelta(days=1)
_ZERO = timedelta(0)


@dataclass(frozen=True)
class Deadline:
    """A computed due time and the unconfirmed years its span crossed."""

    due: datetime
    #: Years between start and due with no confirmed calendar: the weekday rule was used there.
    unconfirmed_years: frozenset[int] = frozenset()


@dataclass(frozen=True)
class WorkCalendar:
    """Office periods, time zone, special dates and confirmed years of one calendar scope."""

    #: Office periods of a working day as sorted, disjoint (start, end) local times.
    periods: tuple[tuple[time, time], ...] = DEFAULT_PERIODS
    tz: str = DEFAULT_TZ
    #: Dates that break the weekday rule: "holiday" (a weekday off) or "workday" (调休 weekend).
    special: Mapping[date, str] = field(default_factory=dict)
    #: Years whose special dates come from a confirmed notice (or the chinese_calendar seed).
    confirmed_years: frozenset[int] = frozenset()
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _offsets: tuple[tuple[timedelta, timedelta], ...] = field(init=False, repr=False, compare=False)
    _day_length: timedelta = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        offsets = _period_offsets(self.periods)
        _check_special(self.special)
        # Frozen: the derived fields are set once here, and `special` is copied read-only so a
        # caller's later edits to its dict cannot change a calendar already in use.
        object.__setattr__(self, "special", MappingProxyType(dict(self.special)))
        object.__setattr__(self, "confirmed_years", frozenset(self.confirmed_years))
        object.__setattr__(self, "_zone", ZoneInfo(self.tz))
        object.__setattr__(self, "_offsets", offsets)
        object.__setattr__(self, "_day_length", sum((e - s for s, e in offsets), _ZERO))

    def is_workday(self, d: date) -> bool:
        """Tell whether `d` is a working day: its special kind, else Monday to Friday."""
        kind = self.special.get(d)
        return kind == WORKDAY if kind else d.weekday() < 5

    def working_minutes_on(self, d: date) -> int:
        """Return the office minutes of day `d` (0 on a day off)."""
        return self._work_on(d) // timedelta(minutes=1)

    def add_working(self, start: datetime, minutes: int) -> datetime:
        """Return the earliest instant `minutes` working minutes after `start`."""
        _check_minutes(minutes)
        return self._add(_aware(start), timedelta(minutes=minutes))

    def add_natural(self, start: datetime, minutes: int) -> datetime:
        """Return the instant `minutes` natural minutes after `start`."""
        _check_minutes(minutes)
        return _aware(start) + timedelta(minutes=minutes)

    def working_between(self, a: datetime, b: datetime) -> int:
        """Return the whole working minutes elapsed from `a` to `b` (0 if `b` <= `a`)."""
        return self.working_time_between(a, b) // timedelta(minutes=1)

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Return the exact working time elapsed from `a` to `b` (zero if `b` <= `a`)."""
        a, b = _aware(a), _aware(b)
        if b <= a:
            return _ZERO
        (da, ta), (db, tb) = self._local(a), self._local(b)
        if da == db:
            return self._work_on(da, ta, tb)
        total = self._work_on(da, ta, _DAY) + self._work_on(db, _ZERO, tb)
        d = da + _DAY
        while d < db:
            total += self._work_on(d)
            d += _DAY
        return total

    def deadline(self, start: datetime, minutes: int, *, working: bool = True) -> Deadline:
        """Return the due time `minutes` after `start` and the unconfirmed years it crossed."""
        if not working:
            return Deadline(self.add_natural(start, minutes))
        due = self.add_working(start, minutes)
        return Deadline(due, self.unconfirmed_years(start, due))

    def unconfirmed_years(self, a: datetime, b: datetime) -> frozenset[int]:
        """Return the years from `a` to `b` (local dates, either order) nobody confirmed."""
        ya, yb = sorted((self._local(_aware(a))[0].year, self._local(_aware(b))[0].year))
        return frozenset(y for y in range(ya, yb + 1) if y not in self.confirmed_years)

    def next_opening(self, t: datetime) -> datetime:
        """Return `t` if the office is open then, else the instant it next opens."""
        t = _aware(t)
        d, clock = self._local(t)
        while True:
            for start, end in self._periods_on(d):
                if clock < end:
                    return t if clock >= start else self._instant(d, start, t)
            d, clock = d + _DAY, _ZERO

    def _add(self, t: datetime, left: timedelta) -> datetime:
        if left == _ZERO:
            return t
        d, clock = self._local(t)
        while True:
            # The whole day's office time: skip the day without looking at its periods.
            if clock == _ZERO and self._work_on(d) < left:
                left -= self._work_on(d)
            else:
                for start, end in self._periods_on(d):
                    begin = max(start, clock)
                    if begin < end and left <= end - begin:
                        return self._instant(d, begin + left, t)
                    left -= max(end - begin, _ZERO)
            d, clock = d + _DAY, _ZERO

    def _work_on(self, d: date, frm: timedelta = _ZERO, to: timedelta = _DAY) -> timedelta:
        if frm == _ZERO and to == _DAY:
            return self._day_length if self.is_workday(d) else _ZERO
        spans = (min(e, to) - max(s, frm) for s, e in self._periods_on(d))
        return sum((span for span in spans if span > _ZERO), _ZERO)

    def _periods_on(self, d: date) -> tuple[tuple[timedelta, timedelta], ...]:
        return self._offsets if self.is_workday(d) else ()

    def _local(self, t: datetime) -> tuple[date, timedelta]:
        """Split `t` into its local date and the wall-clock time since local midnight."""
        local = t.astimezone(self._zone)
        return local.date(), local.replace(tzinfo=None) - datetime.combine(local.date(), time())

    def _instant(self, d: date, clock: timedelta, like: datetime) -> datetime:
        """Return local date `d` at wall-clock `clock`, in the zone of `like`."""
        local = datetime.combine(d, time(), tzinfo=self._zone) + clock
        return local.astimezone(like.tzinfo)


def seed_from_chinese_calendar(years=CHINESE_CALENDAR_YEARS) -> dict[date, tuple[str, str]]:
    """Return {date: (kind, name)} for every holiday and 调休 working day the package lists.

    Holidays are listed whole, weekend days included, so a console can name the full golden week;
    the weekend ones change no arithmetic. Names are the Chinese ones (春节, 国庆节, …).
    """
    import chinese_calendar  # only the seed needs the package; arithmetic never does

    wanted = set(years)
    chinese = {h.value: h.chinese for h in chinese_calendar.Holiday}
    entries = {}
    for kind, days in ((HOLIDAY, chinese_calendar.holidays), (WORKDAY, chinese_calendar.workdays)):
        for d, english in days.items():
            if d.year in wanted:
                entries[d] = (kind, chinese.get(english, english))
    return entries


def _period_offsets(periods) -> tuple[tuple[timedelta, timedelta], ...]:
    """Validate office periods and return them as offsets from local midnight."""
    offsets = tuple((_offset(s), _offset(e)) for s, e in periods)
    if not offsets:
        raise ValueError("a working calendar needs at least one office period")
    for (s, e), nxt in zip(offsets, offsets[1:] + ((_DAY, _DAY),)):
        if not s < e <= nxt[0]:
            raise ValueError(f"office periods must be sorted, disjoint and non-empty: {periods!r}")
    return offsets


def _offset(t: time) -> timedelta:
    if t.tzinfo is not None:
        raise ValueError(f"office period times are local wall-clock times, got {t!r}")
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


def _check_special(special: Mapping[date, str]) -> None:
    for d, kind in special.items():
        if kind not in KINDS:
            raise ValueError(f"special date {d} has kind {kind!r}, expected one of {KINDS}")


def _check_minutes(minutes: int) -> None:
    if minutes < 0:
        raise ValueError(f"a time limit cannot be negative: {minutes} minutes")


def _aware(t: datetime) -> datetime:
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"working-time arithmetic needs timezone-aware datetimes, got {t!r}")
    return t
