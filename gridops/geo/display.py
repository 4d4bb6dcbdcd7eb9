"""Serve the current layer to maps: filter by level and box, simplify for a zoom level, shift.

Simplification works on each level as a coverage (shapely.coverage_simplify), so neighbours
keep sharing their simplified edges instead of opening slivers between them. Maps whose tiles
are GCJ-02 (AMap, Tencent) need overlays shifted to GCJ-02 to line up.
"""
import numpy as np
import shapely
from shapely.geometry import mapping
from sqlalchemy import func, select

from gridops.geo.crs import from_wgs84, normalize_crs
from gridops.geo.features import LEVELS
from gridops.geo.models import Area

MAX_ZOOM = 22


def pixel_degrees(zoom):
    """Return the width of one 256-pixel web-map tile pixel at `zoom`, in degrees of longitude."""
    return 360.0 / (256 * 2 ** zoom)


def map_layer(session, level=None, bbox=None, zoom=None, crs="wgs84"):
    """Return the current areas as a FeatureCollection dict for a map."""
    query = select(Area.code, Area.name, Area.level, Area.parent_code,
                   func.ST_AsBinary(Area.geom)).where(Area.valid_to.is_(None))
    if level is not None:
        query = query.where(Area.level == level)
    if bbox is not None:
        query = query.where(func.ST_Intersects(Area.geom, func.ST_MakeEnvelope(*bbox, 4326)))
    rows = sorted(session.execute(query), key=lambda r: (LEVELS.index(r[2]), r[0]))
    geometries = np.array([shapely.from_wkb(bytes(r[4])) for r in rows], dtype=object)
    if zoom is not None and len(rows):
        geometries = _simplify(geometries, [r[2] for r in rows], pixel_degrees(zoom))
    geometries = shift(geometries, crs)
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": mapping(g),
         "properties": {"code": code, "name": name, "level": lvl, "parent": parent or ""}}
        for (code, name, lvl, parent, _), g in zip(rows, geometries)]}


def _simplify(geometries, levels, tolerance):
    levels = np.array(levels)
    out = geometries.copy()
    for level in set(levels.tolist()):
        same = levels == level
        out[same] = shapely.coverage_simplify(geometries[same], tolerance)
    return out


def shift(geometries, crs):
    """Return WGS-84 geometries moved into `crs` for display (GCJ-02 or BD-09 tiles)."""
    crs = normalize_crs(crs)
    if crs in ("wgs84", "cgcs2000"):
        return geometries

    def move(xy):
        return np.array([from_wgs84(x, y, crs) for x, y in xy]).reshape(-1, 2)
    return shapely.transform(geometries, move)
