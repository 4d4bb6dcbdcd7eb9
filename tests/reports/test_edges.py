"""Week boundaries, empty weeks, cases spanning weeks, and the trend's agreement with the tables."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from gridops.reports.build import build_weekly
from gridops.reports.render import FORMATS, render
from gridops.reports.render_html import Links
from gridops.reports.trend import TREND_KEYS
from gridops.reports.week import parse_week, previous_week, week_of

W47, W48 = parse_week("2026-W47"), parse_week("2026-W48")
G5 = "110199002001001"


def local(day, hour, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_weeks_are_iso_weeks_in_shanghai():
    assert (W47.monday.isoformat(), W47.sunday.isoformat()) == ("2026-11-16", "2026-11-22")
    assert W47.start == datetime(2026, 11, 15, 16, tzinfo=timezone.utc)
    sunday_night = datetime(2026, 11, 22, 15, 50, tzinfo=timezone.utc)     # 23:50 in Shanghai
    assert week_of(sunday_night) == W47
    assert week_of(datetime(2026, 11, 22, 16, 10, tzinfo=timezone.utc)) == W48
    assert parse_week("2026-W53").monday.isoformat() == "2026-12-28"      # 2026 has 53 weeks
    with pytest.raises(ValueError, match="no ISO week 53"):
        parse_week("2025-W53")
    with pytest.raises(ValueError, match="2026-W47"):
        parse_week("2026-47")


def test_monday_eight_oclock_reports_the_week_before():
    monday_8am = datetime(2026, 11, 23, 0, 0, tzinfo=timezone.utc)         # 08:00 in Shanghai
    assert previous_week(monday_8am) == W47
    assert previous_week(datetime(2026, 11, 22, 15, 59, tzinfo=timezone.utc)) == W47.previous()


def test_a_case_at_sunday_2350_counts_in_its_week(driver, db):
    late = driver.report(G5, "event:0505", local(22, 23, 50))
    early = driver.report(G5, "event:0505", local(23, 0, 10))
    w47 = build_weekly(db, W47, "110199", local(23, 8))
    w48 = build_weekly(db, W48, "110199", local(30, 8))
    assert w47.total.values["received"] == 1 and w48.total.values["received"] == 1
    assert {c[2] for c in w47.cases} == {late.case_number}
    # Still open at the end of W47, it is alive (and backlog) in W48 too.
    assert {c[2] for c in w48.cases} == {late.case_number, early.case_number}
    assert w48.total.values["active"] == 2 and w48.total.values["open_end"] == 2


def test_an_empty_week_makes_a_report_that_says_so(world, db):
    report = build_weekly(db, W47, "110199", local(23, 8))
    assert report.empty
    assert report.total.values["received"] == 0 and report.total.values["closure_rate"] is None
    assert report.tables["street"] == [] and report.bottom_units == []
    links = Links("", W47.label, "110199")
    for fmt in FORMATS:
        assert render(report, fmt, links)
    page = render(report, "html", links).decode()
    assert "本周无案件" in page and "不适用" in page


def test_the_trend_agrees_with_the_tables(week47, db):
    report = build_weekly(db, W47, "110199", local(23, 8))
    week, values = report.trend[-1]
    assert week == W47
    assert values == {k: report.total.values[k] for k in TREND_KEYS}
    previous = report.trend[-2][1]
    assert previous == {k: report.total.previous[k] for k in TREND_KEYS}


def test_a_street_report_breaks_down_by_community_and_below(week47, db):
    report = build_weekly(db, W47, "110199002", local(23, 8))
    assert list(report.tables) == ["community", "grid", "unit", "category"]
    assert report.total.values["received"] == 3                             # F G J
    assert report.area.name == "街道2"
