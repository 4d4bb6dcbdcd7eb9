"""Store generated reports: files under the report directory, rows with their SHA-256.

Files are written to a temporary name and renamed, so a reader never sees half a file; the
name carries the first characters of the checksum, so two generations of the same week never
overwrite each other. Operations flush and never commit.
"""
import hashlib
import os
from pathlib import Path

from sqlalchemy import literal_column, select
from sqlalchemy.dialects.postgresql import insert

from gridops.reports.models import ReportArchive, ReportFile
from gridops.reports.render import FORMATS

HEADLINE = ("received", "accepted", "closed", "closure_rate", "on_time_closure_rate",
            "on_time_handling_rate", "open_end", "overdue_end", "whistle_rate",
            "satisfaction_rate", "composite", "grade")


class ChecksumMismatch(RuntimeError):
    """An archived file no longer has the bytes it was stored with."""


def report_dir(config):
    """Return the directory archived reports live in."""
    return Path(config.get("GRIDOPS_REPORT_DIR") or "var/reports")


def summary_of(report):
    """Return the headline numbers stored with the archive row (and sent in messages)."""
    values, previous = report.total.values, report.total.previous
    return {"values": {k: values.get(k) for k in HEADLINE},
            "previous": {k: previous.get(k) for k in HEADLINE},
            "bottom_units": [r.name for r in report.bottom_units],
            "escalated": len(report.escalations), "empty": report.empty}


def write_file(root, report, fmt, data):
    """Write one rendered file under `root`; return (relative path, sha256)."""
    digest = hashlib.sha256(data).hexdigest()
    relative = Path(report.week.label) / report.area.code / (
        f"weekly-{report.week.label}-{report.area.code}-{digest[:12]}.{FORMATS[fmt][1]}")
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(target.suffix + ".part")
    temporary.write_bytes(data)
    os.replace(temporary, target)
    return str(relative), digest


def store(session, report, files, trigger, root, user_id=None):
    """Archive `files` ({format: bytes}) of `report`; return the row, or None if the
    Monday job already archived this week and area (the other run's files stand)."""
    values = dict(kind="weekly", period=report.week.label, period_start=report.week.start,
                  period_end=report.week.end, area_code=report.area.code,
                  area_name=report.area.name, trigger=trigger, generated_at=report.generated_at,
                  generated_by_id=user_id, summary=summary_of(report))
    statement = insert(ReportArchive).values(**values).returning(ReportArchive.id)
    if trigger == "schedule":
        # The index's predicate as a literal: a bound value stops matching the partial index
        # once the statement is prepared and planned generically (the Monday job's loop).
        statement = statement.on_conflict_do_nothing(
            index_elements=["kind", "period", "area_code"],
            index_where=ReportArchive.trigger == literal_column("'schedule'"))
    archive_id = session.scalar(statement)
    if archive_id is None:
        return None
    for fmt, data in files.items():
        path, digest = write_file(root, report, fmt, data)
        session.add(ReportFile(archive_id=archive_id, format=fmt, path=path, sha256=digest,
                               size=len(data), media_type=FORMATS[fmt][0]))
    session.flush()
    return session.get(ReportArchive, archive_id)


def scheduled_exists(session, period, area_code):
    """Tell whether the Monday job already archived `period` for `area_code`."""
    return session.scalar(select(ReportArchive.id).where(
        ReportArchive.trigger == "schedule", ReportArchive.period == period,
        ReportArchive.area_code == area_code)) is not None


def read_verified(root, file):
    """Return the bytes of an archived file after checking them against its SHA-256."""
    data = (root / file.path).read_bytes()
    if hashlib.sha256(data).hexdigest() != file.sha256:
        raise ChecksumMismatch(f"{file.path}: the file changed since it was archived")
    return data
