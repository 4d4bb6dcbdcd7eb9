"""Turn a feature's raw coordinates into a MultiPolygon, naming each fault on the way.

Faults found here: no or wrong geometry type, empty geometry, malformed, non-finite or
out-of-range coordinates, unclosed rings, rings too short, and anything GEOS calls invalid
(self-intersections, holes outside their shell, ...). With `fix`, unclosed rings are closed and
invalid polygons go through make_valid when what comes out is still a non-empty area.
"""
import math
import re
from dataclasses import dataclass, field

import shapely
from shapely.geometry import MultiPolygon, Polygon

from gridops.geo.frame import area_m2


@dataclass
class Built:
    geometry: MultiPolygon | None = None
    errors: list = field(default_factory=list)
    fixes: list = field(default_factory=list)


def build_geometry(raw, geod, fix=False):
    """Return a Built for one RawFeature: its geometry, or the errors that prevent it."""
    built = Built()
    if raw.kind not in ("Polygon", "MultiPolygon"):
        built.errors.append(f"geometry is {raw.kind or 'missing'}; expected Polygon or MultiPolygon")
        return built
    if not raw.polygons:
        built.errors.append("empty geometry")
        return built
    polygons = [_polygon(p, j, built, fix) for j, p in enumerate(raw.polygons)]
    if built.errors:
        return built
    geometry = MultiPolygon(polygons)
    reason = shapely.is_valid_reason(geometry)
    if reason == "Valid Geometry":
        built.geometry = geometry
    elif fix:
        _make_valid(geometry, reason, built, geod)
    else:
        built.errors.append(f"invalid geometry: {_explain(reason)}")
    return built


def _polygon(rings, j, built, fix):
    if not isinstance(rings, list) or not rings:
        built.errors.append(f"polygon {j + 1} has no rings")
        return None
    checked = [_ring(ring, j, k, built, fix) for k, ring in enumerate(rings)]
    if built.errors:
        return None
    return Polygon(checked[0], checked[1:])


def _ring(ring, j, k, built, fix):
    where = f"ring {k + 1} of polygon {j + 1}"
    points = _points(ring)
    if points is None:
        built.errors.append(f"{where} has malformed coordinates")
        return None
    bad = [p for p in points if not (math.isfinite(p[0]) and math.isfinite(p[1]))]
    if bad:
        built.errors.append(f"{where} has coordinates that are not finite numbers")
        return None
    far = [p for p in points if abs(p[0]) > 180 or abs(p[1]) > 90]
    if far:
        built.errors.append(_out_of_range(where, far[0]))
        return None
    if len(points) >= 1 and points[0] != points[-1]:
        if not fix:
            built.errors.append(f"{where} is not closed: it starts at {_pt(points[0])} "
                                f"and ends at {_pt(points[-1])}")
            return None
        points = points + [points[0]]
        built.fixes.append(f"closed {where}")
    if len(points) < 4 or len(set(points)) < 3:
        built.errors.append(f"{where} is too short: {len(set(points))} distinct point(s); "
                            "a ring needs at least 3")
        return None
    return points


def _points(ring):
    if not isinstance(ring, list):
        return None
    try:
        return [(float(p[0]), float(p[1])) for p in ring]
    except (TypeError, ValueError, IndexError):
        return None


def _out_of_range(where, point):
    hint = ("; these look like projected metres, not degrees: export the layer in "
            "WGS-84/CGCS2000 longitude and latitude" if max(map(abs, point)) > 1000 else "")
    return f"{where} has coordinates out of range, e.g. {_pt(point)}{hint}"


def _make_valid(geometry, reason, built, geod):
    repaired = shapely.make_valid(geometry)
    parts = [p for p in shapely.get_parts(repaired) if p.geom_type in ("Polygon", "MultiPolygon")]
    polygons = [q for p in parts for q in shapely.get_parts(p)]
    if not polygons:
        built.errors.append(f"invalid geometry: {_explain(reason)}; make_valid left no area")
        return
    built.geometry = MultiPolygon(polygons)
    built.fixes.append(f"made valid ({_explain(reason)}): now {len(polygons)} polygon(s), "
                       f"{area_m2(geod, built.geometry):.1f} m²")


def _explain(reason):
    """Return GEOS's 'Self-intersection[116.4 39.9]' as 'self-intersection at (116.4, 39.9)'."""
    match = re.match(r"(.*)\[(\S+) (\S+)\]$", reason)
    if not match:
        return reason[:1].lower() + reason[1:]
    text, x, y = match.groups()
    return f"{text[:1].lower() + text[1:]} at ({float(x):.7g}, {float(y):.7g})"


def _pt(point):
    return f"({point[0]:.7g}, {point[1]:.7g})"
