"""The `gridops` command: Flask's CLI with the project's command groups."""
import click
from flask.cli import FlaskGroup


def _create_app():
    from gridops import create_app
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main():
    """Run and administer GridOps."""


def _register():
    from gridops.dispatch.calendar_cli import calendar
    main.add_command(calendar)


_register()
