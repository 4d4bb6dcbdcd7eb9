"""GridOps: grid-management incident dispatch (网格化管理事件调度)."""
from flask import Flask

from gridops import config as config_module
from gridops.extensions import babel, db, login, migrate


def create_app(overrides=None):
    """Create the app: configuration, extensions, blueprints and error handlers."""
    app = Flask(__name__)
    app.config.from_mapping(config_module.from_environment())
    app.config.from_mapping(overrides or {})

    import gridops.models  # noqa: F401  (every table known before init)
    db.init_app(app)
    migrate.init_app(app, db, directory=_migrations_dir())
    login.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)

    from gridops import api, auth
    from gridops.geo import cache as locator_cache
    locator_cache.init_app(app)
    from gridops.dispatch import timers
    timers.init_app(app)
    app.register_blueprint(api.bp)
    auth.init_app(app)
    return app


def _migrations_dir():
    from pathlib import Path
    return str(Path(__file__).resolve().parent.parent / "migrations")


def _select_locale():
    from flask import request
    return request.accept_languages.best_match(["zh_CN", "zh", "en"]) or "zh_CN"
