"""The working calendar in the database: seeding, loading, admin edits and notice imports.

Operations flush and never commit; the caller (a CLI command, a view) commits.

A State Council notice (国务院办公厅关于某年部分节假日安排的通知) is entered as a plain UTF-8
text file, one statement per line; blank lines and lines starting with ``#`` are ignored:

    year 2027
    status official
    notice 国办发明电〔2026〕N号
    holiday 2027-01-01 元旦
    holiday 2027-02-06..2027-02-13 春节
    workday 2027-02-14 春节

- ``year`` (once): the year the notice is for. Dates must fall in that year, or in December of
  the year before (a New Year span such as 2018-12-29..2019-01-01 belongs to the 2019 notice).
- ``status`` (once): ``official`` once checked against the published notice; a file marked
  ``example`` is refused, so a sample can never be taken for the real thing.
- ``notice`` (optional, once): the notice's reference, stored as the year's source.
- ``holiday DATE[..DATE] [name]``: days off, a range inclusive; weekend days inside it are fine.
- ``workday DATE[..DATE] [name]``: adjusted working days (调休); each must be a Saturday or Sunday.

Importing replaces every special day of that year, marks the year confirmed, and keeps the
December days of the year before. A bad file changes nothing and the error names its lines.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert

from gridops.dispatch.models.calendar import CalendarDay, CalendarYear, OfficeHours
from gridops.dispatch.workcal import (
    CHINESE_CALENDAR_YEARS, DEFAULT_PERIODS, DEFAULT_TZ, HOLIDAY, KINDS, WORKDAY, WorkCalendar,
    seed_from_chinese_calendar,
)

SEED_SOURCE = "chinese_calendar"
ADMIN_SOURCE = "admin"
NOTICE_SOURCE = "notice"
_LONGEST_RANGE = 31
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()


class NoticeError(ValueError):
    """A notice file that cannot be imported; `problems` lists every bad line."""

    def __init__(self, path, problems):
        self.path, self.problems = str(path), problems
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(f"{self.path}: {problems[0]}{more}")


@dataclass
class Notice:
    """A parsed notice file: its year, status, reference and {date: (kind, name)}."""

    year: int | None = None
    status: str | None = None
    reference: str | None = None
    days: dict[date, tuple[str, str | None]] = field(default_factory=dict)


def seed_calendar(session, now: datetime) -> None:
    """Add chinese_calendar's days and confirmed years 2004–2026, keeping rows already there."""
    seed = seed_from_chinese_calendar(CHINESE_CALENDAR_YEARS)
    days = [dict(day=d, kind=kind, name=name, source=SEED_SOURCE)
            for d, (kind, name) in sorted(seed.items())]
    years = [dict(year=y, confirmed=True, source=SEED_SOURCE, confirmed_at=now)
             for y in CHINESE_CALENDAR_YEARS]
    # Existing rows win: a re-seed must not undo an admin's correction or an imported notice.
    session.execute(insert(CalendarDay).values(days).on_conflict_do_nothing())
    session.execute(insert(CalendarYear).values(years).on_conflict_do_nothing())
    if session.scalar(select(OfficeHours).where(OfficeHours.area_code.is_(None))) is None:
        session.add(OfficeHours(area_code=None, periods=_periods_json(DEFAULT_PERIODS)))
    session.flush()


def load_calendar(session, area_code: str | None = None, tz: str = DEFAULT_TZ) -> WorkCalendar:
    """Build the working calendar of a street (its office hours, else the default's)."""
    special = dict(session.execute(select(CalendarDay.day, CalendarDay.kind)).all())
    confirmed = session.scalars(select(CalendarYear.year).where(CalendarYear.confirmed))
    return WorkCalendar(periods=office_periods(session, area_code), tz=tz, special=special,
                        confirmed_years=frozenset(confirmed))


def office_periods(session, area_code: str | None = None) -> tuple[tuple[time, time], ...]:
    """Return the office periods of `area_code`, falling back to the default, then built-ins."""
    for code in dict.fromkeys((area_code, None)):
        row = session.scalar(select(OfficeHours).where(_area_is(code)))
        if row is not None:
            return tuple((time.fromisoformat(s), time.fromisoformat(e)) for s, e in row.periods)
    return DEFAULT_PERIODS


def set_office_hours(session, periods, area_code: str | None = None) -> OfficeHours:
    """Set the office periods of a street, or the default ones when `area_code` is None."""
    WorkCalendar(periods=tuple(periods))  # validate: sorted, disjoint, non-empty
    row = session.scalar(select(OfficeHours).where(_area_is(area_code)))
    if row is None:
        row = OfficeHours(area_code=area_code)
        session.add(row)
    row.periods = _periods_json(periods)
    session.flush()
    return row


def set_day(session, day: date, kind: str, name: str | None = None) -> CalendarDay:
    """Mark one date as a holiday or a working day by hand; the year stays as confirmed as it was."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    row = session.get(CalendarDay, day) or CalendarDay(day=day)
    row.kind, row.name, row.source = kind, name, ADMIN_SOURCE
    session.add(row)
    session.flush()
    return row


def year_days(session, year: int) -> list[CalendarDay]:
    """Return the special days of `year` in date order."""
    query = select(CalendarDay).where(_in_year(year)).order_by(CalendarDay.day)
    return list(session.scalars(query))


def unconfirmed_years(session, years) -> list[int]:
    """Return those of `years` nobody confirmed, for the console's warning."""
    confirmed = set(session.scalars(select(CalendarYear.year).where(CalendarYear.confirmed)))
    return sorted(set(years) - confirmed)


