"""Make a weekly report: build it, render the formats asked for, archive them."""
from gridops.reports.archive import report_dir, store
from gridops.reports.build import build_weekly
from gridops.reports.derive import Scoring
from gridops.reports.render import render
from gridops.reports.render_html import Links


def make_weekly(session, config, week, area_code, formats, now):
    """Return (report, {format: bytes}) for `area_code` and `week`, as the data stands at `now`."""
    report = build_weekly(session, week, area_code, now, Scoring.from_config(config),
                          config.get("GRIDOPS_TZ", week.tz))
    links = Links(config.get("GRIDOPS_PUBLIC_URL") or "", week.label, area_code)
    return report, {fmt: render(report, fmt, links, config) for fmt in formats}


def archive_weekly(session, config, week, area_code, formats, now, trigger, user_id=None):
    """Make and archive the report; return (report, archive row or None if already archived)."""
    report, files = make_weekly(session, config, week, area_code, formats, now)
    archive = store(session, report, files, trigger, report_dir(config), user_id)
    return report, archive
