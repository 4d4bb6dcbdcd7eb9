"""The `gridops` command: Flask's CLI, whose command groups `create_app` registers.

`gridops X` and `flask --app gridops X` are the same command.
"""
import click
from flask.cli import FlaskGroup


def _create_app():
    from gridops import create_app
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main():
    """Run and administer GridOps."""


def register_commands(app):
    """Add the project's command groups to the app's CLI."""
    from flask_migrate.cli import db

    from gridops.auth.cli import grant_runtime_command, users
    from gridops.demo import demo
    from gridops.dispatch.calendar_cli import calendar
    from gridops.dispatch.catalog_cli import categories
    from gridops.geo.cli import grids
    from gridops.open311.cli import open311
    from gridops.dispatch.sla_cli import sla
    from gridops.reports.cli import report
    for group in (users, calendar, categories, sla, grids, demo, open311, report):
        app.cli.add_command(group)
    db.add_command(grant_runtime_command)  # `gridops db grant-runtime`, next to `db upgrade`
