"""The RQ dashboard (rq-dashboard), mounted under the admin pages for admins only.

rq-dashboard has no access control of its own: every request to its blueprint passes the
admin check here first. Its buttons post with jQuery and send the `X-CSRFToken` header from a
cookie named `_csrf_token` when there is one, so the dashboard's pages hand it our token in
that cookie, readable by script (as the token in every page's meta tag is), limited to the
dashboard's path.
"""
import rq_dashboard
from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq_dashboard.web import setup_rq_connection

from gridops.web.problems import problem

URL_PREFIX = "/console/admin/rq"
BLUEPRINT = rq_dashboard.blueprint.name
#: The cookie rq-dashboard's script reads its CSRF token from.
TOKEN_COOKIE = "_csrf_token"


def init_app(app):
    """Mount the dashboard on the app's Redis, behind the admin check."""
    # Set before rq-dashboard reads the config: it would otherwise warn about REDIS_URL.
    app.config.setdefault("RQ_DASHBOARD_REDIS_URL", app.config["REDIS_URL"])
    app.config.setdefault("RQ_DASHBOARD_POLL_INTERVAL", 5000)
    setup_rq_connection(app)
    app.register_blueprint(rq_dashboard.blueprint, url_prefix=URL_PREFIX)
    app.before_request(admins_only)
    app.after_request(hand_token)
    app.register_error_handler(NoSuchJobError, job_gone)
    app.register_error_handler(InvalidJobOperation, job_not_failed)


def admins_only():
    """Refuse the dashboard to anyone but a signed-in admin."""
    if request.blueprint != BLUEPRINT:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
    if current_user.role != "admin":
        return render_template("web/error.html", title=_("Not available"),
                               message=_("The job dashboard is for admins only.")), 403
    if request.endpoint == f"{BLUEPRINT}.requeue_all" and request.method != "POST":
        abort(405)  # it changes state: never on a GET a link could trigger
    return None


def hand_token(response):
    """Give the dashboard's pages the CSRF token its buttons send back."""
    if request.blueprint == BLUEPRINT and response.mimetype == "text/html":
        response.set_cookie(TOKEN_COOKIE, generate_csrf(), path=URL_PREFIX, httponly=False,
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
                            samesite="Strict")
    return response


# rq-dashboard lets these through as 500s: a job another admin just deleted, or one that has
# not failed and so cannot be requeued. Its pages are in English, so are rq's messages.
def job_gone(error):
    return problem(404, "not_found", str(error))


def job_not_failed(error):
    return problem(409, "conflict", str(error))
