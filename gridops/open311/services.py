"""Services are our sub-categories; a service's definition lists the attributes a report takes.

A service_code is the category key with a hyphen, "event-0102" for event:0102: the colon needs
escaping in some clients' paths, the hyphen never does. "event:0102" is accepted as well.
"""
from gridops.dispatch.catalog import active_categories, category_by_key
from gridops.dispatch.models.reference import URGENCIES
from gridops.geo.crs import CRS_NAMES
from gridops.errors import UnknownCategory
from gridops.open311.errors import NotFound

KIND_NAMES = {"event": "事件", "facility": "部件"}
URGENCY_NAMES = {"normal": "一般 Normal", "urgent": "紧急 Urgent"}
CRS_LABELS = {"wgs84": "WGS-84 (GPS)", "cgcs2000": "CGCS2000", "gcj02": "GCJ-02 (高德/腾讯/微信)",
              "bd09": "BD-09 (百度)"}

#: The attributes every service takes, as the service definition shows them; POST checks them.
ATTRIBUTES = [
    {"variable": True, "code": "urgency", "datatype": "singlevaluelist", "required": False,
     "datatype_description": "normal or urgent; the category's default when left out",
     "order": 1, "description": "紧急程度 Urgency",
     "values": [{"key": key, "name": URGENCY_NAMES[key]} for key in URGENCIES]},
    {"variable": True, "code": "crs", "datatype": "singlevaluelist", "required": False,
     "datatype_description": "wgs84 (the default, as GeoReport says), or the coordinate system "
                             "of the map the lat and long were read from",
     "order": 2, "description": "坐标系 Coordinate system of lat and long",
     "values": [{"key": key, "name": CRS_LABELS[key]} for key in CRS_NAMES]},
    {"variable": True, "code": "client_id", "datatype": "string", "required": False,
     "datatype_description": "8 to 100 characters, unique per report on your side",
     "order": 3, "description": "Your own id for this report: sending it again (with the same "
                                "device_id) returns the first request instead of a duplicate"},
]


def service_code(category):
    """Return the service_code of a category: "event-0102"."""
    return f"{category.kind}-{category.code}"


def category_key(code):
    """Return the category key a service_code names ("event-0102" or "event:0102")."""
    kind, sep, rest = code.replace(":", "-", 1).partition("-")
    return f"{kind}:{rest}" if sep else code


def service_list(session):
    """Return every service (active sub-category), grouped by its top-level class."""
    categories = active_categories(session)
    classes = {(c.kind, c.code): c for c in categories if c.parent_code is None}
    return [_service(c, classes.get((c.kind, c.parent_code)))
            for c in categories if c.parent_code is not None]


def _service(category, parent):
    group = parent.name if parent else None
    words = [KIND_NAMES.get(category.kind, category.kind), group, category.name, category.key]
    return {"service_code": service_code(category), "service_name": category.name,
            "description": " · ".join(w for w in words[:3] if w), "metadata": True,
            "type": "realtime", "keywords": ", ".join(w for w in words if w), "group": group}


def category_for(session, code):
    """Return the active sub-category the service_code `code` names, or raise NotFound."""
    try:
        return category_by_key(session, category_key(code))
    except UnknownCategory:
        raise NotFound(f"service_code {code!r} was not found: GET services lists them.") from None


def service_definition(session, code):
    """Return the definition of the service `code` (echoed as sent), or raise NotFound."""
    category_for(session, code)
    return {"service_code": code, "attributes": ATTRIBUTES}
