"""`gridops calendar …`: enter a year's holiday notice, correct a day, show a year."""
from datetime import datetime, time, timezone

import click
from flask.cli import with_appcontext

from gridops.dispatch import calendar_store
from gridops.dispatch.workcal import KINDS
from gridops.extensions import db

_DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.group("calendar")
def calendar():
    """Manage the working calendar: holidays, 调休 working days, office hours."""


@calendar.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def import_command(file):
    """Import a year's State Council holiday notice from FILE and confirm the year."""
    notice = _commit_or_fail(calendar_store.import_notice, db.session, file, _now())
    kinds = [kind for kind, _ in notice.days.values()]
    click.echo(f"{notice.year}: {kinds.count('holiday')} holidays and "
               f"{kinds.count('workday')} adjusted working days imported; year confirmed")


@calendar.command("set")
@click.argument("day", metavar="DATE", type=_DATE)
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--name", help="What the day is, e.g. 春节.")
@with_appcontext
def set_command(day, kind, name):
    """Mark DATE (YYYY-MM-DD) as a holiday or a working day."""
    row = _commit_or_fail(calendar_store.set_day, db.session, day.date(), kind, name)
    click.echo(f"{row.day} is now a {row.kind}" + (f" ({row.name})" if row.name else ""))


@calendar.command("show")
@click.argument("year", type=click.IntRange(1900, 2999))
@with_appcontext
def show_command(year):
    """List YEAR's special days and whether the year is confirmed."""
    row = db.session.get(calendar_store.CalendarYear, year)
    if row is not None and row.confirmed:
        click.echo(f"{year}: confirmed ({row.source})")
    else:
        click.echo(f"{year}: NOT CONFIRMED - deadlines use the weekday rule (Monday to Friday) "
                   "until the State Council notice is imported")
    for day in calendar_store.year_days(db.session, year):
        click.echo(f"{day.day} {day.day:%a} {day.kind:<8} {day.name or '-'} [{day.source}]")


@calendar.command("seed")
@with_appcontext
def seed_command():
    """Add the 2004–2026 calendar from chinese_calendar, keeping existing entries."""
    _commit_or_fail(calendar_store.seed_calendar, db.session, _now())
    click.echo("calendar seeded: 2004–2026 confirmed from chinese_calendar")


@calendar.command("hours")
@click.argument("periods", nargs=-1, required=True, metavar="HH:MM-HH:MM...")
@click.option("--area", "area_code", help="Street code; without it, the default for all.")
@with_appcontext
def hours_command(periods, area_code):
    """Set office periods, e.g. `08:30-12:00 14:00-17:30`."""
    parsed = [_period(p) for p in periods]
    _commit_or_fail(calendar_store.set_office_hours, db.session, parsed, area_code)
    click.echo(f"office hours of {area_code or 'every street without its own'}: "
               + " ".join(periods))


def _period(text: str) -> tuple[time, time]:
    start, _, end = text.partition("-")
    try:
        return time.fromisoformat(start), time.fromisoformat(end)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a period written HH:MM-HH:MM") from None


def _commit_or_fail(operation, session, *args):
    """Run an operation and commit, or roll back and exit with one line naming the problem."""
    try:
        result = operation(session, *args)
        session.commit()
    except ValueError as exc:  # NoticeError and bad kinds or periods are ValueErrors
        session.rollback()
        raise click.ClickException(str(exc)) from exc
    return result


def _now() -> datetime:
    return datetime.now(timezone.utc)
