"""Hand-checked working-time cases: lunch, nights, weekends, 2026 holidays, the 2027 boundary."""
import time as clock
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from gridops.dispatch.workcal import (
    CHINESE_CALENDAR_YEARS, Deadline, WorkCalendar, seed_from_chinese_calendar,
)

SH = ZoneInfo("Asia/Shanghai")
SEED = seed_from_chinese_calendar()
CAL = WorkCalendar(special={d: kind for d, (kind, _) in SEED.items()},
                   confirmed_years=frozenset(CHINESE_CALENDAR_YEARS))


def at(*args):
    return datetime(*args, tzinfo=SH)


@pytest.mark.parametrize("start, minutes, due", [
    (at(2026, 3, 2, 9, 0), 60, at(2026, 3, 2, 10, 0)),          # plain Monday morning
    (at(2026, 3, 2, 11, 30), 60, at(2026, 3, 2, 14, 30)),       # across lunch
    (at(2026, 3, 2, 12, 30), 30, at(2026, 3, 2, 14, 30)),       # starts at lunch
    (at(2026, 3, 2, 11, 30), 30, at(2026, 3, 2, 12, 0)),        # runs out at the lunch bell
    (at(2026, 3, 2, 17, 0), 60, at(2026, 3, 3, 9, 0)),          # overnight
    (at(2026, 3, 2, 22, 0), 30, at(2026, 3, 3, 9, 0)),          # starts at night
    (at(2026, 3, 6, 17, 0), 60, at(2026, 3, 9, 9, 0)),          # Friday: 30 Fri + 30 Mon
    (at(2026, 3, 6, 17, 0), 30, at(2026, 3, 6, 17, 30)),        # due at Friday's closing
    (at(2026, 3, 7, 10, 0), 60, at(2026, 3, 9, 9, 30)),         # Saturday: counts from Monday
    (at(2026, 3, 2, 8, 30), 420, at(2026, 3, 2, 17, 30)),       # one working day
    (at(2026, 3, 2, 9, 0), 5 * 420, at(2026, 3, 9, 9, 0)),      # one working week
])
def test_ordinary_days(start, minutes, due):
    assert CAL.add_working(start, minutes) == due
    assert CAL.working_between(start, due) == minutes


@pytest.mark.parametrize("start", [at(2026, 3, 7, 10, 0), at(2026, 3, 2, 12, 30), at(2026, 3, 2, 9)])
def test_zero_minutes_is_the_start_itself(start):
    assert CAL.add_working(start, 0) == start


