"""Languages: Chinese by default, English on request (Accept-Language)."""
from flask import request
from flask_babel import refresh

from gridops.extensions import babel

LANGUAGES = ["zh", "en"]


def select_locale():
    """Return the request's language: the best Accept-Language match, else Chinese."""
    return request.accept_languages.best_match(LANGUAGES) or "zh"


def init_app(app):
    """Bind Flask-Babel to the app with our locale selector."""
    babel.init_app(app, locale_selector=select_locale)

    @app.teardown_request
    def forget_locale(_error=None):
        # Flask-Babel caches the locale on `g`; a reused app context must not keep it.
        refresh()
