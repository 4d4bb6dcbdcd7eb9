"""The process's calendar cache: kept while the calendar is unchanged, rebuilt as soon as it
changes, however it was changed."""
from datetime import date, datetime, time, timezone

import pytest
from sqlalchemy import event, text

from gridops.dispatch import calendar_store as store
from gridops.dispatch import clocks
from gridops.extensions import db as _db

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
STREET = "110105001"
NATIONAL_DAY = date(2026, 10, 1)  # a holiday the seed knows


@pytest.fixture
def seeded(db):
    store.seed_calendar(db, NOW)
    db.commit()
    return db


def count_statements(db, call):
    seen = []
    engine = _db.engine

    def record(*args):
        seen.append(args[2])
    event.listen(engine, "before_cursor_execute", record)
    try:
        result = call()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return result, seen


def test_an_unchanged_calendar_costs_one_small_query(seeded):
    cache = store.CalendarCache()
    first = cache.calendar(seeded, STREET)
    again, statements = count_statements(seeded, lambda: cache.calendar(seeded, STREET))
    assert again is first
    assert len(statements) == 1 and "calendar_version" in statements[0]


@pytest.mark.parametrize("change", ["set_day", "office_hours", "notice", "sql", "truncate"])
def test_any_change_is_seen_at_once(seeded, change, tmp_path):
    cache = store.CalendarCache()
    before = cache.calendar(seeded, STREET)
    assert not before.is_workday(NATIONAL_DAY)
    if change == "set_day":
        store.set_day(seeded, NATIONAL_DAY, "workday", "街道值班")
    elif change == "office_hours":
        store.set_office_hours(seeded, [(time(9), time(12)), (time(13), time(17))], STREET)
    elif change == "notice":
        notice = tmp_path / "2027.txt"
        notice.write_text("year 2027\nstatus official\nholiday 2027-01-01 元旦\n")
        store.import_notice(seeded, notice, NOW)
    elif change == "sql":
        seeded.execute(text("UPDATE calendar_day SET kind = 'workday' WHERE day = :d"),
                       {"d": NATIONAL_DAY})
    else:
        seeded.execute(text("TRUNCATE calendar_day"))
    # Seen inside the changing transaction, and by everyone once it commits.
    inside = cache.calendar(seeded, STREET)
    seeded.commit()
    after = cache.calendar(seeded, STREET)
    assert inside is not before and after is not before
    assert after == store.load_calendar(seeded, STREET)


def test_a_rolled_back_change_is_forgotten(seeded):
    cache = store.CalendarCache()
    before = cache.calendar(seeded, STREET)
    store.set_day(seeded, NATIONAL_DAY, "workday")
    assert cache.calendar(seeded, STREET).is_workday(NATIONAL_DAY)
    seeded.rollback()
    assert not cache.calendar(seeded, STREET).is_workday(NATIONAL_DAY)
    assert before == cache.calendar(seeded, STREET)


def test_requests_share_the_process_calendar(app, seeded):
    with app.app_context():
        first = clocks.calendar_for(_db.session, STREET)
        _db.session.remove()
        second = clocks.calendar_for(_db.session, STREET)
    assert second is first
