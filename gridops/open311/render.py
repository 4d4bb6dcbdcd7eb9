"""Write GeoReport responses as JSON or XML.

The spec's XML is schemaless; its JSON is the Spark-convention mapping of it: a JSON list is a
plural element holding one singular element per item (services → service), so one result is
still a list of one. `ITEM` names the singular of every list we write.
"""
import json
import re
from xml.etree import ElementTree

from flask import Response, request

from gridops.open311.errors import UnsupportedFormat

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
ITEM = {"services": "service", "service_requests": "request", "attributes": "attribute",
        "values": "value", "endpoints": "endpoint", "formats": "format", "errors": "error",
        "notes": "note", "deadlines": "deadline", "units": "unit", "co_agencies": "agency"}
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
#: Characters XML 1.0 forbids even escaped; a description pasted from elsewhere may hold them.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: A format suffix: `.json`, `.xml`, or something else we refuse by name.
SUFFIX = re.compile(r"\.([A-Za-z]{2,5})$")


def split_suffix(name):
    """Return (name without its format suffix, the suffix in lower case or None)."""
    match = SUFFIX.search(name)
    return (name[:match.start()], match.group(1).lower()) if match else (name, None)


def response_format():
    """Return "json" or "xml": the URL's suffix, else the `format` parameter, else JSON."""
    _, suffix = split_suffix(request.path.rsplit("/", 1)[-1])
    chosen = suffix or (request.args.get("format") or "").strip().lower() or "json"
    if chosen not in CONTENT_TYPES:
        raise UnsupportedFormat(chosen)
    return chosen


def error_format():
    """Return the format an error should be written in; JSON when the asked one is unknown."""
    try:
        return response_format()
    except UnsupportedFormat:
        return "json"


def render(body, root, fmt, status=200, headers=None):
    """Return `body` as a response; `root` names the XML root element."""
    if fmt == "xml":
        text = XML_DECLARATION + ElementTree.tostring(to_element(root, body), encoding="unicode")
    else:
        text = json.dumps(body, ensure_ascii=False)
    return Response(text, status=status, content_type=CONTENT_TYPES[fmt], headers=headers)


def to_element(name, value):
    """Return `value` as the XML element `name`, lists as plural holding singular elements."""
    element = ElementTree.Element(name)
    if isinstance(value, dict):
        element.extend(to_element(key, item) for key, item in value.items())
    elif isinstance(value, list):
        element.extend(to_element(ITEM.get(name, "item"), item) for item in value)
    else:
        element.text = xml_text(value)
    return element


def xml_text(value):
    """Return the text of a scalar: booleans as true/false, nothing for None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("", str(value))
