"""The working calendar: a year's holidays and 调休 days, unconfirmed years, office hours.

Each November the State Council announces next year's holidays; until an admin enters that
notice here, deadlines in that year count Monday to Friday, and every page says so.
"""
import re
import tempfile
from datetime import date, time
from pathlib import Path

from flask import render_template, request
from flask_babel import gettext as _

from gridops.console import admin_bp, labels
from gridops.console.access import now
from gridops.console.admin.common import done
from gridops.console.admin.home import years_to_confirm
from gridops.dispatch.calendar_store import (NoticeError, import_notice, office_periods,
                                             set_day, set_office_hours, year_days)
from gridops.dispatch.models import CalendarYear
from gridops.dispatch.workcal import KINDS
from gridops.extensions import db

PERIOD = re.compile(r"^(\d{1,2}:\d{2})\s*[-–~]\s*(\d{1,2}:\d{2})$")


def _page(year=None, error=None, problems=(), form=None, status=200):
    year = year or now().year
    return render_template(
        "console/admin/calendar.html", year=year, days=year_days(db.session, year),
        record=db.session.get(CalendarYear, year), unconfirmed=years_to_confirm(db.session),
        periods=" ".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in office_periods(db.session)),
        kinds=KINDS, labels=labels, error=error,
        problems=problems, form=form or {}), status


@admin_bp.get("/calendar")
def calendar():
    """Show a year's special days and whether the year is confirmed."""
    year = request.args.get("year", "")
    return _page(int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None)


@admin_bp.post("/calendar/day")
def save_day():
    """Mark one date as a holiday or a working day by hand."""
    form = request.form
    try:
        day = date.fromisoformat(form.get("day", "").strip())
        set_day(db.session, day, form.get("kind", ""), form.get("name", "").strip() or None)
    except ValueError:
        db.session.rollback()
        return _page(error=_("Enter a date written YYYY-MM-DD and choose holiday or working "
                             "day."), form=form, status=400)
    return done(_("%(day)s saved.", day=day.isoformat()), "console_admin.calendar",
                year=day.year)


@admin_bp.post("/calendar/notice")
def import_year():
    """Import a year's notice pasted as text; a bad notice changes nothing and names its lines."""
    text = request.form.get("notice", "")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "notice.txt"
        path.write_text(text, encoding="utf-8")
        try:
            notice = import_notice(db.session, path, now())
        except NoticeError as error:
            db.session.rollback()
            return _page(error=_("The notice was not imported; nothing changed."),
                         problems=error.problems, form=request.form, status=400)
    return done(_("The holidays of %(year)s are confirmed (%(n)s special days).",
                  year=notice.year, n=len(notice.days)), "console_admin.calendar",
                year=notice.year)


@admin_bp.post("/calendar/hours")
def save_hours():
    """Set the default office hours, e.g. 08:30-12:00 14:00-17:30."""
    text = request.form.get("periods", "")
    try:
        periods = [_period(part) for part in re.split(r"[,，;\s]+(?=\d)", text.strip()) if part]
        set_office_hours(db.session, periods)
    except ValueError:
        db.session.rollback()
        return _page(error=_("Write the office periods in order, such as 08:30-12:00 "
                             "14:00-17:30."), form=request.form, status=400)
    return done(_("Office hours saved."), "console_admin.calendar")


def _period(text):
    match = PERIOD.match(text.strip())
    if match is None:
        raise ValueError(text)
    return tuple(time.fromisoformat(part.zfill(5)) for part in match.groups())
