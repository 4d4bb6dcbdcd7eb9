"""`gridops categories`: load a taxonomy version from a file, list the active one."""
import json
from datetime import datetime, timezone

import click
from flask.cli import with_appcontext

from gridops.dispatch.catalog import active_categories, load_taxonomy, read_taxonomy
from gridops.errors import DomainError
from gridops.extensions import db


@click.group("categories")
def categories():
    """The category taxonomy (事件 and 部件)."""


@categories.command("load")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@with_appcontext
def load(path):
    """Load a taxonomy file (the bundled classic one by default) and make it active."""
    try:
        count = load_taxonomy(db.session, read_taxonomy(path), datetime.now(timezone.utc))
    except (OSError, json.JSONDecodeError, DomainError) as error:
        db.session.rollback()
        raise click.ClickException(f"{path or 'bundled taxonomy'}: {error}") from None
    db.session.commit()
    click.echo(f"loaded {count} categories" if count else "taxonomy already loaded")


@categories.command("list")
@with_appcontext
def list_categories():
    """List the active categories with their limits."""
    for c in active_categories(db.session):
        limits = f"{c.handling_minutes}wm/{c.urgent_minutes}m" if c.parent_code else ""
        click.echo(f"{c.key}\t{c.name}\t{c.default_urgency if c.parent_code else ''}\t{limits}")
