"""`gridops sla …`: show the time limits in force, set or remove one.

A change applies to clocks started afterwards; every case keeps the limits it was given.
"""
import click
from flask.cli import with_appcontext
from sqlalchemy import select

from gridops.dispatch.models import Category, SlaLimit
from gridops.dispatch.models.sla import SLA_STEPS
from gridops.dispatch.sla import DEFAULT_LIMITS
from gridops.extensions import db

_BASIS = click.Choice(["working", "natural"])
_URGENCY = click.Choice(["normal", "urgent"])


@click.group("sla")
def sla():
    """Show and edit the SLA policy: time limits per step, category and urgency."""


@sla.command("show")
@click.option("--step", type=click.Choice(SLA_STEPS), help="Only this step.")
@with_appcontext
def show_command(step):
    """List the built-in defaults and the limits set by an admin (the most specific wins)."""
    click.echo(f"{'step':<13} {'category':<14} {'urgency':<8} {'minutes':>8}  basis    source")
    for (row_step, urgency), limit in DEFAULT_LIMITS.items():
        if step in (None, row_step):
            click.echo(_line(row_step, None, urgency, limit.minutes, limit.basis, "built-in"))
    query = select(SlaLimit).order_by(SlaLimit.step, SlaLimit.category_kind,
                                      SlaLimit.category_code, SlaLimit.urgency)
    for row in db.session.scalars(query.where(SlaLimit.step == step) if step else query):
        category = f"{row.category_kind}:{row.category_code}" if row.category_code else None
        click.echo(_line(row.step, category, row.urgency, row.minutes, row.basis, "set"))


@sla.command("set")
@click.argument("step", type=click.Choice(SLA_STEPS), metavar="STEP")
@click.argument("minutes", type=click.IntRange(1, 366 * 24 * 60))
@click.option("--basis", type=_BASIS, required=True,
              help="working: office time (工作时); natural: the clock on the wall.")
@click.option("--category", "category_key", metavar="KIND:CODE",
              help="Narrow to a class or sub-category, e.g. event:0102 or event:04.")
@click.option("--urgency", type=_URGENCY, help="Narrow to normal or urgent cases.")
@with_appcontext
def set_command(step, minutes, basis, category_key, urgency):
    """Set STEP's limit to MINUTES, for every case or the category and urgency given."""
    kind, code = _category(category_key)
    row = db.session.scalar(_row_query(step, kind, code, urgency))
    if row is None:
        row = SlaLimit(step=step, category_kind=kind, category_code=code, urgency=urgency)
        db.session.add(row)
    row.minutes, row.basis = minutes, basis
    db.session.commit()
    click.echo(f"{step} {_scope(category_key, urgency)}: {minutes} {basis} minutes "
               "(clocks started from now on)")
    if urgency == "urgent" and basis == "working":
        click.echo("note: urgent cases usually count natural time", err=True)


@sla.command("unset")
@click.argument("step", type=click.Choice(SLA_STEPS), metavar="STEP")
@click.option("--category", "category_key", metavar="KIND:CODE", help="The category it names.")
@click.option("--urgency", type=_URGENCY, help="The urgency it names.")
@with_appcontext
def unset_command(step, category_key, urgency):
    """Remove a limit set earlier; the next most specific one applies again."""
    kind, code = _category(category_key)
    row = db.session.scalar(_row_query(step, kind, code, urgency))
    if row is None:
        raise click.ClickException(f"no limit is set for {step} {_scope(category_key, urgency)}")
    db.session.delete(row)
    db.session.commit()
    click.echo(f"{step} {_scope(category_key, urgency)}: removed")


def _category(key):
    """Return (kind, code) of an existing category key, (None, None) without one."""
    if key is None:
        return None, None
    kind, _, code = key.partition(":")
    if not code or db.session.scalar(select(Category.id).where(
            Category.kind == kind, Category.code == code, Category.retired_at.is_(None))
            .limit(1)) is None:
        raise click.ClickException(f"unknown category {key!r}: use a key such as event:0102")
    return kind, code


def _row_query(step, kind, code, urgency):
    return select(SlaLimit).where(
        SlaLimit.step == step, SlaLimit.category_kind.is_not_distinct_from(kind),
        SlaLimit.category_code.is_not_distinct_from(code),
        SlaLimit.urgency.is_not_distinct_from(urgency))


def _scope(category_key, urgency):
    return f"[{category_key or 'every category'}, {urgency or 'any urgency'}]"


def _line(step, category, urgency, minutes, basis, source):
    return (f"{step:<13} {category or '*':<14} {urgency or '*':<8} {minutes:>8}  "
            f"{basis:<8} {source}")
