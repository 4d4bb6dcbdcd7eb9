"""A case as a GeoReport service request, with the fields in the spec's order.

Fields the spec allows but we don't have (address_id, zipcode) are sent empty, as the spec's
examples do. Reporter contact details are never shown: GET needs no key.
"""
import re

from geoalchemy2.shape import to_shape
from sqlalchemy import select

from gridops.dispatch.models import Incident
from gridops.dispatch.models.incident import TERMINAL_STATES as TERMINAL
from gridops.open311.services import service_code
from gridops.open311.times import w3c
from gridops.open311.timeline import extended_attributes, timelines
from gridops.open311.wording import handling_notice, status_notes

#: Seven decimals are about a centimetre: enough, without float noise such as 116.42500000000001.
COORDINATE_DIGITS = 7
#: How submit.py keeps a media_url in the description until the case has a column for it.
MEDIA_LINE = re.compile(r"\n*\[media_url\] (\S+)\s*\Z")


def request_list(session, incidents, extensions=False):
    """Return the service requests of `incidents`; `extensions` adds our facts and timeline."""
    merged = _merged_numbers(session, incidents)
    notices = {}
    notes = timelines(session, incidents) if extensions else {}
    items = []
    for incident in incidents:
        item = request_json(session, incident, merged.get(incident.merged_into_id), notices)
        if extensions:
            item["extended_attributes"] = extended_attributes(incident)
            item["notes"] = notes[incident.id]
        items.append(item)
    return items


def request_json(session, incident, merged_into=None, notices=None):
    """Return one case as a service request."""
    point = to_shape(incident.point)
    description, media_url = split_media(incident.description)
    is_open = incident.state not in TERMINAL
    return {
        "service_request_id": incident.case_number,
        "status": "open" if is_open else "closed",
        "status_notes": status_notes(incident, merged_into),
        "service_name": incident.category.name,
        "service_code": service_code(incident.category),
        "description": description or None,
        "agency_responsible": incident.lead_unit.name if incident.lead_unit else None,
        "service_notice": handling_notice(session, incident.category, incident.urgency,
                                          notices) if is_open else None,
        "requested_datetime": w3c(incident.reported_at),
        "updated_datetime": w3c(incident.closed_at if not is_open and incident.closed_at
                                else incident.updated_at),
        "expected_datetime": w3c(expected_at(incident)),
        "address": address_of(incident),
        "address_id": None,
        "zipcode": None,
        "lat": round(point.y, COORDINATE_DIGITS),
        "long": round(point.x, COORDINATE_DIGITS),
        "media_url": media_url,
    }


def split_media(description):
    """Return (description, media_url) from a description that may end in a media line."""
    match = MEDIA_LINE.search(description or "")
    if match is None:
        return description, None
    return description[:match.start()], match.group(1)


def expected_at(incident):
    """Return the handling deadline: the latest handling clock not cancelled, or None."""
    rows = [row for row in incident.deadlines if row.kind == "handling"
            and row.state != "cancelled"]
    return rows[-1].due_at if rows else None


def address_of(incident):
    """Return the address as given, followed by the community, street and district."""
    parts = [incident.address, incident.community.name, incident.street.name,
             incident.district.name]
    return ", ".join(part for part in parts if part)


def _merged_numbers(session, incidents):
    ids = {i.merged_into_id for i in incidents if i.merged_into_id}
    if not ids:
        return {}
    return dict(session.execute(select(Incident.id, Incident.case_number)
                                .where(Incident.id.in_(ids))).all())
