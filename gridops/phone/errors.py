"""Refusals in words a worker or resident can act on, for pages and for the phone's fetch."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from gridops.api.errors import STATUS
from gridops.errors import DomainError
from gridops.geo.errors import GeoError
from gridops.web.problems import problem

#: Geo errors carry English detail for integrators; people get these instead.
GEO_MESSAGES = {
    "out_of_area": _l("This place is outside every grid. Pick the place on the map or choose "
                      "a grid."),
    "invalid_coordinates": _l("The position is not valid. Pick the place on the map or choose "
                              "a grid."),
}
FIELDS = {
    "lat": _l("Place"), "lon": _l("Place"), "accuracy_m": _l("Place"),
    "category": _l("Category"), "description": _l("Description"), "urgency": _l("Urgency"),
    "client_id": _l("Report number"), "reporter_phone": _l("Phone number"),
    "reporter_name": _l("Name"), "address": _l("Address"), "note": _l("Note"),
    "satisfaction": _l("Satisfaction"), "found": _l("Result"), "passed": _l("Result"),
}


def readable(error):
    """Return (HTTP status, code, message) for a domain or geo error."""
    if isinstance(error, GeoError):
        return 400 if error.code == "invalid_coordinates" else 422, error.code, \
            str(GEO_MESSAGES.get(error.code, error.message))
    problems = error.extra.get("errors") or []
    if error.code == "validation_error" and problems:
        names = dict.fromkeys(str(FIELDS.get(p["field"], p["field"])) for p in problems)
        return 400, error.code, _("Please check: %(fields)s.", fields="、".join(names))
    return STATUS.get(error.code, 422), error.code, error.message()


def problem_for(error):
    """Return the problem+json response for a refusal."""
    status, code, message = readable(error)
    return problem(status, code, message)


REFUSALS = (DomainError, GeoError)
