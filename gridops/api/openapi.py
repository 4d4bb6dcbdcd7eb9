"""The OpenAPI 3.1 document of /api/v1, built from the same pydantic models and transition
table the API runs on, so it cannot drift from the code."""

from gridops.api import bp
from gridops.api.schemas import TEMPLATE, components, ref
from gridops.dispatch.intake import Report
from gridops.dispatch.transitions import ACTIONS, TABLE

EXTRA_PATHS = []  #: (path, method, operation) added by other API modules (geo, whistles)
#: An id in a path: what the id columns hold (gridops.api.ID); a larger one is not found.
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
VERSION = {"type": "integer", "description": "The version of the case you saw; another -> 409"}


def problem_responses(*statuses):
    described = {400: "Invalid input", 401: "No valid credentials", 403: "Outside role or scope",
                 404: "Not found", 409: "Version conflict", 413: "Body too large",
                 415: "Not JSON", 422: "Refused by the rules",
                 429: "Too many failed sign-ins; see Retry-After",
                 503: "Database unreachable just now; see Retry-After"}
    return {str(s): {"description": described[s], "content": {
        "application/problem+json": {"schema": ref("Problem")}}} for s in statuses}


def json_body(schema):
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def ok(schema, status=200, description="OK"):
    return {str(status): {"description": description,
                          "content": {"application/json": {"schema": schema}}}}


def action_operation(action):
    rows = [row for (state, a), row in TABLE.items() if a == action]
    row = rows[0]
    states = ", ".join(sorted({r.state for r in rows}))
    roles = ", ".join(sorted({role for r in rows for role in r.roles}))
    return {"operationId": f"action_{action}", "tags": ["actions"],
            "summary": row.summary,
            "description": f"Allowed in: {states}. Roles: {roles}.",
            "parameters": [_id_param()], "requestBody": json_body(action_body(row.params)),
            "responses": {**ok(ref("IncidentDetail")),
                          **problem_responses(400, 401, 403, 404, 409, 415, 422)}}


def action_body(params):
    """Return the body of an action: its fields plus the version of the case the caller saw.

    The fields forbid anything extra, so `version` joins them rather than an allOf beside
    them, which no body could satisfy."""
    schema = params.model_json_schema(ref_template=TEMPLATE)
    schema.pop("$defs", None)  # the components hold them
    schema["properties"] = {"version": VERSION, **schema["properties"]}
    schema["required"] = ["version", *schema.get("required", [])]
    return schema


def _id_param():
    return {"name": "incident_id", "in": "path", "required": True, "schema": ID_SCHEMA}


def _query(name, description, schema=None, required=False):
    return {"name": name, "in": "query", "required": required, "description": description,
            "schema": schema or {"type": "string"}}


def paths():
    doc = {
        "/tokens": {"post": {
            "operationId": "create_token", "tags": ["auth"], "security": [],
            "summary": "Trade a username and password for a bearer token",
            "requestBody": json_body(ref("Credentials")),
            "responses": {**ok(ref("Token"), 201, "Created"),
                          **problem_responses(400, 401, 415, 429)}}},
        "/incidents": {
            "post": {"operationId": "report_incident", "tags": ["incidents"],
                     "summary": "Report an incident; a repeated client_id returns the same case",
                     "requestBody": json_body(ref("Report")),
                     "responses": {**ok(ref("Incident"), 201, "Created"),
                                   **ok(ref("Incident"), 200, "Already reported (same client_id)"),
                                   **problem_responses(400, 401, 413, 415, 422)}},
            "get": {"operationId": "list_incidents", "tags": ["incidents"],
                    "summary": "List the cases in your scope, newest first",
                    "parameters": [
                        _query("state", "Comma list of states"),
                        _query("area", "Area code at any level"),
                        _query("unit", "Lead unit code"),
                        _query("category", "Category or class key, e.g. event:01"),
                        _query("overdue", "true: only cases past their current deadline"),
                        _query("page_size", "Items per page (1–500)",
                               {"type": "integer", "minimum": 1, "maximum": 500}),
                        _query("cursor", "next_cursor of the previous page (a keyset cursor: "
                               "the next page costs what the first does)",
                               {"type": "integer", "minimum": 1, "maximum": 2**31 - 1})],
                    "responses": {**ok(ref("IncidentPage")), **problem_responses(400, 401)}}},
        "/incidents/{incident_id}": {"get": {
            "operationId": "get_incident", "tags": ["incidents"],
            "summary": "Read a case with its events, deadlines and your allowed actions",
            "parameters": [_id_param()],
            "responses": {**ok(ref("IncidentDetail")), **problem_responses(401, 404)}}},
        "/categories": {"get": {"operationId": "categories", "tags": ["reference"],
                                "summary": "The active category taxonomy with its limits",
                                "responses": {**ok(ref("CategoryList")),
                                              **problem_responses(401)}}},
        "/units": {"get": {"operationId": "units", "tags": ["reference"],
                           "summary": "Units that receive work",
                           "responses": {**ok(ref("UnitList")), **problem_responses(401)}}},
        "/openapi.json": {"get": {"operationId": "openapi", "tags": ["meta"], "security": [],
                                  "summary": "This document",
                                  "responses": ok({"type": "object"})}},
    }
    doc["/incidents/{incident_id}/actions/{action}"] = {"post": {
        "operationId": "act", "tags": ["actions"],
        "summary": "Apply an action; each action's own path documents its fields",
        "parameters": [_id_param(), {"name": "action", "in": "path", "required": True,
                                     "schema": {"enum": ACTIONS}}],
        "requestBody": json_body({"type": "object", "required": ["version"]}),
        "responses": {**ok(ref("IncidentDetail")),
                      **problem_responses(400, 401, 403, 404, 409, 415, 422)}}}
    for action in ACTIONS:
        doc[f"/incidents/{{incident_id}}/actions/{action}"] = {"post": action_operation(action)}
    for path, method, operation in EXTRA_PATHS:
        doc.setdefault(path, {})[method] = operation
    return doc


def with_common_responses(doc):
    """Add the answers any operation may give to each: 400 for input no view can use
    (gridops.api.guards), 413 for a body over the limit, 503 while the database is down."""
    for operations in doc.values():
        for operation in operations.values():
            if operation["operationId"] == "openapi":
                continue  # it reads no input and no database
            statuses = (400, 413, 503) if "requestBody" in operation else (400, 503)
            operation["responses"] = dict(sorted(
                {**problem_responses(*statuses), **operation["responses"]}.items()))
    return doc


def document():
    """Return the OpenAPI 3.1 document."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "GridOps API", "version": "1",
                 "description": "Grid-management incident dispatch: the closed loop "
                                "发现 → 甄别 → 交办 → 办理 → 督办 → 评价."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": with_common_responses(paths()),
        "components": {"schemas": components(Report),
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


@bp.get("/openapi.json")
def openapi():
    return document()
