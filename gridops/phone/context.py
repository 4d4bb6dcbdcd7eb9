"""What the report form needs to know about a worker: their grids and their usual categories."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, or_, select

from gridops.dispatch.catalog import grouped_by_class
from gridops.dispatch.models import Category, Incident
from gridops.geo.models import Area

PINNED = 6
FREQUENT_DAYS = 90


def map_tiles():
    """Return the tile layer the place pickers draw under the outlines ("" for none)."""
    config = current_app.config
    return {"url": config["GRIDOPS_MAP_TILE_URL"],
            "attribution": config["GRIDOPS_MAP_TILE_ATTRIBUTION"]}


def scope_codes(user):
    return [link.area_code for link in user.area_links]


def worker_grids(session, user):
    """Return the worker's current grids with a point inside each, for the grid picker."""
    codes = scope_codes(user)
    inside = func.ST_PointOnSurface(Area.geom)
    rows = session.execute(
        select(Area.code, Area.name, func.ST_Y(inside), func.ST_X(inside))
        .where(Area.valid_to.is_(None), Area.level == "grid",
               or_(Area.code.in_(codes), Area.parent_code.in_(codes)))
        .order_by(Area.code))
    return [{"code": code, "name": name, "lat": round(lat, 7), "lon": round(lon, 7)}
            for code, name, lat, lon in rows]


def bbox_of(session, codes):
    """Return [minlon, minlat, maxlon, maxlat] around the current areas `codes`, or None."""
    box = session.execute(select(
        func.ST_XMin(func.ST_Extent(Area.geom)), func.ST_YMin(func.ST_Extent(Area.geom)),
        func.ST_XMax(func.ST_Extent(Area.geom)), func.ST_YMax(func.ST_Extent(Area.geom)))
        .where(Area.valid_to.is_(None), Area.code.in_(codes))).one()
    return None if box[0] is None else [round(v, 6) for v in box]


def category_choices(session, user, now):
    """Return (pinned, groups): the worker's frequent then recent categories, and all of them."""
    groups = category_groups(session)
    by_key = {c["key"]: c for _name, members in groups for c in members}
    keys = _frequent(session, user, now) + _recent(session, user)
    pinned = [by_key[k] for k in dict.fromkeys(keys) if k in by_key][:PINNED]
    return pinned, groups


def category_groups(session):
    """Return [(class name, [{key, name}])] of the active sub-categories, in code order."""
    return [(name, [{"key": c.key, "name": c.name, "urgent": c.default_urgency == "urgent"}
                    for c in members])
            for name, members in grouped_by_class(session)]


def _key_of_reports(user):
    key = Category.kind + ":" + Category.code
    return key, (select(key).join(Incident, Incident.category_id == Category.id)
                 .where(Incident.reporter_id == user.id).group_by(key))


def _frequent(session, user, now):
    key, query = _key_of_reports(user)
    since = now - timedelta(days=FREQUENT_DAYS)
    return list(session.scalars(query.where(Incident.reported_at >= since)
                                .order_by(func.count().desc(), key).limit(PINNED // 2)))


def _recent(session, user):
    key, query = _key_of_reports(user)
    return list(session.scalars(query.order_by(func.max(Incident.reported_at).desc())
                                .limit(PINNED)))
