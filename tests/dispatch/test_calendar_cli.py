"""`gridops calendar …` as an admin types it: results, and one-line errors with a non-zero exit."""
from datetime import date
from pathlib import Path

import pytest

import gridops
from gridops.dispatch.calendar_cli import calendar
from gridops.dispatch.models.calendar import CalendarDay, CalendarYear, OfficeHours

EXAMPLE = Path(gridops.__file__).parent / "data" / "calendar" / "example-2027.notice"


@pytest.fixture
def run(app, db):
    """Return a function that runs `gridops calendar ARGS…` and returns the click result."""
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(calendar, [str(a) for a in args])


def one_line_error(result, text):
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and text in lines[0], result.output


def test_seed_then_show_a_confirmed_year(run):
    assert run("seed").exit_code == 0
    result = run("show", 2026)
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "2026: confirmed (chinese_calendar)"
    assert "2026-10-10 Sat workday  国庆节 [chinese_calendar]" in result.output


def test_show_an_unconfirmed_year(run):
    run("seed")
    result = run("show", 2027)
    assert result.exit_code == 0
    assert result.output.startswith("2027: NOT CONFIRMED - deadlines use the weekday rule")


def test_import_a_notice(run, db, tmp_path):
    run("seed")
    path = tmp_path / "2027.notice"
    path.write_text(EXAMPLE.read_text(encoding="utf-8").replace("status example",
                                                                  "status official"))
    result = run("import", path)
    assert result.exit_code == 0, result.output
    assert result.output == "2027: 18 holidays and 3 adjusted working days imported; year confirmed\n"
    assert db.get(CalendarYear, 2027).confirmed
    assert "2027-02-14 Sun workday  春节 [notice]" in run("show", 2027).output


def test_the_example_file_is_refused(run, db):
    one_line_error(run("import", EXAMPLE), "marked 'status example'")
    assert db.get(CalendarYear, 2027) is None


def test_a_bad_notice_names_its_line_and_changes_nothing(run, db, tmp_path):
    path = tmp_path / "bad.notice"
    path.write_text("year 2027\nstatus official\nholiday 2027-01-01\nholiday 2027-13-01\n")
    one_line_error(run("import", path), "bad.notice: line 4: '2027-13-01' is not a date")
    assert db.get(CalendarDay, date(2027, 1, 1)) is None


def test_a_missing_file(run, tmp_path):
    one_line_error(run("import", tmp_path / "nope.notice"), "cannot read the file")


def test_set_a_day(run, db):
    result = run("set", "2027-10-08", "holiday", "--name", "国庆节")
    assert result.exit_code == 0
    assert result.output == "2027-10-08 is now a holiday (国庆节)\n"
    assert (db.get(CalendarDay, date(2027, 10, 8)).source) == "admin"


@pytest.mark.parametrize("args, text", [
    (("set", "2027-02-30", "holiday"), "'2027-02-30' does not match the format"),
    (("set", "2027-01-01", "weekend"), "'weekend' is not one of 'holiday', 'workday'"),
    (("show", "next"), "'next' is not a valid integer"),
    (("hours", "08:30-12:00", "11:00-14:00"), "sorted, disjoint"),
    (("hours", "8.30-12"), "'8.30-12' is not a period written HH:MM-HH:MM"),
])
def test_bad_arguments(run, args, text):
    result = run(*args)
    assert result.exit_code != 0
    assert text in result.output


def test_office_hours_of_a_street(run, db):
    result = run("hours", "09:00-12:00", "13:30-18:00", "--area", "110105001")
    assert result.exit_code == 0, result.output
    row = db.query(OfficeHours).filter_by(area_code="110105001").one()
    assert row.periods == [["09:00", "12:00"], ["13:30", "18:00"]]
