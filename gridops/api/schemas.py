"""JSON Schemas of the API's responses, and the pydantic models' request schemas."""
from pydantic import BaseModel

from gridops.dispatch import params
from gridops.dispatch.models.incident import STATES

TEMPLATE = "#/components/schemas/{model}"


def ref(name):
    return {"$ref": TEMPLATE.format(model=name)}


def nullable(schema):
    return {"anyOf": [schema, {"type": "null"}]}


STRING, INTEGER, NUMBER, BOOLEAN = ({"type": t} for t in ("string", "integer", "number", "boolean"))
TIME = {"type": "string", "format": "date-time"}
AREA = {"type": "object", "required": ["code", "name"],
        "properties": {"code": STRING, "name": STRING}}
UNIT = {"type": "object", "required": ["code", "name", "kind"],
        "properties": {"code": STRING, "name": STRING, "kind": STRING}}
DEADLINE = {"type": "object", "required": ["kind", "state", "basis", "due_at"], "properties": {
    "kind": STRING, "state": STRING, "basis": {"enum": ["working", "natural"]},
    "limit_minutes": INTEGER, "started_at": TIME, "warn_at": TIME, "due_at": TIME,
    "paused": BOOLEAN, "ended_at": nullable(TIME)}}
EVENT = {"type": "object", "required": ["id", "action", "actor", "to_state", "at"], "properties": {
    "id": INTEGER, "action": STRING, "actor": STRING, "from_state": nullable(STRING),
    "to_state": STRING, "payload": {"type": "object"}, "at": TIME}}

INCIDENT = {
    "type": "object",
    "required": ["id", "case_number", "state", "version", "category", "lat", "lon", "grid",
                 "community", "street", "district", "deadlines"],
    "properties": {
        "id": INTEGER, "case_number": STRING, "state": {"enum": list(STATES)},
        "version": INTEGER, "source": STRING, "category": STRING, "category_name": STRING,
        "urgency": {"enum": ["normal", "urgent"]}, "triage": nullable(STRING),
        "description": STRING, "address": nullable(STRING), "lat": NUMBER, "lon": NUMBER,
        "crs": STRING, "accuracy_m": nullable(NUMBER), "location_match": STRING,
        "grid": AREA, "community": AREA, "street": AREA, "district": AREA,
        "lead_unit": nullable(UNIT), "co_units": {"type": "array", "items": UNIT},
        "due_at": nullable(TIME), "on_hold": BOOLEAN,
        "extension_request": nullable({"type": "object"}), "self_handled": BOOLEAN,
        "rework_count": INTEGER, "satisfaction": nullable(STRING), "reported_at": TIME,
        "closed_at": nullable(TIME), "deadlines": {"type": "array", "items": DEADLINE},
        "allowed_actions": {"type": "array", "items": STRING},
        "possible_duplicates": {"type": "array", "items": {
            "type": "object", "required": ["id", "case_number", "distance_m"],
            "properties": {"id": INTEGER, "case_number": STRING, "state": STRING,
                           "distance_m": NUMBER, "reported_at": TIME}}},
    },
}
DETAIL = {"allOf": [ref("Incident"), {"type": "object", "required": ["events"], "properties": {
    "events": {"type": "array", "items": EVENT}, "limits": {"type": "object"},
    "supervision_orders": {"type": "array", "items": {"type": "object"}},
    "whistles": {"type": "array", "items": {"type": "object"}},
    "closing_note": nullable(STRING), "result_note": nullable(STRING)}}]}
PROBLEM = {"type": "object", "required": ["type", "title", "status", "code", "detail"],
           "properties": {"type": STRING, "title": STRING, "status": INTEGER, "code": STRING,
                          "detail": STRING, "instance": STRING,
                          "errors": {"type": "array", "items": {"type": "object"}}}}
CATEGORY = {"type": "object", "required": ["key", "kind", "code", "name"], "properties": {
    "key": STRING, "kind": {"enum": ["event", "facility"]}, "code": STRING, "name": STRING,
    "parent": nullable(STRING), "taxonomy": STRING, "default_urgency": STRING,
    "limits": nullable({"type": "object"})}}


def listing(items):
    return {"type": "object", "required": ["items"],
            "properties": {"items": {"type": "array", "items": items}}}


def _pydantic(*models):
    schemas = {}
    for model in models:
        schema = model.model_json_schema(ref_template=TEMPLATE)
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return schemas


def components(report_model):
    """Return every component schema: responses here, requests from the pydantic models."""
    param_models = [m for m in vars(params).values()
                    if isinstance(m, type) and issubclass(m, BaseModel)
                    and m not in (BaseModel, params.Params)]
    return {
        "Incident": INCIDENT, "IncidentDetail": DETAIL, "Problem": PROBLEM,
        "IncidentPage": {"type": "object", "required": ["items", "next_cursor"], "properties": {
            "items": {"type": "array", "items": ref("Incident")},
            "next_cursor": nullable(INTEGER)}},
        "CategoryList": listing(CATEGORY),
        "UnitList": listing({"type": "object", "required": ["code", "name", "kind"],
                             "properties": {"code": STRING, "name": STRING, "kind": STRING,
                                            "area": nullable(STRING)}}),
        "Credentials": {"type": "object", "required": ["username", "password"],
                        "properties": {"username": STRING, "password": STRING}},
        "Token": {"type": "object", "required": ["token"],
                  "properties": {"token": STRING, "user": {"type": "object"}}},
        **_pydantic(report_model, *param_models),
    }
