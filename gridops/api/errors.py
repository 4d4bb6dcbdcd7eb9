"""Map domain errors to RFC 9457 problem responses with a stable machine code."""
from flask import jsonify, request
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from gridops.api import bp
from gridops.errors import DomainError
from gridops.extensions import db
from gridops.geo.errors import GeoError
from gridops.web import problems as web_problems
from gridops.web.csrf import wants_json

PROBLEM_TYPE = "https://gridops.example/problems/"


def problem(status, code, detail, **extra):
    """Return a problem+json response."""
    body = {"type": PROBLEM_TYPE + code, "title": code.replace("_", " "), "status": status,
            "code": code, "detail": detail, "instance": request.path, **extra}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


#: HTTP status of each domain error code; anything else refused is 422.
STATUS = {"validation_error": 400, "invalid_coordinates": 400, "unauthorized": 401,
          "unsupported_media_type": 415,
          "forbidden": 403,
          "not_found": 404, "version_conflict": 409, "storage_full": 507}


@bp.errorhandler(DomainError)
def domain_error(error):
    db.session.rollback()  # a refusal leaves nothing half-done behind
    return problem(STATUS.get(error.code, 422), error.code, error.message(), **error.extra)


@bp.errorhandler(GeoError)
def geo_error(error):
    db.session.rollback()
    return problem(STATUS.get(error.code, 422), error.code, error.message)


@bp.app_errorhandler(HTTPException)
def http_error(error):
    if not request.path.startswith(bp.url_prefix):
        return error
    code = HTTP_CODES.get(error.code, "http_error")
    response = problem(error.code, code, _(HTTP_DETAILS.get(code, error.description)))
    for name, value in error.get_headers():  # such as Allow, which RFC 9110 requires on 405
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type",
              429: "too_many_requests"}
HTTP_DETAILS = {
    "bad_request": "The request could not be read.",
    "unauthorized": "Sign in or send a valid bearer token.",
    "not_found": "No such resource.",
    "method_not_allowed": "This method is not allowed here.",
    "payload_too_large": "The request body is too large.",
    "too_many_requests": "Too many requests; try again after Retry-After seconds.",
}


@bp.app_errorhandler(OperationalError)
@bp.app_errorhandler(PoolTimeout)
def database_unavailable(error):
    """Answer 503 on every page while PostgreSQL is down, restarting or out of connections.

    OperationalError is what the driver raises when it cannot reach the server or loses it
    mid-request (DB-API: "not under the control of the programmer"); the pool, pinging each
    connection before use, replaces the dead ones once the server is back.
    """
    if request.path.startswith(bp.url_prefix):
        response = problem(503, "database_unavailable", web_problems.unavailable_detail())
        response.headers["Retry-After"] = str(web_problems.RETRY_AFTER_SECONDS)
        return response
    if request.blueprint == "open311":
        from gridops.open311.handlers import errors_response
        return errors_response(503, [web_problems.unavailable_detail()],
                               {"Retry-After": str(web_problems.RETRY_AFTER_SECONDS)})
    return web_problems.database_unavailable(wants_json())
