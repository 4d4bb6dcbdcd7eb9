"""GridOps: grid-management incident dispatch (网格化管理事件调度)."""
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from gridops import config as config_module

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


class IdConverter(IntegerConverter):
    """`int` in URLs: 0 to 2^31 - 1, PostgreSQL's integer."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(overrides=None):
    """Create the app: configuration, extensions, blueprints and error handlers."""
    from gridops import (api, auth, cli, console, i18n, models, open311,  # noqa: F401
                         ops, reports, web)
    from gridops.dispatch import timers
    from gridops.extensions import db, login, migrate
    from gridops.geo import cache as locator_cache
    from gridops.web import limits

    app = Flask(__name__)
    # Before any blueprint adds its rules: every <int:…> id in a URL stops at what an integer
    # column holds, so a larger number is not found (404) instead of a database error (500).
    app.url_map.converters["int"] = IdConverter
    app.config.from_mapping(config_module.from_environment())
    app.config.from_mapping(overrides or {})
    if app.config["GRIDOPS_TRUSTED_PROXIES"]:
        hops = app.config["GRIDOPS_TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS)
    login.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    locator_cache.init_app(app)
    timers.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(open311.bp)
    web.init_app(app)
    console.init_app(app)
    reports.init_app(app)
    ops.init_app(app)
    limits.init_app(app)  # after every blueprint: it limits the views marked `limited`
    cli.register_commands(app)
    return app
