"""The laws of working-time arithmetic, on the real calendar and on random ones."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings, strategies as st

from gridops.dispatch.workcal import WorkCalendar, seed_from_chinese_calendar

SH = ZoneInfo("Asia/Shanghai")
MINUTE = timedelta(minutes=1)
# The real calendar for 2025–2026, so spans cross golden weeks, 调休 days and unconfirmed 2027.
REAL = WorkCalendar(
    special={d: kind for d, (kind, _) in seed_from_chinese_calendar([2025, 2026]).items()},
    confirmed_years=frozenset({2025, 2026}))

instants = st.datetimes(datetime(2025, 12, 1), datetime(2027, 2, 1),
                        timezones=st.sampled_from([SH, timezone.utc]))
whole_minute_instants = instants.map(lambda t: t.replace(second=0, microsecond=0))
limits = st.integers(0, 20 * 420)


@st.composite
def calendars(draw):
    """Draw office periods on a minute grid and special dates around the 2026/2027 boundary."""
    cuts = sorted(draw(st.sets(st.integers(1, 24 * 60 - 1), min_size=2, max_size=6)))
    cuts = cuts[:len(cuts) // 2 * 2]
    periods = tuple((_time(s), _time(e)) for s, e in zip(cuts[::2], cuts[1::2]))
    days = st.dates(date(2025, 12, 1), date(2027, 2, 1))
    special = draw(st.dictionaries(days, st.sampled_from(["holiday", "workday"]), max_size=40))
    return WorkCalendar(periods=periods, special=special, confirmed_years=frozenset({2026}))


def _time(minute_of_day):
    return time(minute_of_day // 60, minute_of_day % 60)


any_calendar = st.one_of(st.just(REAL), calendars())


@given(any_calendar, instants, limits)
def test_inverse(cal, t, n):
    assert cal.working_between(t, cal.add_working(t, n)) == n


@given(any_calendar, instants, limits, limits)
def test_adding_a_then_b_equals_adding_a_plus_b(cal, t, a, b):
    assert cal.add_working(cal.add_working(t, a), b) == cal.add_working(t, a + b)


@given(any_calendar, instants, instants, limits)
def test_monotonic_in_start(cal, a, b, n):
    a, b = sorted((a, b))
    assert cal.add_working(a, n) <= cal.add_working(b, n)


@given(any_calendar, instants, limits, limits)
def test_monotonic_in_minutes(cal, t, n, m):
    n, m = sorted((n, m))
    assert t <= cal.add_working(t, n) <= cal.add_working(t, m)


@given(any_calendar, instants, instants, instants)
def test_elapsed_time_adds_up(cal, a, b, c):
    a, b, c = sorted((a, b, c))
    between = cal.working_time_between
    assert between(a, b) + between(b, c) == between(a, c)


@given(any_calendar, instants, st.integers(1, 20 * 420))
def test_a_due_time_falls_in_office_time_after_the_next_opening(cal, t, n):
    due = cal.add_working(t, n)
    assert due > cal.next_opening(t) >= t
    # The earliest instant the limit is used up: after an opening, at the latest at a closing.
    local = due.astimezone(SH)
    assert cal.is_workday(local.date())
    assert any(s < local.time() <= e for s, e in cal.periods)


@given(instants, limits)
def test_unconfirmed_years_are_reported_exactly(t, n):
    deadline = REAL.deadline(t, n)
    years = set(range(t.astimezone(SH).year, deadline.due.astimezone(SH).year + 1))
    assert deadline.unconfirmed_years == years - {2025, 2026}


@settings(deadline=None, max_examples=60)
@given(calendars(), whole_minute_instants, st.integers(0, 3 * 420))
def test_agrees_with_counting_minute_by_minute(cal, t, n):
    assert cal.add_working(t, n) == _count_minutes(cal, t, n)


def _count_minutes(cal, t, n):
    """Step one minute at a time: the slow, obviously right reference."""
    while n:
        local = t.astimezone(SH)
        minute_of_day = local.hour * 60 + local.minute
        if cal.is_workday(local.date()) and any(
                s.hour * 60 + s.minute <= minute_of_day < e.hour * 60 + e.minute
                for s, e in cal.periods):
            n -= 1
        t += MINUTE
    return t
