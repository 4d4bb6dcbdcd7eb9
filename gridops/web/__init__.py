"""The server-rendered web: session login, CSRF, security headers, base templates and static
files.

`init_app` is the one call `create_app` makes; it also registers the phone form, the
resident pages and the photo routes, which build on this foundation.
"""
from datetime import timedelta

from flask import Blueprint

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/assets")

#: Flask extension settings this package relies on (given unless the app has them already);
#: GridOps's own settings are in gridops.config.
DEFAULTS = {
    # A grid worker's own phone stays signed in for months (renewed by use); logout ends it.
    "REMEMBER_COOKIE_DURATION": timedelta(days=90),
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    # The outbox may send a report hours after the page was loaded: the token lives as long as
    # the session, not an hour.
    "WTF_CSRF_TIME_LIMIT": None,
    # gridops.web.csrf decides which requests are checked.
    "WTF_CSRF_CHECK_DEFAULT": False,
}


def init_app(app):
    """Set defaults, start CSRF protection and register the web, phone and photo routes."""
    from gridops import phone, photos
    from gridops.web import csrf, filters, guard, headers, remember, views  # noqa: F401

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config.get("SESSION_COOKIE_SECURE"))
    # Role -> endpoint after sign-in; other packages (the console) add their roles here.
    app.config.setdefault("GRIDOPS_LANDING", {"grid_worker": "phone.report"})
    headers.init_app(app)
    csrf.init_app(app)
    guard.init_app(app)
    filters.init_app(app)
    remember.init_app(app)
    app.register_blueprint(bp)
    app.register_blueprint(photos.bp)
    phone.init_app(app)
