"""Working hours in SQL agree with the Python working calendar, to the second."""
import random
from datetime import datetime, time, timedelta, timezone

from gridops.dispatch.calendar_store import load_calendar, set_office_hours
from gridops.reports.workclock import working_hours

STREETS = ("110199001", "110199002")
#: Around the 2026 Mid-autumn and National Day holidays (Sep 25 – Oct 7), the 调休 working
#: Saturday Oct 10, and across the New Year into a year nobody confirmed yet.
START = datetime(2026, 9, 20, tzinfo=timezone.utc)


def random_spans(count, seed=47):
    rng = random.Random(seed)
    spans = []
    for n in range(count):
        start = START + timedelta(minutes=rng.randrange(0, 60 * 24 * 120))
        length = timedelta(minutes=rng.choice([0, 1, 59, 240, 600, 1440, 4000, 20000]))
        spans.append((n, STREETS[n % 2], start, start + length))
    return spans


def test_sql_working_hours_match_the_python_calendar(world, db):
    # Street 2 keeps a different day: 09:00–12:00 and 13:30–18:00.
    set_office_hours(db, [(time(9), time(12)), (time(13, 30), time(18))], STREETS[1])
    db.commit()
    spans = random_spans(400)
    got = working_hours(db, spans)
    calendars = {code: load_calendar(db, code) for code in STREETS}
    for n, street, start, end in spans:
        expected = calendars[street].working_time_between(start, end) / timedelta(hours=1)
        assert abs(got[n] - expected) < 1e-6, (street, start, end, got[n], expected)


def test_a_holiday_and_a_working_saturday(world, db):
    shanghai = timezone(timedelta(hours=8))
    spans = [(1, STREETS[0], datetime(2026, 9, 30, 17, tzinfo=shanghai),
              datetime(2026, 10, 8, 9, tzinfo=shanghai)),
             (2, STREETS[0], datetime(2026, 10, 10, 8, tzinfo=shanghai),
              datetime(2026, 10, 10, 12, tzinfo=shanghai))]
    got = working_hours(db, spans)
    assert got[1] == 1.0                # 17:00–17:30 on the 30th, 08:30–09:00 on the 8th
    assert got[2] == 3.5                # Saturday the 10th is a 调休 working day


def test_no_spans_no_rows(world, db):
    assert working_hours(db, []) == {}
