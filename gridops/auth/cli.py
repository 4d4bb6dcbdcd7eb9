"""`gridops users`: create users with a role, scope and optional API token."""
import click
from flask.cli import with_appcontext
from sqlalchemy import select

from gridops.auth.models import ROLES, User
from gridops.auth.operations import create_user
from gridops.auth.passwords import hash_password
from gridops.auth.runtime_role import APPEND_ONLY, grant_runtime
from gridops.auth.tokens import issue_token
from gridops.errors import DomainError
from gridops.extensions import db


@click.group("users")
def users():
    """Manage users, their roles, scopes and tokens."""


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--area", "areas", multiple=True, help="Area code in the user's scope (repeatable).")
@click.option("--unit", help="Unit code a department user acts for.")
@click.option("--name", help="Display name (default: the username).")
@click.option("--password", help="Password for the web UIs (default: none, token only).")
@click.option("--token", is_flag=True, help="Issue an API token; it is the last line printed.")
@with_appcontext
def create(username, role, areas, unit, name, password, token):
    """Create USERNAME with a role and scope."""
    try:
        user, issued = create_user(db.session, username, role, areas, unit, name,
                                   password and hash_password(password), token)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"created {user.username} ({user.role})")
    if issued:
        click.echo(issued)


@users.command("list")
@with_appcontext
def list_users():
    """List users with their role, unit and areas."""
    for user in db.session.scalars(select(User).order_by(User.username)):
        areas = ",".join(link.area_code for link in user.area_links)
        unit = user.unit.code if user.unit else "-"
        click.echo(f"{user.username}\t{user.role}\t{unit}\t{areas or '-'}")


@users.command("token")
@click.argument("username")
@with_appcontext
def token(username):
    """Issue an API token for USERNAME; it is the last line printed."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    issued = issue_token(db.session, user)
    db.session.commit()
    click.echo(issued)


@click.command("grant-runtime")
@click.argument("role")
@with_appcontext
def grant_runtime_command(role):
    """Grant ROLE what the web app and workers need, and no more (run as the owner of the
    tables, after every upgrade)."""
    try:
        with db.engine.begin() as connection:
            grant_runtime(connection, role)
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{role} may read and write rows; on {', '.join(APPEND_ONLY)} only read and "
               "insert")
