"""`gridops open311 keys …`: issue, list and revoke the integration keys of Open311 clients."""
from datetime import datetime, timezone

import click
from flask.cli import with_appcontext

from gridops.errors import DomainError
from gridops.extensions import db
from gridops.open311 import keys
from gridops.open311.times import w3c


@click.group("open311")
def open311():
    """Administer the Open311 GeoReport v2 endpoint."""


@open311.group("keys")
def keys_group():
    """Issue, list and revoke integration keys."""


@keys_group.command("create")
@click.argument("name")
@click.option("--rate-limit", default=60, show_default=True, type=click.IntRange(1, 100000),
              help="Requests per minute the key may make.")
@with_appcontext
def create_command(name, rate_limit):
    """Issue a key for the integration NAME; the key is printed once, on the last line."""
    key = _commit_or_fail(keys.issue_key, db.session, name, rate_limit)
    click.echo(f"Key for {name.strip()} ({rate_limit} requests/minute). It is shown only now; "
               "only its hash is kept:")
    click.echo(key)


@keys_group.command("list")
@with_appcontext
def list_command():
    """List the keys: name, limit, issued, last used, revoked."""
    for row in keys.list_keys(db.session):
        state = f"revoked {w3c(row.revoked_at)}" if row.revoked_at else "active"
        click.echo(f"{row.name}\t{row.rate_limit}/min\tissued {w3c(row.created_at)}\t"
                   f"last used {w3c(row.last_used_at) or 'never'}\t{state}")


@keys_group.command("revoke")
@click.argument("name")
@with_appcontext
def revoke_command(name):
    """Revoke the key of the integration NAME at once."""
    row = _commit_or_fail(keys.revoke_key, db.session, name, datetime.now(timezone.utc))
    click.echo(f"Key {row.name} revoked {w3c(row.revoked_at)}")


def _commit_or_fail(operation, *args):
    try:
        result = operation(*args)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    return result
