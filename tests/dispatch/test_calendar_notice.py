"""Parsing a State Council notice file: what is accepted and how bad lines are named."""
from datetime import date
from pathlib import Path

import pytest

import gridops
from gridops.dispatch.calendar_store import NoticeError, parse_notice

EXAMPLE = Path(gridops.__file__).parent / "data" / "calendar" / "example-2027.notice"

GOOD = """\
# a comment
year 2027
status official
notice 国办发明电〔2026〕99号

holiday 2026-12-31..2027-01-02 元旦
workday 2026-12-27
holiday 2027-02-06..2027-02-08 春节 假期
"""


def test_a_good_file():
    notice = parse_notice(GOOD)
    assert (notice.year, notice.status, notice.reference) == (2027, "official", "国办发明电〔2026〕99号")
    assert notice.days == {
        date(2026, 12, 31): ("holiday", "元旦"), date(2027, 1, 1): ("holiday", "元旦"),
        date(2027, 1, 2): ("holiday", "元旦"), date(2026, 12, 27): ("workday", None),
        date(2027, 2, 6): ("holiday", "春节 假期"), date(2027, 2, 7): ("holiday", "春节 假期"),
        date(2027, 2, 8): ("holiday", "春节 假期"),
    }


@pytest.mark.parametrize("line, problem", [
    ("holiday 2027-02-30", "line 4: '2027-02-30' is not a date written YYYY-MM-DD"),
    ("holiday 2027-02-09..2027-02-07 x", "line 4: range 2027-02-09..2027-02-07 ends before"),
    ("holiday 2027-01-01..2027-03-01", "line 4: range 2027-01-01..2027-03-01 is longer than 31"),
    ("workday 2027-02-10 x", "line 4: 2027-02-10 is a Wednesday, a working day anyway"),
    ("holiday 2027-01-01", "line 4: 2027-01-01 is already given on line 3"),
    ("holiday 2028-01-03", "line 4: 2028-01-03 is outside the 2027 notice"),
    ("holiday 2026-11-30", "line 4: 2026-11-30 is outside the 2027 notice"),
    ("holidays 2027-02-09", "line 4: unknown statement 'holidays'"),
    ("year 2028", "line 4: 'year' given twice"),
    ("holiday", "line 4: '' is not a date"),
])
def test_a_bad_line_is_named(line, problem):
    text = f"year 2027\nstatus official\nholiday 2027-01-01\n{line}\n"
    with pytest.raises(NoticeError) as caught:
        parse_notice(text, "2027.notice")
    assert str(caught.value).startswith(f"2027.notice: {problem}")


@pytest.mark.parametrize("text, problem", [
    ("status official\nholiday 2027-01-01\n", "no 'year' line"),
    ("year 2027\nholiday 2027-01-01\n", "no 'status' line"),
    ("year 2027\nstatus official\nworkday 2027-01-02\n", "no holiday lines"),
    ("year 27\nstatus official\nholiday 2027-01-01\n", "line 1: year must be a number"),
    ("year 2027\nstatus draft\nholiday 2027-01-01\n", "line 2: status must be official or"),
    ("", "no 'year' line"),
])
def test_a_missing_or_bad_header_is_named(text, problem):
    with pytest.raises(NoticeError, match=problem):
        parse_notice(text)


def test_every_problem_is_kept_and_counted():
    text = "year 2027\nstatus official\nholiday 2027-01-01\nholiday x\nworkday 2027-02-10\n"
    with pytest.raises(NoticeError) as caught:
        parse_notice(text, "f")
    assert len(caught.value.problems) == 2
    assert str(caught.value).endswith("(and 1 more problems)")


def test_the_shipped_example_is_well_formed_but_refused_as_an_example():
    with pytest.raises(NoticeError) as caught:
        parse_notice(EXAMPLE.read_text(encoding="utf-8"), EXAMPLE)
    assert caught.value.problems == [
        "the file is marked 'status example': check every date against the published notice, "
        "then change that line to 'status official'"]


def test_the_example_says_it_is_not_official():
    head = EXAMPLE.read_text(encoding="utf-8")[:400]
    assert "EXAMPLE ONLY" in head and "NOT THE STATE COUNCIL" in head