def test_national_day_2026_with_its_adjusted_sunday_and_saturday():
    # 2026: Oct 1–7 off; Sunday Sep 20 and Saturday Oct 10 are worked (调休).
    assert not any(CAL.is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert CAL.is_workday(date(2026, 9, 20)) and CAL.is_workday(date(2026, 10, 10))
    assert CAL.add_working(at(2026, 9, 18, 17, 0), 60) == at(2026, 9, 20, 9, 0)
    assert CAL.add_working(at(2026, 9, 30, 17, 0), 60) == at(2026, 10, 8, 9, 0)
    assert CAL.add_working(at(2026, 10, 9, 17, 0), 60) == at(2026, 10, 10, 9, 0)
    assert CAL.working_between(at(2026, 9, 30, 12), at(2026, 10, 8, 12)) == 210 + 210


def test_spring_festival_2026():
    # 2026: Feb 15–23 off; Saturdays Feb 14 and Feb 28 are worked.
    assert not any(CAL.is_workday(date(2026, 2, d)) for d in range(15, 24))
    assert CAL.add_working(at(2026, 2, 13, 17, 0), 60) == at(2026, 2, 14, 9, 0)
    assert CAL.add_working(at(2026, 2, 14, 17, 0), 60) == at(2026, 2, 24, 9, 0)
    assert CAL.add_working(at(2026, 2, 27, 17, 0), 60) == at(2026, 2, 28, 9, 0)
    assert CAL.working_between(at(2026, 2, 14, 17), at(2026, 2, 24, 9)) == 60


def test_year_boundary_into_unconfirmed_2027_uses_weekday_rule_and_says_so():
    start = at(2026, 12, 31, 17, 0)  # Thursday; 2027-01-01 is a Friday
    deadline = CAL.deadline(start, 60)
    assert deadline == Deadline(at(2027, 1, 1, 9, 0), frozenset({2027}))
    assert CAL.deadline(at(2026, 12, 30, 9), 60).unconfirmed_years == frozenset()
    assert CAL.unconfirmed_years(at(2027, 3, 1), at(2026, 3, 1)) == {2027}


def test_year_boundary_once_2027_is_entered():
    special = dict(CAL.special) | {date(2027, 1, 1): "holiday"}
    cal = WorkCalendar(special=special, confirmed_years=CAL.confirmed_years | {2027})
    assert cal.deadline(at(2026, 12, 31, 17, 0), 60) == Deadline(at(2027, 1, 4, 9, 0))


def test_every_seeded_day_agrees_with_chinese_calendar():
    d, last = date(2004, 1, 1), date(2026, 12, 31)
    while d <= last:
        assert CAL.is_workday(d) == chinese_calendar.is_workday(d), d
        d += timedelta(days=1)


def test_seed_carries_kinds_and_chinese_names():
    assert SEED[date(2026, 10, 1)] == ("holiday", "国庆节")
    assert SEED[date(2026, 2, 14)] == ("workday", "春节")
    assert seed_from_chinese_calendar([2026]).keys() == {d for d in SEED if d.year == 2026}


def test_result_keeps_the_callers_zone():
    start = datetime(2026, 3, 6, 9, 0, tzinfo=timezone.utc)  # Friday 17:00 in Shanghai
    due = CAL.add_working(start, 60)
    assert due.tzinfo is timezone.utc
    assert due == datetime(2026, 3, 9, 1, 0, tzinfo=timezone.utc)


def test_seconds_are_kept_and_between_rounds_down():
    start = at(2026, 3, 2, 9, 0, 30)
    assert CAL.add_working(start, 10) == at(2026, 3, 2, 9, 10, 30)
    assert CAL.working_between(start, at(2026, 3, 2, 9, 10, 29)) == 9
    assert CAL.working_time_between(start, at(2026, 3, 2, 9, 10, 29)) == timedelta(seconds=599)


def test_between_is_zero_backwards_and_off_hours():
    assert CAL.working_between(at(2026, 3, 3), at(2026, 3, 2)) == 0
    assert CAL.working_between(at(2026, 3, 7, 9), at(2026, 3, 8, 17)) == 0


def test_natural_time():
    assert CAL.add_natural(at(2026, 10, 1, 23, 0), 120) == at(2026, 10, 2, 1, 0)
    assert CAL.deadline(at(2027, 1, 1), 30, working=False) == Deadline(at(2027, 1, 1, 0, 30))


def test_next_opening():
    assert CAL.next_opening(at(2026, 9, 30, 18)) == at(2026, 10, 8, 8, 30)
    assert CAL.next_opening(at(2026, 3, 2, 12, 0)) == at(2026, 3, 2, 14, 0)
    assert CAL.next_opening(at(2026, 3, 2, 10, 0)) == at(2026, 3, 2, 10, 0)


def test_street_office_hours():
    cal = WorkCalendar(periods=((time(9), time(12)), (time(13, 30), time(18))))
    assert cal.working_minutes_on(date(2026, 3, 2)) == 450
    assert cal.working_minutes_on(date(2026, 3, 7)) == 0
    assert cal.add_working(at(2026, 3, 2, 11, 30), 60) == at(2026, 3, 2, 14, 0)


@pytest.mark.parametrize("periods", [
    (), ((time(12), time(8)),), ((time(8), time(12)), (time(11), time(14))),
    ((time(14), time(17)), (time(8), time(12))), ((time(8, tzinfo=SH), time(9)),),
])
def test_bad_office_periods_are_refused(periods):
    with pytest.raises(ValueError, match="office period"):
        WorkCalendar(periods=periods)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="kind 'off'"):
        WorkCalendar(special={date(2026, 1, 1): "off"})
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.add_working(datetime(2026, 3, 2, 9), 10)
    with pytest.raises(ValueError, match="negative"):
        CAL.add_working(at(2026, 3, 2, 9), -1)


def test_calendar_does_not_follow_later_edits_of_its_mapping():
    special = {date(2026, 3, 2): "holiday"}
    cal = WorkCalendar(special=special)
    special[date(2026, 3, 3)] = "holiday"
    assert cal.is_workday(date(2026, 3, 3))


def test_twenty_working_days_is_fast():
    start, runs = at(2026, 9, 1, 10, 17), 200
    began = clock.perf_counter()
    for _ in range(runs):
        due = CAL.add_working(start, 20 * 420)
        CAL.working_between(start, due)
    assert (clock.perf_counter() - began) / runs < 0.002
