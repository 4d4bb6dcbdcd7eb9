"""Template filters and globals shared by every page: local times and readable labels."""
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import get_locale
from geoalchemy2.shape import to_shape

from gridops.web import labels


def local_time(moment, pattern="%m-%d %H:%M"):
    """Format an aware datetime in the configured time zone (Asia/Shanghai by default)."""
    if not isinstance(moment, datetime):
        return ""
    return moment.astimezone(ZoneInfo(current_app.config["GRIDOPS_TZ"])).strftime(pattern)


def label(code, table):
    """Return the readable name of `code` in one of the label tables, or the code itself."""
    return getattr(labels, table).get(code, code)


def incident_point(incident):
    """Return (lat, lon) of a case's place in WGS-84."""
    point = to_shape(incident.point)
    return round(point.y, 7), round(point.x, 7)


def init_app(app):
    app.add_template_filter(local_time, "localtime")
    app.add_template_filter(label, "label")
    app.add_template_global(labels.stage_index, "stage_index")
    app.add_template_global(labels.LOOP, "LOOP")
    app.add_template_global(get_locale, "get_locale")
    app.add_template_global(incident_point, "incident_point")
