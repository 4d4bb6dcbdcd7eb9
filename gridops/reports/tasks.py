"""The Monday job: last week's reports for every district and street, archived and delivered.

`weekly_if_due` runs every few minutes and starts at 08:00 Asia/Shanghai on Mondays; running
`generate_weekly` by hand does the same at once. Running either twice, or on
two workers at once, archives and sends each report once: the archive's unique index on the
scheduled (week, area) decides, and a run that finds the report archived skips it.
"""
import logging
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from gridops.extensions import db
from gridops.geo.models import Area
from gridops.reports import deliver
from gridops.reports.archive import scheduled_exists
from gridops.reports.generate import archive_weekly
from gridops.reports.week import previous_week

log = logging.getLogger(__name__)


def generate_weekly(now=None):
    """Archive and deliver the previous ISO week's reports (the RQ job); return archive ids."""
    from gridops.dispatch.tasks import job_context
    now = now or datetime.now(timezone.utc)
    with job_context() as app:
        return run_weekly(db.session, app.config, now)


#: The local weekday and time from which last week's reports are due (Monday 08:00).
DUE_WEEKDAY, DUE_TIME = 0, time(8, 0)


def weekly_if_due(now=None):
    """Generate last week's reports once Monday 08:00 local has passed (the periodic job).

    Run every few minutes rather than by a cron expression: it needs no agreement on the
    worker's time zone, and a worker that was down at 08:00 catches up when it returns.
    """
    now = now or datetime.now(timezone.utc)
    from gridops.dispatch.tasks import job_context
    with job_context() as app:
        if not reports_due(now, app.config.get("GRIDOPS_TZ", "Asia/Shanghai")):
            return []
        return run_weekly(db.session, app.config, now)


def reports_due(now, tz):
    """Tell whether this week's Monday 08:00 local has passed at `now`."""
    local = now.astimezone(ZoneInfo(tz))
    monday = local.date() - timedelta(days=local.weekday())
    return local >= datetime.combine(monday, DUE_TIME, tzinfo=local.tzinfo)


def run_weekly(session, config, now):
    """Make, archive and deliver each area's report for the week before `now`; commit each."""
    week = previous_week(now, config.get("GRIDOPS_TZ", "Asia/Shanghai"))
    formats = _listed(config.get("GRIDOPS_REPORT_FORMATS", "html,pdf,xlsx,csv"))
    done = []
    for code in areas_to_report(session, config):
        if scheduled_exists(session, week.label, code):
            continue
        _, archive = archive_weekly(session, config, week, code, formats, now, "schedule")
        if archive is not None:
            deliver.deliver(session, archive, config, now)
            done.append(archive.id)
        session.commit()
        log.info("weekly report %s %s archived", week.label, code)
    return done


def areas_to_report(session, config):
    """Return the codes of the current areas at the configured levels, district first."""
    levels = _listed(config.get("GRIDOPS_REPORT_LEVELS", "district,street"))
    rows = session.execute(select(Area.level, Area.code).where(
        Area.level.in_(levels), Area.valid_to.is_(None)))
    order = {"district": 0, "street": 1, "community": 2, "grid": 3}
    return [code for _, code in sorted(rows, key=lambda r: (order[r[0]], r[1]))]


def _listed(text):
    return [part.strip() for part in str(text).split(",") if part.strip()]
