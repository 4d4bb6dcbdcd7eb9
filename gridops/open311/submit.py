"""POST requests: an Open311 report turned into the Report every channel sends to intake.

Fields without a place in a case: `email` and `account_id` are not stored (account_id is echoed
back, as the spec allows), `device_id` only scopes idempotency, and `media_url` is kept as the
last line of the description, where dispatchers see it and GET reads it back.
"""
import hashlib
import re
from urllib.parse import urlsplit

from gridops.dispatch.decide import Actor
from gridops.dispatch.intake import report_incident, validate_report
from gridops.open311.errors import BadRequest
from gridops.open311.services import ATTRIBUTES, category_for
from gridops.open311.wording import handling_notice

DESCRIPTION_MAX = 4000
MEDIA_URL_MAX = 500
CJK = re.compile(r"[\u3400-\u9fff]")
#: Punctuation people write in phone numbers that the intake's phone pattern refuses.
PHONE_PUNCTUATION = re.compile(r"[().]")


def submit_request(session, params, key, now, locate):
    """Create the case an Open311 POST describes (or find a retry's); return (case, created)."""
    code = params.one("service_code")
    if code is None:
        raise BadRequest("service_code was not provided: GET services lists them.")
    category = category_for(session, code)
    report = validate_report(report_fields(params, category, key.name))
    actor = Actor(role="integration", label=f"Open311: {key.name}")
    return report_incident(session, report, "open311", actor, now, locate,
                           source_detail=key.name)


def report_fields(params, category, key_name):
    """Return the intake Report fields of an Open311 POST."""
    lat, lon = location(params)
    attributes = checked_attributes(params.attributes())
    return {
        "lat": lat, "lon": lon, "crs": attributes.get("crs", "wgs84"), "category": category.key,
        "description": with_media(params.one("description") or "", media_url(params)),
        "urgency": attributes.get("urgency"), "address": params.one("address_string"),
        "client_id": client_id(key_name, params.one("device_id"), attributes.get("client_id")),
        "reporter_name": reporter_name(params.one("first_name"), params.one("last_name")),
        "reporter_phone": phone(params.one("phone")),
    }


def location(params):
    """Return (lat, long) as sent, or refuse: an address alone cannot be placed in a grid."""
    lat, lon = params.one("lat"), params.one("long")
    if lat is None and lon is None:
        if params.one("address_string") or params.one("address_id"):
            raise BadRequest("No location can be derived from address_string or address_id "
                             "alone: GridOps places each report in its grid by coordinates. "
                             "Send lat and long (WGS-84); the address is kept as given.")
        raise BadRequest("lat and long were not provided: a report needs its location.")
    if lat is None or lon is None:
        raise BadRequest(f"{'lat' if lat is None else 'long'} was not provided: send both "
                         "lat and long.")
    return lat, lon


def checked_attributes(given):
    """Return the attribute values the service definition knows, checked; others are ignored."""
    values = {}
    for attribute in ATTRIBUTES:
        code, value = attribute["code"], given.get(attribute["code"])
        if value is None:
            continue
        if isinstance(value, list):
            raise BadRequest(f"attribute[{code}] takes one value.")
        values[code] = _checked(attribute, value)
    return values


def _checked(attribute, value):
    code = attribute["code"]
    if attribute["datatype"] == "singlevaluelist":
        keys = [item["key"] for item in attribute["values"]]
        plain = value.lower().replace("-", "").replace("_", "")
        if plain not in keys:
            raise BadRequest(f"attribute[{code}] must be one of {', '.join(keys)}, "
                             f"not {value!r}.")
        return plain
    if len(value) > 100:
        raise BadRequest(f"attribute[{code}] has more than 100 characters.")
    return value


def client_id(key_name, device_id, given):
    """Return the idempotency key of a report: its client_id scoped by key and device."""
    if not given:
        return None
    digest = hashlib.sha256("\n".join([key_name, device_id or "", given]).encode()).hexdigest()
    return f"open311-{digest[:40]}"


def reporter_name(first, last):
    """Return the reporter's name, family name first when it is written in Chinese."""
    if not (first or last):
        return None
    if CJK.search((first or "") + (last or "")):
        return f"{last or ''}{first or ''}"
    return " ".join(part for part in (first, last) if part)


def phone(number):
    """Return the phone number without brackets and dots, which intake refuses."""
    return PHONE_PUNCTUATION.sub("", number) if number else None


def media_url(params):
    """Return the media_url if it is an http(s) URL, or refuse it."""
    url = params.one("media_url")
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > MEDIA_URL_MAX \
            or re.search(r"\s", url):
        raise BadRequest(f"media_url must be an http or https URL of at most {MEDIA_URL_MAX} "
                         "characters.")
    return url


def with_media(description, url):
    """Return the description with the media line appended (see serialize.split_media)."""
    if url is None:
        return description
    text = f"{description}\n\n[media_url] {url}" if description else f"[media_url] {url}"
    if len(text) > DESCRIPTION_MAX and len(description) <= DESCRIPTION_MAX:
        raise BadRequest(f"description and media_url together exceed {DESCRIPTION_MAX} "
                         "characters: shorten the description.")
    return text


def receipt(session, incident, params):
    """Return the POST response item: the service_request_id and what happens next."""
    item = {"service_request_id": incident.case_number,
            "service_notice": f"已登记，案卷号 {incident.case_number} / Registered as "
                              f"{incident.case_number}. "
                              + handling_notice(session, incident.category, incident.urgency)}
    if params.one("account_id"):
        item["account_id"] = params.one("account_id")
    return item
