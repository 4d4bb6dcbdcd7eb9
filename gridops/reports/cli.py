"""`gridops report`: make a weekly report on demand, or list the archive."""
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from gridops.errors import NotFound
from gridops.extensions import db
from gridops.geo.models import Area
from gridops.reports.archive import report_dir, store
from gridops.reports.docs import indicators_markdown
from gridops.reports.generate import make_weekly
from gridops.reports.models import ReportArchive
from gridops.reports.render import FORMATS
from gridops.reports.week import parse_week, previous_week


@click.group("report")
def report():
    """Weekly reports (周报)."""


@report.command("weekly")
@click.option("--week", "week_text", help="ISO week such as 2026-W47 (default: last week).")
@click.option("--area", help="Area code (default: the district).")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="html",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), required=True,
              help="File to write.")
@click.option("--no-archive", is_flag=True, help="Write the file only; keep no archive copy.")
@with_appcontext
def weekly(week_text, area, fmt, out, no_archive):
    """Make the weekly report of an area in one format and write it to OUT."""
    config, now = current_app.config, datetime.now(timezone.utc)
    tz = config.get("GRIDOPS_TZ", "Asia/Shanghai")
    try:
        week = parse_week(week_text, tz) if week_text else previous_week(now, tz)
        made, files = make_weekly(db.session, config, week, area or _the_district(), [fmt], now)
    except (ValueError, NotFound) as error:
        raise click.ClickException(str(error)) from None
    archive = None if no_archive else store(db.session, made, files, "demand", report_dir(config))
    Path(out).write_bytes(files[fmt])
    db.session.commit()
    note = f" (archive #{archive.id}, sha256 {archive.file(fmt).sha256})" if archive else ""
    click.echo(f"{week.label} {made.area.code} {fmt}: {len(files[fmt]):,} bytes → {out}{note}")


@report.command("list")
@click.option("--area", help="Only this area's reports.")
@click.option("--limit", default=20, show_default=True)
@with_appcontext
def list_reports(area, limit):
    """List archived reports, newest first, with their files' checksums."""
    query = select(ReportArchive).order_by(ReportArchive.generated_at.desc()).limit(limit)
    if area:
        query = query.where(ReportArchive.area_code == area)
    for row in db.session.scalars(query):
        click.echo(f"#{row.id} {row.period} {row.area_code} {row.area_name} {row.trigger} "
                   f"{row.generated_at:%Y-%m-%d %H:%M}Z")
        for f in row.files:
            click.echo(f"    {f.format:<5}{f.size:>10,}  {f.sha256}  {f.path}")


@report.command("docs")
@click.option("--out", type=click.Path(dir_okay=False), default="docs/indicators.md",
              show_default=True)
def docs(out):
    """Write the indicator definitions (docs/indicators.md) from the definitions table."""
    Path(out).write_text(indicators_markdown(), encoding="utf-8")
    click.echo(f"wrote {out}")


def _the_district():
    codes = db.session.scalars(select(Area.code).where(
        Area.level == "district", Area.valid_to.is_(None))).all()
    if len(codes) != 1:
        raise NotFound("Name the area with --area: there are %(n)s districts.", n=len(codes))
    return codes[0]
