"""RFC 9457 problem responses for the web's JSON endpoints, and the answer to a database outage."""
from flask import current_app, jsonify, make_response, request
from flask_babel import gettext as _

PROBLEM_TYPE = "https://gridops.example/problems/"
#: Seconds a client is asked to wait while the database restarts (`Retry-After`).
RETRY_AFTER_SECONDS = 5


def problem(status, code, detail, **extra):
    """Return a problem+json response with a stable machine `code` and a readable `detail`."""
    response = jsonify({"type": PROBLEM_TYPE + code, "title": code.replace("_", " "),
                        "status": status, "code": code, "detail": detail,
                        "instance": request.path, **extra})
    response.status_code, response.mimetype = status, "application/problem+json"
    return response


def unavailable_detail():
    """Return what a person is told while PostgreSQL cannot be reached."""
    return _("GridOps cannot reach its database just now, usually for a few seconds while it "
             "restarts. Please try again in a moment.")


def database_unavailable(as_json):
    """Answer 503 while PostgreSQL cannot be reached: problem+json, or a page for people.

    The page is rendered without the app's context processors: Flask-Login's would load the
    signed-in user from the database that is down. A page that was only read reloads itself.
    """
    if as_json:
        response = problem(503, "database_unavailable", unavailable_detail())
    else:
        page = current_app.jinja_env.get_template("web/unavailable.html").render(
            message=unavailable_detail(),
            reload_after=RETRY_AFTER_SECONDS if request.method == "GET" else None)
        response = make_response(page, 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
