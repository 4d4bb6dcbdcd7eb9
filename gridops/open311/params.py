"""The request's parameters, read liberally: query string and body (form or JSON) together.

Old clients repeat parameters, send them empty, or put them in the query string of a POST; the
spec says an empty parameter is the same as a missing one. `one` takes the first non-empty
value wherever it was sent, `many` every value, comma lists split.
"""
import re

from flask import request
from werkzeug.datastructures import MultiDict

from gridops.open311.errors import BadRequest, NotFound

DEFAULT_JURISDICTION = "gridops.local"
#: attribute[CODE]=v, and attribute[CODE][]=v for multi-value lists.
ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")
TRUE = ("true", "1", "yes")


class Params:
    """Every value the client sent, keyed by name, empty ones dropped."""

    def __init__(self, values):
        self.values = MultiDict((k, v) for k, v in values if v is not None and v != "")

    @classmethod
    def from_request(cls):
        """Read the query string and the body (form-urlencoded, multipart or JSON)."""
        pairs = [(k, v.strip()) for k, v in request.args.items(multi=True)]
        if request.method != "POST":
            return cls(pairs)
        if request.is_json:
            pairs += _json_pairs(request.get_json(silent=True))
        else:
            pairs += [(k, v.strip()) for k, v in request.form.items(multi=True)]
        return cls(pairs)

    def one(self, name):
        """Return the first non-empty value of `name`, or None."""
        return self.values.get(name)

    def many(self, name):
        """Return every value of `name`, comma-separated lists split, empty items dropped."""
        items = (part.strip() for value in self.values.getlist(name) for part in value.split(","))
        return [item for item in items if item]

    def flag(self, name):
        """Return whether `name` is set to true (true, 1 or yes)."""
        return (self.one(name) or "").lower() in TRUE

    def attributes(self):
        """Return the attribute[CODE] values: a string, or a list for attribute[CODE][]."""
        found = {}
        for key, value in self.values.items(multi=True):
            match = ATTRIBUTE.match(key)
            if match and match.group(2):
                found.setdefault(match.group(1), []).append(value)
            elif match:
                found.setdefault(match.group(1), value)
        return found


def _json_pairs(body):
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object of parameters (or form-urlencoded).")
    for key, value in body.items():
        if key == "attribute" and isinstance(value, dict):
            for code, item in value.items():
                yield from _json_values(f"attribute[{code}]", item)
        else:
            yield from _json_values(key, value)


def _json_values(key, value):
    if isinstance(value, list):
        for item in value:
            yield (f"{key}[]" if key.startswith("attribute[") else key), _text(item)
    else:
        yield key, _text(value)


def _text(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def check_jurisdiction(params, config):
    """Refuse a jurisdiction_id other than ours; an empty one means ours."""
    ours = config.get("OPEN311_JURISDICTION", DEFAULT_JURISDICTION)
    given = params.one("jurisdiction_id")
    if given is not None and given.lower() != ours.lower():
        raise NotFound(f"jurisdiction_id {given!r} was not found: this endpoint serves {ours!r}.")


def whole_number(params, name, default, low, high):
    """Return the integer parameter `name` between `low` and `high`, or `default`."""
    raw = params.one(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, not {raw!r}.") from None
    if not low <= value <= high:
        raise BadRequest(f"{name} must be between {low} and {high}.")
    return value
