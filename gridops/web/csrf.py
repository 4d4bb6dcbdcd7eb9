"""CSRF protection for every request a browser's cookies could authenticate.

A form or fetch that rides on the session or remember-me cookie must carry the token (form
field `csrf_token` or header `X-CSRFToken`). Callers that authenticate with something a
foreign page cannot make a browser send — a bearer token, an Open311 api_key — are not
checked, so the JSON API and Open311 stay usable from scripts.
"""
from flask import current_app, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect

from gridops.web.problems import problem

csrf = CSRFProtect()

#: Blueprints whose callers authenticate with a key in the request, never with cookies.
KEY_AUTHENTICATED = {"open311"}
#: Blueprints whose callers may use cookies or a bearer token: checked only with cookies.
COOKIE_OPTIONAL = {"api"}
#: Endpoints that re-render their form, text kept, when the token fails: endpoint -> callable.
RECOVERY = {}


def init_app(app):
    """Bind Flask-WTF and check each request by the rules above."""
    csrf.init_app(app)
    app.before_request(check_request)
    app.teardown_request(forget_token)
    app.register_error_handler(CSRFError, refused)


def forget_token(_error=None):
    # Flask-WTF keeps the token on `g`, which lives as long as the app context; a context
    # reused across requests (tests, CLI) must not hand one session's token to another.
    g.pop(current_app.config["WTF_CSRF_FIELD_NAME"], None)
    g.pop("csrf_valid", None)


def check_request():
    if needs_check():
        csrf.protect()


def needs_check():
    """Return whether the current request must carry a valid CSRF token."""
    if request.method not in current_app.config["WTF_CSRF_METHODS"]:
        return False
    if request.blueprint in KEY_AUTHENTICATED:
        return False
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        # A page on another site cannot add this header without a CORS preflight we refuse.
        return False
    if request.blueprint in COOKIE_OPTIONAL:
        return has_login_cookie()
    return True


def has_login_cookie():
    config = current_app.config
    names = (config.get("SESSION_COOKIE_NAME", "session"),
             config.get("REMEMBER_COOKIE_NAME", "remember_token"))
    return any(name in request.cookies for name in names)


def recovers(endpoint):
    """Register the decorated function to answer a failed token on `endpoint` (keeps input)."""
    def register(function):
        RECOVERY[endpoint] = function
        return function
    return register


def refused(error):
    """Answer a missing or stale token readably: JSON for scripts, the form again for people."""
    message = _("This page has expired or came from another site. Please send it again.")
    if wants_json():
        return problem(400, "csrf_failed", message)
    if request.endpoint in RECOVERY:
        return RECOVERY[request.endpoint](message), 400
    return render_template("web/error.html", title=_("Please try again"), message=message,
                           back=request.referrer), 400


def wants_json():
    """Return whether the caller is a script (fetch, API client) rather than a page."""
    return (request.is_json or request.path.startswith("/api/")
            or request.accept_mimetypes.best == "application/json")
