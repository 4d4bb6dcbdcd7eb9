"""The working calendar in PostgreSQL: seed, load, admin edits, notice imports."""
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from gridops.dispatch import calendar_store as store
from gridops.dispatch.models.calendar import CalendarDay, CalendarYear, OfficeHours
from gridops.dispatch.workcal import Deadline

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
SH = ZoneInfo("Asia/Shanghai")
NOTICE_2027 = """\
year 2027
status official
notice 国办发明电〔2026〕99号
holiday 2026-12-31..2027-01-01 元旦
workday 2026-12-27 元旦
holiday 2027-02-06..2027-02-13 春节
workday 2027-02-14 春节
"""


@pytest.fixture
def seeded(db):
    store.seed_calendar(db, NOW)
    return db


def count(db, model):
    return db.scalar(select(func.count()).select_from(model))


def test_seed_is_idempotent_and_keeps_admin_edits(seeded):
    days, years = count(seeded, CalendarDay), count(seeded, CalendarYear)
    store.set_day(seeded, date(2026, 10, 8), "holiday", "街道自定")
    store.seed_calendar(seeded, NOW)
    assert (count(seeded, CalendarDay), count(seeded, CalendarYear)) == (days + 1, years)
    assert count(seeded, OfficeHours) == 1
    assert seeded.get(CalendarDay, date(2026, 10, 8)).source == "admin"


def test_seeded_calendar_knows_2026_and_not_2027(seeded):
    cal = store.load_calendar(seeded)
    assert cal.confirmed_years == frozenset(range(2004, 2027))
    assert not cal.is_workday(date(2026, 10, 1)) and cal.is_workday(date(2026, 10, 10))
    deadline = cal.deadline(datetime(2026, 12, 31, 17, tzinfo=SH), 60)
    assert deadline.due == datetime(2027, 1, 1, 9, tzinfo=SH)
    assert deadline.unconfirmed_years == {2027}
    assert store.unconfirmed_years(seeded, [2026, 2027]) == [2027]


def test_street_office_hours_fall_back_to_the_default(seeded):
    store.set_office_hours(seeded, [(time(9), time(12)), (time(13, 30), time(18))], "110105001")
    assert store.load_calendar(seeded, "110105001").periods[1] == (time(13, 30), time(18))
    assert store.load_calendar(seeded, "110105002").periods[1] == (time(14), time(17, 30))
    assert store.office_periods(seeded, None) == ((time(8, 30), time(12)), (time(14), time(17, 30)))


def test_office_hours_without_any_row_are_the_built_in_default(db):
    assert store.load_calendar(db, "110105001").periods == ((time(8, 30), time(12)),
                                                            (time(14), time(17, 30)))


def test_bad_office_hours_are_refused(seeded):
    with pytest.raises(ValueError, match="sorted, disjoint"):
        store.set_office_hours(seeded, [(time(14), time(12))])


def test_set_day_overrides_and_does_not_confirm(seeded):
    store.set_day(seeded, date(2027, 1, 1), "holiday", "元旦")
    store.set_day(seeded, date(2026, 10, 10), "holiday")
    cal = store.load_calendar(seeded)
    assert not cal.is_workday(date(2027, 1, 1)) and not cal.is_workday(date(2026, 10, 10))
    assert 2027 not in cal.confirmed_years
    with pytest.raises(ValueError, match="kind must be one of"):
        store.set_day(seeded, date(2027, 1, 4), "weekend")


def test_import_replaces_the_year_and_confirms_it(seeded, tmp_path):
    store.set_day(seeded, date(2027, 5, 3), "holiday", "entered too early")
    path = tmp_path / "2027.notice"
    path.write_text("\ufeff" + NOTICE_2027, encoding="utf-8")  # Windows editors add a BOM
    store.import_notice(seeded, path, NOW)
    year = seeded.get(CalendarYear, 2027)
    assert (year.confirmed, year.source, year.confirmed_at) == (True, "国办发明电〔2026〕99号", NOW)
    assert [d.day for d in store.year_days(seeded, 2027)][:2] == [date(2027, 1, 1), date(2027, 2, 6)]
    assert seeded.get(CalendarDay, date(2027, 5, 3)) is None
    assert seeded.get(CalendarDay, date(2026, 12, 31)).source == "notice"
    cal = store.load_calendar(seeded)
    start = datetime(2026, 12, 30, 17, tzinfo=SH)
    assert cal.deadline(start, 60) == Deadline(datetime(2027, 1, 4, 9, tzinfo=SH))


def test_a_bad_notice_changes_nothing(seeded, tmp_path):
    before = [(d.day, d.kind, d.source) for d in store.year_days(seeded, 2026)]
    path = tmp_path / "bad.notice"
    path.write_text(NOTICE_2027.replace("2027-02-14", "2027-02-15"), encoding="utf-8")
    with pytest.raises(store.NoticeError, match=r"bad.notice: line 7: 2027-02-15 is a Monday"):
        store.import_notice(seeded, path, NOW)
    assert [(d.day, d.kind, d.source) for d in store.year_days(seeded, 2026)] == before
    assert store.year_days(seeded, 2027) == [] and seeded.get(CalendarYear, 2027) is None


def test_an_unreadable_notice_is_named(seeded, tmp_path):
    path = tmp_path / "gbk.notice"
    path.write_bytes("year 2027\nholiday 2027-01-01 元旦\n".encode("gbk"))
    with pytest.raises(store.NoticeError, match="gbk.notice: cannot read the file"):
        store.import_notice(seeded, path, NOW)
