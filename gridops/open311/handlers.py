"""Every refusal under /open311/v2 as the spec's errors list, in the format asked for.

Domain errors keep their meaning: an unknown service or case is 404, a wrong key 403, anything
else the request cannot do (bad coordinates, a point outside every grid, a malformed field) 400.
"""
from flask import current_app, g, request
from werkzeug.exceptions import HTTPException, default_exceptions

from gridops.errors import DomainError
from gridops.geo.errors import GeoError
from gridops.open311 import bp
from gridops.open311.errors import MethodNotAllowed, NotFound, Open311Error
from gridops.open311.params import Params, check_jurisdiction
from gridops.open311.render import error_format, render, response_format

STATUS = {"not_found": 404, "unknown_category": 404, "unknown_reference": 404,
          "forbidden": 403, "unauthorized": 403}
#: Our field names in intake's messages, as an Open311 client knows them.
FIELDS = {"lon": "long", "category": "service_code", "address": "address_string",
          "reporter_phone": "phone", "reporter_name": "first_name/last_name",
          "client_id": "attribute[client_id]", "crs": "attribute[crs]",
          "urgency": "attribute[urgency]"}


def errors_response(status, descriptions, headers=None):
    """Return the spec's errors list: one {code, description} per problem."""
    body = [{"code": status, "description": text} for text in descriptions]
    return render(body, "errors", error_format(), status, headers)


@bp.before_request
def read_params():
    """Refuse an unknown format or jurisdiction before anything runs; read the parameters."""
    response_format()
    g.open311_params = Params.from_request()
    check_jurisdiction(g.open311_params, current_app.config)


def current_params():
    """Return the parameters `read_params` read for this request."""
    return g.open311_params


@bp.errorhandler(Open311Error)
def open311_error(error):
    """Answer a refusal of ours with its status and descriptions."""
    return errors_response(error.status, error.descriptions, error.headers)


@bp.errorhandler(DomainError)
def domain_error(error):
    """Answer a domain refusal: one description per bad field, named as the client sent it."""
    problems = error.extra.get("errors") if isinstance(error.extra, dict) else None
    if isinstance(problems, list) and problems:
        descriptions = [f"{FIELDS.get(p.get('field'), p.get('field'))}: {p.get('problem')}"
                        for p in problems]
    else:
        descriptions = [error.message()]
    return errors_response(STATUS.get(error.code, 400), descriptions)


@bp.errorhandler(GeoError)
def geo_error(error):
    """Answer bad coordinates or a point outside every grid with a 400."""
    return errors_response(400, [error.message])


@bp.errorhandler(HTTPException)
def http_error(error):
    """Answer an HTTP error (a body too large, a malformed form) as an errors list."""
    return errors_response(error.code or 400, [error.description])


# By status code too: an app-wide handler for one code (an HTML 404 or 413 page) would
# otherwise win over the blueprint's handler for every HTTPException.
for _code in default_exceptions:
    bp.register_error_handler(_code, http_error)


@bp.route("/<path:anything>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown_resource(anything):
    """Answer a path no resource matches (404) or a method it does not take (405)."""
    allowed = _other_methods()
    if allowed:
        raise MethodNotAllowed(f"{request.method} is not allowed here; use "
                               f"{' or '.join(allowed)}.",
                               headers={"Allow": ", ".join(allowed)})
    raise NotFound(f"No resource at {request.path}: see {bp.url_prefix}/discovery.json.")


def _other_methods():
    # Rules more specific than this catch-all match first, so a match here for another
    # method means the path exists and only the method is wrong.
    urls = current_app.url_map.bind_to_environ(request.environ)
    found = []
    for method in ("GET", "POST"):
        try:
            endpoint, _ = urls.match(method=method)
        except HTTPException:
            continue
        if endpoint != request.endpoint and method != request.method:
            found.append(method)
    return found
