"""The GeoReport v2 resources. Each view reads its parameters, calls one function, commits
when it wrote, and renders; every resource answers with and without a .json/.xml suffix."""
from datetime import datetime, timezone

from flask import current_app, url_for

from gridops.api.locating import locator_for
from gridops.extensions import db
from gridops.open311 import bp
from gridops.open311.access import integration_key, key_limit
from gridops.open311.discovery import discovery_document
from gridops.open311.errors import NotFound
from gridops.open311.handlers import current_params
from gridops.open311.query import find_requests, incident_by_number, incident_by_token, read_query
from gridops.open311.render import render, response_format, split_suffix
from gridops.open311.serialize import request_list
from gridops.open311.services import service_definition, service_list
from gridops.open311.submit import receipt, submit_request


def now():
    """Return the current time (tests replace it)."""
    return datetime.now(timezone.utc)


def collection(rule, endpoint, methods=("GET",)):
    """Register a view at `rule` and at `rule.<fmt>`."""
    def register(view):
        for path in (rule, rule + ".<fmt>"):
            bp.add_url_rule(path, endpoint, view, methods=list(methods))
        return view
    return register


@bp.get("/")
@collection("/discovery", "discovery")
def discovery(fmt=None):
    """Show where the endpoint is, its formats and how to get a key."""
    url = url_for("open311.services", _external=True).rsplit("/", 1)[0]
    body = discovery_document(db.session, current_app.config, url)
    return render(body, "discovery", response_format())


@collection("/services", "services")
def services(fmt=None):
    """List the services: every active sub-category."""
    return render(service_list(db.session), "services", response_format())


@bp.get("/services/<name>")
def service(name):
    """Show a service's definition: the attributes a report takes."""
    code, _ = split_suffix(name)
    return render(service_definition(db.session, code), "service_definition", response_format())


@collection("/requests", "create_request", methods=("POST",))
@key_limit
def create_request(fmt=None):
    """Report an incident with an integration key; answer its service_request_id."""
    params, moment = current_params(), now()
    key = integration_key(required=True, now=moment)
    incident, _ = submit_request(db.session, params, key, moment,
                                 locator_for(current_app, db.session).locate)
    db.session.commit()
    return render([receipt(db.session, incident, params)], "service_requests", response_format())


@collection("/requests", "requests")
@key_limit
def list_requests(fmt=None):
    """List the requests the filters select, newest first."""
    params, moment = current_params(), now()
    key = integration_key(required=False, now=moment)
    query = read_query(params, moment)
    body = request_list(db.session, find_requests(db.session, query), query.extensions)
    _commit_if(key)
    return render(body, "service_requests", response_format())


@bp.get("/requests/<name>")
@bp.get("/request/<name>")  # the path of the GeoReport swagger.json
@key_limit
def request_by_id(name):
    """Show one request, as a list of one."""
    params = current_params()
    key = integration_key(required=False, now=now())
    number, _ = split_suffix(name)
    incident = incident_by_number(db.session, number)
    if incident is None:
        raise NotFound(f"service_request_id {number!r} was not found.")
    body = request_list(db.session, [incident], params.flag("extensions"))
    _commit_if(key)
    return render(body, "service_requests", response_format())


@bp.get("/tokens/<name>")
def token(name):
    """Resolve a tracking token to its service_request_id."""
    value, _ = split_suffix(name)
    incident = incident_by_token(db.session, value)
    if incident is None:
        raise NotFound(f"token {value!r} was not found.")
    body = [{"service_request_id": incident.case_number, "token": value}]
    return render(body, "service_requests", response_format())


def _commit_if(key):
    # A key on a read only records when it was last used.
    if key is not None:
        db.session.commit()
