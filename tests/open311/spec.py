"""What the GeoReport v2 specification says a response looks like, checked on every response.

JSON is validated against the schemas of the open311/schema-validation project (in the shared
`open311-schemas` folder; OPEN311_SCHEMAS overrides where), the POST and token responses
against that project's swagger.json definitions. XML is checked against the element names the
specification's tables give, and against the JSON it must mirror (the Spark convention).
"""
import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

PREFIX = "/open311/v2"
SCHEMAS = Path(os.environ.get(
    "OPEN311_SCHEMAS", Path(__file__).resolve().parents[3] / "shared" / "open311-schemas"))
W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'

REQUEST = {"service_request_id", "status", "status_notes", "service_name", "service_code",
           "description", "agency_responsible", "service_notice", "requested_datetime",
           "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
           "long", "media_url"}
#: Root, item element, the fields an item may hold, and those it must hold.
XML_SHAPES = {
    "services": ("services", "service", {"service_code", "service_name", "description",
                                         "metadata", "type", "keywords", "group"},
                 {"service_code", "service_name", "metadata", "type"}),
    "requests": ("service_requests", "request", REQUEST | {"extended_attributes", "notes"},
                 {"service_request_id", "status", "service_code", "requested_datetime"}),
    "receipt": ("service_requests", "request",
                {"service_request_id", "token", "service_notice", "account_id"}, set()),
    "token": ("service_requests", "request", {"service_request_id", "token"},
              {"service_request_id", "token"}),
    "errors": ("errors", "error", {"code", "description"}, {"code", "description"}),
}
ATTRIBUTE = {"variable", "code", "datatype", "required", "datatype_description", "order",
             "description", "values"}
ENDPOINT = {"specification", "url", "changeset", "type", "formats"}
#: Elements that hold a list, in the XML of every resource we serve.
PLURALS = {"services", "service_requests", "errors", "attributes", "values", "endpoints",
           "formats", "notes", "deadlines", "units", "co_agencies"}


def _format_checker():
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("date-time")(lambda value: not isinstance(value, str) or bool(W3C.match(value)))
    checker.checks("uri")(lambda value: not isinstance(value, str)
                          or bool(urlsplit(value).scheme and urlsplit(value).netloc))
    return checker


def _validators():
    if not SCHEMAS.is_dir():
        pytest.fail(f"GeoReport v2 schemas not found at {SCHEMAS}: set OPEN311_SCHEMAS")
    documents = {path.name: json.loads(path.read_text()) for path in SCHEMAS.glob("*.json")}
    registry = Registry().with_resources(
        (name, Resource.from_contents(doc, default_specification=DRAFT4))
        for name, doc in documents.items())
    checker = _format_checker()

    def validator(schema):
        return jsonschema.Draft4Validator(schema, registry=registry, format_checker=checker)

    def swagger_list(definition):
        return validator({"type": "array", "items": {
            "$ref": f"swagger.json#/definitions/{definition}"}})

    return {
        "services": validator(documents["services.json"]),
        "service_definition": validator(documents["service-definition.json"]),
        "requests": validator(documents["requests.json"]),
        "receipt": swagger_list("RequestResponse"),
        "token": swagger_list("TokenResponse"),
        "errors": validator({"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["code", "description"], "additionalProperties": False,
            "properties": {"code": {"type": "integer"}, "description": {"type": "string"}}}}),
        "discovery": validator({
            "type": "object", "required": ["changeset", "contact", "key_service", "endpoints"],
            "properties": {"endpoints": {"type": "array", "minItems": 1, "items": {
                "type": "object", "required": sorted(ENDPOINT),
                "properties": {"type": {"enum": ["production", "test"]},
                               "formats": {"type": "array", "items": {"type": "string"}}}}}}}),
    }


class Open311Client:
    """Call /open311/v2 and check each response against the specification."""

    def __init__(self, client):
        self.client = client
        self.validators = _validators()

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.call("POST", path, **kwargs)

    def call(self, method, path, **kwargs):
        response = self.client.open(PREFIX + path, method=method, **kwargs)
        check(self.validators, method, path, response)
        return response


def kind_of(method, path, status):
    """Return which GeoReport resource a path and status answer with."""
    if status >= 400:
        return "errors"
    parts = re.sub(r"\.(json|xml)$", "", urlsplit(path).path.strip("/"), flags=re.I).split("/")
    if parts[0] in ("", "discovery"):
        return "discovery"
    if parts[0] == "services":
        return "services" if len(parts) == 1 else "service_definition"
    if parts[0] == "tokens":
        return "token"
    return "receipt" if method == "POST" else "requests"


def check(validators, method, path, response):
    """Fail unless the response is what the specification says for its resource."""
    kind = kind_of(method, path, response.status_code)
    if response.mimetype == "text/xml":
        assert response.content_type == "text/xml; charset=utf-8"
        text = response.get_data(as_text=True)
        assert text.startswith(XML_DECLARATION), text[:60]
        check_xml(kind, ElementTree.fromstring(text.encode()))
    else:
        assert response.content_type == "application/json; charset=utf-8", response.data
        validators[kind].validate(response.get_json())


def check_xml(kind, root):
    """Fail unless the XML tree has the specification's elements for `kind`."""
    if kind == "discovery":
        assert root.tag == "discovery"
        assert {e.tag for e in root} == {"changeset", "contact", "key_service", "endpoints"}
        for endpoint in root.find("endpoints"):
            assert endpoint.tag == "endpoint" and {e.tag for e in endpoint} == ENDPOINT
            assert all(f.tag == "format" for f in endpoint.find("formats"))
        return
    if kind == "service_definition":
        assert root.tag == "service_definition"
        assert {e.tag for e in root} == {"service_code", "attributes"}
        for attribute in root.find("attributes"):
            assert attribute.tag == "attribute" and {e.tag for e in attribute} <= ATTRIBUTE
            assert {"variable", "code", "datatype", "required"} <= {e.tag for e in attribute}
            for value in attribute.findall("values/*"):
                assert value.tag == "value" and {e.tag for e in value} == {"key", "name"}
        return
    tag, item, allowed, required = XML_SHAPES[kind]
    assert root.tag == tag, root.tag
    for element in root:
        names = {e.tag for e in element}
        assert element.tag == item and required <= names <= allowed, (element.tag, names)


def both_formats(o311, path, query=""):
    """Return the JSON of GET `path`, after checking its XML says the same."""
    as_json = o311.get(f"{path}.json?{query}").get_json()
    tree = ElementTree.fromstring(o311.get(f"{path}.xml?{query}").data)
    assert xml_data(tree) == as_text(as_json)
    return as_json


def xml_data(element):
    """Return the JSON an XML element maps to by the Spark convention, scalars as text."""
    if element.tag in PLURALS:
        return [xml_data(child) for child in element] or None
    if len(element):
        return {child.tag: xml_data(child) for child in element}
    return element.text


def as_text(value):
    """Return JSON data with scalars written as the XML writes them, empty lists as None."""
    if isinstance(value, dict):
        return {k: as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_text(v) for v in value] or None
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None else str(value)
