"""What the console's maps draw: tiles from the settings, points and outlines in the tiles' CRS.

Points and outlines are stored in WGS-84; GCJ-02 tiles (AMap, Tencent) sit hundreds of metres
off, so everything drawn over them is shifted with `gridops.geo.crs.from_wgs84` first.
"""
import json

import numpy as np
import shapely
from geoalchemy2.shape import to_shape
from shapely.geometry import mapping
from sqlalchemy import func, select

from gridops.geo.crs import from_wgs84, normalize_crs
from gridops.geo.display import shift
from gridops.geo.models import Area


def tiles(config):
    """Return the tile layer settings for the page: empty URL means outlines only (offline)."""
    return {"url": config.get("GRIDOPS_MAP_TILE_URL", ""),
            "attribution": config.get("GRIDOPS_MAP_TILE_ATTRIBUTION", ""),
            "crs": display_crs(config)}


def display_crs(config):
    return normalize_crs(config.get("GRIDOPS_MAP_TILE_CRS") or "wgs84")


def lat_lon(point, crs):
    """Return [lat, lon] of a WGS-84 point geometry, shifted into `crs`."""
    shape = to_shape(point)
    lon, lat = shape.x, shape.y
    if crs not in ("wgs84", "cgcs2000"):
        lon, lat = from_wgs84(lon, lat, crs)
    return [round(lat, 7), round(lon, 7)]


def outline(session, area_id, crs):
    """Return one area row's outline as a GeoJSON Feature in `crs`, or None."""
    row = session.execute(select(Area.code, Area.name, func.ST_AsBinary(Area.geom))
                          .where(Area.id == area_id)).first()
    if row is None:
        return None
    geometry = shift(np.array([shapely.from_wkb(bytes(row[2]))], dtype=object), crs)[0]
    return {"type": "Feature", "geometry": mapping(geometry),
            "properties": {"code": row[0], "name": row[1]}}


def as_attribute(value):
    """Return `value` as compact JSON for a data- attribute (read by the page's script)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
