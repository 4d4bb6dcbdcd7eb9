"""Suggest possible duplicates: open incidents of the same category close in space and time.

The bounding-box test (`&&` with ST_Expand in degrees) lets the GiST index on incident.point
pick the candidates; ST_DWithin on geography then keeps those truly within the radius, in
metres on the ellipsoid.
"""
import math
from datetime import timedelta

from geoalchemy2 import Geography
from sqlalchemy import cast, func, select

from gridops.dispatch.models import Incident
from gridops.dispatch.models.incident import TERMINAL_STATES

#: Metres per degree of latitude, low side, so that the degree box always covers the radius.
_METRES_PER_DEGREE = 110_000.0


def possible_duplicates(session, lon, lat, category_id, now, radius_m=50.0, hours=72.0,
                        exclude_id=None, limit=10):
    """Return [(case, distance_m)] of open same-category cases near a WGS-84 point, nearest
    first, then newest; each case a row of its id, case_number, state and reported_at."""
    point = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
    here = cast(point, Geography)
    there = cast(Incident.point, Geography)
    distance = func.ST_Distance(there, here).label("distance_m")
    query = (select(Incident.id, Incident.case_number, Incident.state, Incident.reported_at,
                    distance)
             .where(Incident.point.op("&&")(_box(point, lon, lat, radius_m)),
                    func.ST_DWithin(there, here, radius_m),
                    Incident.category_id == category_id,
                    Incident.state.not_in(TERMINAL_STATES),
                    Incident.reported_at >= now - timedelta(hours=hours))
             .order_by(distance, Incident.reported_at.desc(), Incident.id.desc())
             .limit(limit))
    if exclude_id is not None:
        query = query.where(Incident.id != exclude_id)
    return [(case, float(case.distance_m)) for case in session.execute(query)]


def _box(point, lon, lat, radius_m):
    dy = radius_m / _METRES_PER_DEGREE
    dx = dy / max(math.cos(math.radians(min(abs(lat) + dy, 89.9))), 1e-6)
    return func.ST_Expand(point, dx, dy)


def duplicate_settings(config):
    """Return (radius_m, hours) from app.config."""
    return (float(config.get("GRIDOPS_DUPLICATE_RADIUS_M", 50.0)),
            float(config.get("GRIDOPS_DUPLICATE_HOURS", 72.0)))