def import_notice(session, path, now: datetime) -> Notice:
    """Replace a year's special days with a notice file's and mark the year confirmed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise NoticeError(path, [f"cannot read the file: {exc}"]) from exc
    notice = parse_notice(text, path)
    _replace_year(session, notice, now)
    return notice


def parse_notice(text: str, path="notice") -> Notice:
    """Parse a notice file's text; raise NoticeError naming every bad line."""
    notice, problems, seen = Notice(), [], {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            try:
                _parse_line(notice, line, number, seen)
            except ValueError as exc:
                problems.append(f"line {number}: {exc}")
    problems += _whole_file_problems(notice, seen)
    if problems:
        raise NoticeError(path, problems)
    return notice


def _parse_line(notice: Notice, line: str, number: int, seen: dict) -> None:
    keyword, _, rest = line.partition(" ")
    rest = rest.strip()
    if keyword in ("year", "status", "notice"):
        _set_header(notice, keyword, rest)
    elif keyword in KINDS:
        days_text, _, name = rest.partition(" ")
        for d in _date_range(days_text):
            _add_day(notice, d, keyword, name.strip() or None, number, seen)
    else:
        raise ValueError(f"unknown statement {keyword!r}: expected year, status, notice, "
                         "holiday or workday")


def _set_header(notice: Notice, keyword: str, value: str) -> None:
    attribute = "reference" if keyword == "notice" else keyword
    if getattr(notice, attribute) is not None:
        raise ValueError(f"{keyword!r} given twice")
    if keyword == "year":
        if not (value.isdigit() and 2000 <= int(value) <= 2100):
            raise ValueError(f"year must be a number such as 2027, not {value!r}")
        value = int(value)
    if keyword == "status" and value not in ("official", "example"):
        raise ValueError(f"status must be official or example, not {value!r}")
    if not value:
        raise ValueError(f"{keyword!r} needs a value")
    setattr(notice, attribute, value)


def _date_range(text: str) -> list[date]:
    first, dots, last = text.partition("..")
    start, end = _date(first), _date(last) if dots else _date(first)
    if end < start:
        raise ValueError(f"range {text} ends before it starts")
    if (end - start).days >= _LONGEST_RANGE:
        raise ValueError(f"range {text} is longer than {_LONGEST_RANGE} days")
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date written YYYY-MM-DD") from None


def _add_day(notice, d: date, kind: str, name, number: int, seen: dict) -> None:
    if d in seen:
        raise ValueError(f"{d} is already given on line {seen[d]}")
    if kind == WORKDAY and d.weekday() < 5:
        raise ValueError(f"{d} is a {_WEEKDAYS[d.weekday()]}, a working day anyway: "
                         "adjusted working days (调休) fall on Saturdays and Sundays")
    seen[d] = number
    notice.days[d] = (kind, name)


def _whole_file_problems(notice: Notice, seen: dict) -> list[str]:
    problems = [f"no {keyword!r} line" for keyword, value in
                (("year", notice.year), ("status", notice.status)) if value is None]
    if notice.status == "example":
        problems.append("the file is marked 'status example': check every date against the "
                        "published notice, then change that line to 'status official'")
    if not any(kind == HOLIDAY for kind, _ in notice.days.values()):
        problems.append("no holiday lines: is this the year's notice?")
    if notice.year is not None:
        problems += [f"line {seen[d]}: {d} is outside the {notice.year} notice (only that year "
                     f"and December {notice.year - 1} may appear)"
                     for d in notice.days if not _belongs_to(d, notice.year)]
    return problems


def _belongs_to(d: date, year: int) -> bool:
    return d.year == year or (d.year == year - 1 and d.month == 12)


def _replace_year(session, notice: Notice, now: datetime) -> None:
    session.execute(delete(CalendarDay).where(_in_year(notice.year)))
    rows = [dict(day=d, kind=kind, name=name, source=NOTICE_SOURCE)
            for d, (kind, name) in sorted(notice.days.items())]
    stmt = insert(CalendarDay).values(rows)
    session.execute(stmt.on_conflict_do_update(
        index_elements=[CalendarDay.day],
        set_=dict(kind=stmt.excluded.kind, name=stmt.excluded.name, source=NOTICE_SOURCE)))
    year = session.get(CalendarYear, notice.year) or CalendarYear(year=notice.year)
    year.confirmed, year.confirmed_at = True, now
    year.source = (notice.reference or NOTICE_SOURCE)[:100]
    session.add(year)
    session.flush()


def _in_year(year: int):
    return CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31))


def _area_is(area_code: str | None):
    if area_code is None:
        return OfficeHours.area_code.is_(None)
    return OfficeHours.area_code == area_code


def _periods_json(periods) -> list[list[str]]:
    return [[s.strftime("%H:%M"), e.strftime("%H:%M")] for s, e in periods]
